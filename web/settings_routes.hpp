// REST handlers for the caller's own settings (docs/API.md, "Settings"):
//   GET   /api/v1/me/settings   {"quiet_hours":null|{"start","end","timezone"},"quiet_until":…}
//   PATCH /api/v1/me/settings   {"quiet_hours":{"start":"22:00","end":"07:00",
//                                               "timezone":"America/New_York"}} or null
// Quiet hours hold the user's email and webhook deliveries back until the
// window ends (the stream stays live). Changing or clearing them releases
// what they held, so the dispatcher judges it against the new window at once.
// Plain functions, request in, response out. Thread-safe.
#pragma once

#include <functional>
#include <string_view>

#include "rules/clock.hpp"
#include "store/accounts.hpp"
#include "store/user_settings_repository.hpp"
#include "web/problem.hpp"

namespace bw {

struct SettingsContext {
  UserSettingsRepository& settings;
  const Clock& clock;
  std::function<void()> wake_dispatcher;  // after held deliveries were released
};

ApiResponse get_settings(SettingsContext& context, const User& user);
ApiResponse patch_settings(SettingsContext& context, const User& user, std::string_view body);

}  // namespace bw
