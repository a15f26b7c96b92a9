// AlertMessageRepository: the message templates of alerts (one optional row
// per alert; no row or a NULL column means the default text). Every query is
// scoped by the alert's owner, like AlertRepository.
//
//   AlertMessageRepository messages(db);
//   messages.save(user, alert_id, {.message = "{{symbol}} at {{price}}"});
//   AlertTemplates t = messages.find(user, alert_id);
//
// The templates are checked (notify/message_template.hpp) before they get
// here; the notifier reads them in the commit transaction of a fire
// (NotificationRepository::record_fires). Thread-safe (through Database).
#pragma once

#include <optional>
#include <string>

#include "rules/condition.hpp"
#include "store/database.hpp"

namespace bw {

struct AlertTemplates {
  std::optional<std::string> message;
  std::optional<std::string> email_subject;
  std::optional<std::string> email_body;

  bool empty() const { return !message && !email_subject && !email_body; }
  bool operator==(const AlertTemplates&) const = default;
};

class AlertMessageRepository {
 public:
  explicit AlertMessageRepository(Database& db) : db_(db) {}

  // The alert's templates; all empty when it has none (or is not the user's).
  AlertTemplates find(UserId user, AlertId alert);
  // Replaces the alert's templates (all empty: deletes the row). False when
  // the user has no such alert.
  bool save(UserId user, AlertId alert, const AlertTemplates& templates);

 private:
  Database& db_;
};

}  // namespace bw
