// AlertRepository: alerts as stored rows. Every query is scoped by owner, so
// one user can never read or delete another's alert through it.
//
//   AlertRepository alerts(db);
//   Alert saved = alerts.insert(alert, now);     // assigns id, created_at
//   std::vector<Alert> mine = alerts.list_for_user(user_id);
//
// State changes caused by fires happen in NotificationRepository::record_fires,
// in the same transaction as the notification. Thread-safe (through Database).
#pragma once

#include <optional>
#include <vector>

#include "rules/condition.hpp"
#include "store/database.hpp"

namespace bw {

class AlertRepository {
 public:
  explicit AlertRepository(Database& db) : db_(db) {}

  Alert insert(Alert alert, TimestampMs now);
  std::vector<Alert> list_for_user(UserId user);
  std::optional<Alert> find(UserId user, AlertId id);
  bool remove(UserId user, AlertId id);
  // Every armed alert of every user: what the engine loads at start.
  std::vector<Alert> list_armed();

 private:
  Database& db_;
};

}  // namespace bw
