// DeliveryRepository: the outbox. One row per notification per channel,
// created by NotificationRepository::record_fires in the notification's own
// transaction; the dispatcher reads the due rows, sends them, and records each
// attempt's outcome here. A row's id is the delivery id every attempt carries
// (the webhook-id header), so a receiver can de-duplicate.
//
//   DeliveryRepository outbox(db);
//   for (DueDelivery& d : outbox.claim_due(now, 100, in_flight)) send(d);
//   outbox.record_attempts({{id, DeliveryStatus::delivered, 200, "", 0}}, now);
//
// Status: pending (not yet tried) → delivered | retrying (failed, will retry
// at next_attempt_at) → dead (schedule exhausted) | failed (its channel was
// disabled). Nothing in the database marks a row "in flight": a crash leaves
// it pending or retrying, so a restart sends it again (at-least-once).
// Thread-safe (through Database).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/result.hpp"
#include "store/channel_repository.hpp"
#include "store/notification_repository.hpp"

namespace bw {

using DeliveryId = std::int64_t;

// grouped: throttled into a digest (store/digest_repository.hpp), settled
// with it.
enum class DeliveryStatus { pending, delivered, retrying, failed, dead, grouped };
std::string_view delivery_status_name(DeliveryStatus status);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view text);

struct Delivery {
  DeliveryId id = 0;
  NotificationId notification_id = 0;
  ChannelId channel_id = 0;
  UserId user_id = 0;
  DeliveryStatus status = DeliveryStatus::pending;
  int attempts = 0;
  TimestampMs next_attempt_at = 0;
  std::string last_error;
  std::optional<std::int64_t> last_status_code;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::optional<TimestampMs> delivered_at;
  std::optional<std::int64_t> digest_id;  // the digest it was grouped into
};

// The alert as it is now (it may have been deleted since it fired).
struct AlertSummary {
  AlertId id = 0;
  std::string name;
  std::string condition_type;
  std::int64_t threshold_units = 0;
  bool exists = false;
};

// Everything needed to send one delivery.
struct DueDelivery {
  Delivery delivery;
  Channel channel;
  StoredNotification notification;
  AlertSummary alert;
  // When its first attempt started, if one did (stamped by
  // mark_first_attempts when it began, or recorded with its outcome): a
  // delivery whose first attempt was cut short by a crash is pending with 0
  // attempts but has already spent its channel's token.
  std::optional<TimestampMs> first_attempt_at;
};

// The outcome of one attempt, decided by the dispatcher.
struct AttemptOutcome {
  DeliveryId id = 0;
  DeliveryStatus status = DeliveryStatus::retrying;  // delivered, retrying, failed or dead
  std::optional<std::int64_t> status_code;
  std::string error;                // empty on success
  TimestampMs next_attempt_at = 0;  // for retrying
  bool disable_channel = false;     // the endpoint answered 410 Gone
  TimestampMs started_at = 0;       // when the attempt began (0: record time)
};

// One dispatcher thread's part of the outbox: the channels whose id % count
// is index. A channel's deliveries, digests and rate limit all stay with one
// thread, so its token bucket and its digest are never shared.
struct DeliveryShard {
  std::size_t index = 0;
  std::size_t count = 1;
  bool owns(ChannelId channel) const { return static_cast<std::size_t>(channel) % count == index; }
};

// A first attempt's start: the token it took from its channel's bucket.
struct FirstAttempt {
  ChannelId channel_id = 0;
  TimestampMs at = 0;
};

class DeliveryRepository {
 public:
  explicit DeliveryRepository(Database& db) : db_(db) {}

  // Up to `limit` pending or retrying deliveries due at `now`, oldest due
  // first, skipping `in_flight` ids, channels that are disabled and channels
  // outside `shard`.
  std::vector<DueDelivery> claim_due(TimestampMs now, std::size_t limit,
                                     const std::set<DeliveryId>& in_flight,
                                     DeliveryShard shard = {});
  // The earliest next_attempt_at of a pending or retrying delivery on an
  // enabled channel, not counting `in_flight` ones (their rows stay due until
  // their outcome is written, and a dispatcher waking for them would spin).
  std::optional<TimestampMs> next_due(const std::set<DeliveryId>& in_flight,
                                      DeliveryShard shard = {});
  // Records a batch of attempt outcomes in one transaction. A 410 disables
  // the channel and fails its other open deliveries. Returns the deliveries
  // that became dead or failed (for telling their owners).
  std::vector<Delivery> record_attempts(const std::vector<AttemptOutcome>& outcomes,
                                        TimestampMs now);

  std::optional<Delivery> find(UserId user, DeliveryId id);
  // The user's deliveries of one notification; nullopt if the notification
  // is not theirs.
  std::optional<std::vector<Delivery>> list_for_notification(UserId user,
                                                             NotificationId notification);
  // Makes a failed, dead or retrying delivery due now (re-enabling nothing).
  // Error text when it cannot: "not found", or a reason it is not retryable.
  Result<Delivery> retry_now(UserId user, DeliveryId id, TimestampMs now);
  // A test message for one of the user's channels (POST /api/v1/channels/{id}/test),
  // committed like a fire: a notification with alert_id 0 and one pending
  // delivery to that channel only, in one transaction; the dispatcher then
  // sends it on the normal path (signing, retries, status). Defined in
  // store/channel_test_message.cpp.
  StoredNotification enqueue_channel_test(const Channel& channel, const std::string& message,
                                          TimestampMs now);
  // Holds open deliveries back for the owner's quiet hours: due again at
  // `until`, marked quiet_deferred (no attempt is counted).
  void defer(const std::vector<std::pair<DeliveryId, TimestampMs>>& until, TimestampMs now);
  // First attempts that started at or after `since` (first_attempt_at,
  // stamped when the attempt begins or recorded with its outcome), newest
  // first, at most `limit`: the dispatcher rebuilds its token buckets from
  // them at start. Defined in store/first_attempts.cpp.
  std::vector<FirstAttempt> first_attempts_since(TimestampMs since, std::size_t limit);
  // Stamps first_attempt_at = `started` on the given deliveries that have
  // neither an attempt nor a stamp yet, in one transaction, before their
  // first attempts are sent: an attempt in flight at a crash is then counted
  // by first_attempts_since after the restart. Defined in
  // store/first_attempts.cpp.
  void mark_first_attempts(const std::vector<DeliveryId>& ids, TimestampMs started);
  // Deliveries by status, for tests and the benchmark.
  std::int64_t count(DeliveryStatus status);

 private:
  Database& db_;
};

}  // namespace bw
