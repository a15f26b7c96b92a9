// REST handlers for delivery channels and the outbox (docs/API.md):
//   POST   /api/v1/channels                       {"type":"webhook","url":…} → 201, secret shown
//   once GET    /api/v1/channels                       the caller's channels (no secrets) GET
//   /api/v1/channels/{id} DELETE /api/v1/channels/{id}                  also removes its deliveries
//   GET    /api/v1/notifications/{id}/deliveries  one row per channel, with attempts
//   POST   /api/v1/deliveries/{id}/retry          due now → 202
// Plain functions (request in, response out), like api_routes. A channel or
// delivery of another user is a 404, exactly like one that does not exist.
// Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <string_view>

#include "notify/webhook_target.hpp"
#include "rules/clock.hpp"
#include "store/accounts.hpp"
#include "store/channel_repository.hpp"
#include "store/delivery_repository.hpp"
#include "web/problem.hpp"

namespace bw {

inline constexpr std::size_t kMaxChannelsPerUser = 50;
inline constexpr std::size_t kMaxChannelsPerAlert = 10;

struct DeliveryContext {
  ChannelRepository& channels;
  DeliveryRepository& deliveries;
  const Clock& clock;
  TargetPolicy targets;                   // read through current_targets()
  std::function<void()> wake_dispatcher;  // after a manual retry
  bool email_enabled = false;             // [email] smtp_url or api_url is set
  // A hot reload replaces targets and email_enabled while requests run.
  mutable std::mutex settings_mutex{};

  TargetPolicy current_targets() const {
    std::lock_guard lock(settings_mutex);
    return targets;
  }
  bool current_email_enabled() const {
    std::lock_guard lock(settings_mutex);
    return email_enabled;
  }
  void set_settings(TargetPolicy next_targets, bool next_email_enabled) {
    std::lock_guard lock(settings_mutex);
    targets = std::move(next_targets);
    email_enabled = next_email_enabled;
  }
};

ApiResponse create_channel(DeliveryContext& context, const User& user, std::string_view body);
ApiResponse list_channels(DeliveryContext& context, const User& user);
ApiResponse get_channel(DeliveryContext& context, const User& user, std::string_view id);
ApiResponse delete_channel(DeliveryContext& context, const User& user, std::string_view id);
ApiResponse list_deliveries(DeliveryContext& context, const User& user,
                            std::string_view notification_id);
ApiResponse retry_delivery(DeliveryContext& context, const User& user, std::string_view id);

// Checks that every id is one of the user's channels; the error names the
// field ("channels: no channel 7"). Used when an alert names its channels.
Status check_alert_channels(DeliveryContext& context, const User& user,
                            const std::vector<ChannelId>& ids);

}  // namespace bw
