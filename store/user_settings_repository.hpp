// UserSettingsRepository: a user's own delivery settings (today: quiet
// hours). Stored as plain fields; notify/quiet_hours.hpp gives them meaning.
//
//   UserSettingsRepository settings(db);
//   settings.save_quiet_hours(user, QuietHoursRow{22 * 60, 7 * 60, "America/New_York"}, now);
//   std::optional<QuietHoursRow> q = settings.quiet_hours(user);
//
// Thread-safe (through Database).
#pragma once

#include <optional>
#include <string>

#include "rules/condition.hpp"
#include "store/database.hpp"

namespace bw {

struct QuietHoursRow {
  int start_minute = 0;  // minutes after local midnight
  int end_minute = 0;
  std::string timezone;  // as parse_time_zone() accepts it
  bool operator==(const QuietHoursRow&) const = default;
};

class UserSettingsRepository {
 public:
  explicit UserSettingsRepository(Database& db) : db_(db) {}

  std::optional<QuietHoursRow> quiet_hours(UserId user);
  // Sets (or with nullopt clears) the user's quiet hours and, in the same
  // transaction, makes every delivery they held back due at `now` again (the
  // dispatcher judges it against the new window). Returns how many it released.
  std::int64_t save_quiet_hours(UserId user, const std::optional<QuietHoursRow>& quiet,
                                TimestampMs now);

 private:
  Database& db_;
};

}  // namespace bw
