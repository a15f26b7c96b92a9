// DigestRepository: throttled deliveries grouped into one message per
// channel (the way Alertmanager groups): group() moves each throttled
// delivery into its channel's open digest (opening one, due `group_wait`
// later, when there is none or it is full) in one transaction; the
// dispatcher claims due digests, sends each as one request or email, and
// record_attempt() settles the digest and exactly the members it sent.
//
//   DigestRepository digests(db);
//   digests.group({{delivery_id, channel_id, user_id}}, now, 30s, 100);
//   for (DueDigest& d : digests.claim_due(now, 10, in_flight)) send(d);
//   digests.record_attempt(outcome, now);
//
// Crash safety: a delivery is `grouped` (with its digest id) or not, never
// both, so a restart neither loses nor duplicates a member; an unsent digest
// is simply due again. Status: collecting (open; due at next_attempt_at) →
// delivered | retrying → dead | failed (its channel was disabled by a 410).
// Thread-safe (through Database).
#pragma once

#include <chrono>
#include <set>
#include <vector>

#include "store/delivery_repository.hpp"

namespace bw {

using DigestId = std::int64_t;

struct Digest {
  DigestId id = 0;
  UserId user_id = 0;
  ChannelId channel_id = 0;
  std::string status;  // collecting, retrying, delivered, dead, failed
  int attempts = 0;
  TimestampMs next_attempt_at = 0;
  TimestampMs created_at = 0;
};

// A member as the digest message shows it.
struct DigestMember {
  DeliveryId delivery_id = 0;
  StoredNotification notification;
};

struct DueDigest {
  Digest digest;
  Channel channel;
  std::vector<DigestMember> members;  // oldest first
};

// A throttled delivery to group.
struct ThrottledDelivery {
  DeliveryId id = 0;
  ChannelId channel_id = 0;
  UserId user_id = 0;
};

struct DigestOutcome {
  DigestId id = 0;
  DeliveryStatus status = DeliveryStatus::retrying;  // delivered, retrying, dead or failed
  std::optional<std::int64_t> status_code;
  std::string error;
  TimestampMs next_attempt_at = 0;
  bool disable_channel = false;
  std::vector<DeliveryId> members;  // the members the attempt carried
};

class DigestRepository {
 public:
  explicit DigestRepository(Database& db) : db_(db) {}

  // Groups the still-pending deliveries among `throttled` into open digests
  // of their channels (at most `max_members` each). Returns how many were grouped.
  std::size_t group(const std::vector<ThrottledDelivery>& throttled, TimestampMs now,
                    std::chrono::milliseconds group_wait, std::size_t max_members);
  // Digests due at `now` (collecting ones whose wait is over, retries due) on
  // enabled channels of `shard`, skipping `in_flight`; each with up to `max_members`
  // members. A digest left with no members is deleted.
  std::vector<DueDigest> claim_due(TimestampMs now, std::size_t limit,
                                   const std::set<DigestId>& in_flight, std::size_t max_members,
                                   DeliveryShard shard = {});
  // The earliest next_attempt_at of an open digest on an enabled channel,
  // not counting `in_flight` ones.
  std::optional<TimestampMs> next_due(const std::set<DigestId>& in_flight,
                                      DeliveryShard shard = {});
  // Settles one attempt: on delivered, the carried members are delivered and
  // any member that joined after the claim goes back to pending on its own;
  // dead and failed carry their members along; a 410 also disables the
  // channel. Returns the members that became dead or failed.
  std::vector<Delivery> record_attempt(const DigestOutcome& outcome, TimestampMs now);
  std::optional<Digest> find(UserId user, DigestId id);
  // Quiet hours: the digest is due again at `until` (no attempt counted).
  void defer(DigestId id, TimestampMs until);

 private:
  Database& db_;
};

}  // namespace bw
