// ChannelRepository: a user's delivery channels (webhook endpoints) and which
// channels each alert notifies. Every query is scoped by owner, so one user
// can never see, use or delete another's channel through it.
//
//   ChannelRepository channels(db);
//   Channel c = channels.insert({user, ChannelType::webhook, url, secret}, now);
//   channels.link_alert(alert_id, {c.id});          // after owned() said yes
//   std::vector<ChannelId> ids = channels.for_alert(alert_id);
//
// Thread-safe (through Database).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/condition.hpp"
#include "store/database.hpp"

namespace bw {

using ChannelId = std::int64_t;

enum class ChannelType { webhook, email };
std::string_view channel_type_name(ChannelType type);
std::optional<ChannelType> parse_channel_type(std::string_view text);

struct Channel {
  ChannelId id = 0;
  UserId user_id = 0;
  ChannelType type = ChannelType::webhook;
  std::string target;  // webhook URL or email address
  std::string secret;  // webhook signing secret ("whsec_..."); never logged
  bool enabled = true;
  std::string disabled_reason;
  TimestampMs created_at = 0;
};

class ChannelRepository {
 public:
  explicit ChannelRepository(Database& db) : db_(db) {}

  // Assigns id and created_at; the channel starts enabled.
  Channel insert(Channel channel, TimestampMs now);
  std::vector<Channel> list_for_user(UserId user);
  std::optional<Channel> find(UserId user, ChannelId id);
  // Deletes the channel, its alert links and its deliveries. False if the
  // user has no such channel.
  bool remove(UserId user, ChannelId id);
  // The ids in `ids` that are not channels of `user` (empty: all are theirs).
  std::vector<ChannelId> not_owned(UserId user, const std::vector<ChannelId>& ids);
  // Replaces the channels an alert notifies (the alert must be the caller's).
  void link_alert(AlertId alert, const std::vector<ChannelId>& ids);
  std::vector<ChannelId> for_alert(AlertId alert);

 private:
  Database& db_;
};

}  // namespace bw
