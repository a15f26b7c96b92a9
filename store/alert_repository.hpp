// AlertRepository: alerts as stored rows. Every query is scoped by owner, so
// one user can never read or delete another's alert through it.
//
//   AlertRepository alerts(db);
//   Alert saved = alerts.insert(alert, now);     // assigns id, created_at
//   std::vector<Alert> mine = alerts.list_for_user(user_id);
//   alerts.modify(user, id, now, [](Alert& a) { a.state = AlertState::paused; });
//
// State changes caused by fires happen in NotificationRepository::record_fires,
// in the same transaction as the notification; re-arms the engine saw arrive
// through save_policy_states(). Thread-safe (through Database).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "rules/condition.hpp"
#include "rules/engine.hpp"
#include "store/database.hpp"

namespace bw {

// An alert with the ids of the channels it notifies.
struct AlertWithChannels {
  Alert alert;
  std::vector<std::int64_t> channels;
};

// One change of an alert batch (alerts as code, bulk import).
struct AlertWrite {
  enum class Kind { insert, update, remove };
  Kind kind = Kind::insert;
  // insert: the new alert (id ignored); update: the row as it must be stored
  // (id, user_id and revision included); remove: only id is used.
  Alert alert;
  std::vector<std::int64_t> channels;  // insert, update: replaces the alert's channel links
};

// An armed alert's policy state, as the engine last knew it.
struct PolicyStateRow {
  AlertId id = 0;
  PolicyState state;
};

class AlertRepository {
 public:
  explicit AlertRepository(Database& db) : db_(db) {}

  Alert insert(Alert alert, TimestampMs now);
  std::vector<Alert> list_for_user(UserId user);
  // One page of the user's alerts in id order: those with an id above `after`
  // (all when empty), at most `limit` of them. A keyset query over the
  // (user_id, id) index, so a page costs the same at any depth.
  std::vector<Alert> page_for_user(UserId user, std::optional<AlertId> after, std::size_t limit);
  std::optional<Alert> find(UserId user, AlertId id);
  bool remove(UserId user, AlertId id);
  // Every armed alert of every user: what the engine loads at start.
  std::vector<Alert> list_armed();

  // Reads the user's alert, lets `edit` change it, and writes it back with the
  // revision bumped, all under the writer lock (no fire is recorded between
  // the read and the write). `edit` returns false to leave the row untouched.
  // Empty when the user has no such alert; otherwise the alert as stored.
  std::optional<Alert> modify(UserId user, AlertId id, TimestampMs now,
                              const std::function<bool(Alert&)>& edit);

  // Marks armed and paused alerts whose expires_at <= now `expired`; returns
  // their ids so the caller can disarm them.
  std::vector<AlertId> expire_due(TimestampMs now);
  // The same, with each expired alert's owner (for telling them).
  std::vector<std::pair<AlertId, UserId>> expire_due_with_owners(TimestampMs now);

  // Alerts as code (store/alert_batch.cpp). Reads every managed alert with its
  // channels, lets `plan` turn them into writes, and applies the writes in one
  // transaction, all under the writer lock (so nothing changes in between).
  // Returns the inserted and updated alerts as stored, in write order. Throws
  // sql::SqliteError (nothing written) if any write fails.
  using ManagedPlan =
      std::function<std::vector<AlertWrite>(const std::vector<AlertWithChannels>& managed)>;
  std::vector<Alert> sync_managed(const ManagedPlan& plan, TimestampMs now);
  // Applies `writes` in one transaction (bulk import): all or nothing.
  std::vector<Alert> write_batch(const std::vector<AlertWrite>& writes, TimestampMs now);

  // Saves re-arm state and last fire time for alerts still armed at the same
  // revision (an edited or deleted alert is left alone).
  void save_policy_states(const std::vector<PolicyStateRow>& states);

 private:
  Database& db_;
};

}  // namespace bw
