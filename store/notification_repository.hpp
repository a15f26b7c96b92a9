// NotificationRepository: the durable record of fired alerts. record_fires()
// is the commit point: the alert's new state, its notification and one outbox
// row per channel of the alert (DeliveryRepository) are written
// in one transaction, for a whole batch of fires at once (group commit), and
// only what it returns may be sent to anyone.
//
//   NotificationRepository notifications(db);
//   std::vector<StoredNotification> sent = notifications.record_fires(batch);
//   auto page = notifications.list_recent(user, 50);
//
// Thread-safe (through Database).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "rules/condition.hpp"
#include "store/alert_message_repository.hpp"
#include "store/database.hpp"

namespace bw {

using NotificationId = std::int64_t;

struct NewNotification {
  AlertId alert_id = 0;
  UserId user_id = 0;
  Symbol symbol;
  Price price;
  std::string message;
  TimestampMs created_at = 0;
  // The alert after the fire (see bw::Fire): recorded in the same transaction.
  AlertState state_after = AlertState::triggered;
  RearmWait rearm_wait = RearmWait::none;
  std::int64_t revision = 0;
  // The quote's event time, stored as the alert's last_fired_at (the cooldown
  // clock); created_at when absent.
  std::optional<TimestampMs> fired_at = std::nullopt;
  // Rendered from the alert's email templates; empty: the default text.
  std::string email_subject = {};
  std::string email_body = {};
};

// A page of a user's history (GET /api/v1/notifications), newest first. Empty
// optionals do not filter.
struct NotificationQuery {
  UserId user = 0;
  std::optional<AlertId> alert_id;
  std::optional<Symbol> symbol;
  std::optional<TimestampMs> since;       // created_at >= since
  std::optional<TimestampMs> until;       // created_at < until
  std::optional<std::int64_t> before_id;  // id < before_id (the cursor)
  std::size_t limit = 50;
};
// An alert's own words for its fires, read in the commit transaction.
struct AlertTexts {
  std::string alert_name;
  std::string user_name;
  AlertTemplates templates;
};
// Re-renders the fire at `index` of a record_fires batch from its alert's
// templates (set by the notifier; notify/message_template.hpp). Called only
// for alerts that have templates, inside the transaction: must not block.
using FireTextRenderer =
    std::function<void(std::size_t index, const AlertTexts& texts, NewNotification& out)>;

struct StoredNotification {
  NotificationId id = 0;
  NewNotification content;
  // Outbox rows written by the transaction that stored it, for the whole
  // batch (one per enabled channel of each alert): 0 tells the webhook
  // dispatcher there is nothing new to send. 0 when read back from the store.
  std::size_t batch_deliveries = 0;
};

class NotificationRepository {
 public:
  explicit NotificationRepository(Database& db) : db_(db) {}

  // In one transaction: records each fire on its alert (state `triggered`, or
  // still `armed` for a repeating alert, last fire time, re-arm wait) and
  // stores its notification. A fire whose alert is gone, no longer armed or at
  // another revision (deleted, paused or edited while the fire was in flight)
  // is dropped and not returned.
  // With `render`, a fire of an alert that has message templates is
  // rendered from them in the same transaction (so an edit of the templates
  // is either wholly before or wholly after a fire).
  std::vector<StoredNotification> record_fires(const std::vector<NewNotification>& fires,
                                               const FireTextRenderer& render = {});

  // The user's newest notifications first, at most `limit`.
  std::vector<StoredNotification> list_recent(UserId user, std::size_t limit);
  // The user's notifications matching `query`, newest first, at most limit.
  std::vector<StoredNotification> list_page(const NotificationQuery& query);
  // The user's notifications with id > after, oldest first (stream replay).
  std::vector<StoredNotification> list_after(UserId user, NotificationId after, std::size_t limit);

 private:
  Database& db_;
};

}  // namespace bw
