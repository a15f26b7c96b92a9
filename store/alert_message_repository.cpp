#include "store/alert_message_repository.hpp"

namespace bw {

namespace {

void bind_text(sql::Statement& s, int index, const std::optional<std::string>& value) {
  if (value) {
    s.bind(index, std::string_view(*value));
  } else {
    s.bind(index, std::nullopt);
  }
}

std::optional<std::string> optional_text(const sql::Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.text(column);
}

}  // namespace

AlertTemplates AlertMessageRepository::find(UserId user, AlertId alert) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c,
                     "SELECT m.message_template, m.email_subject_template, m.email_body_template "
                     "FROM alert_messages m JOIN alerts a ON a.id = m.alert_id "
                     "WHERE a.id = ? AND a.user_id = ?");
    s.bind(1, alert).bind(2, user);
    AlertTemplates t;
    if (!s.step()) return t;
    t.message = optional_text(s, 0);
    t.email_subject = optional_text(s, 1);
    t.email_body = optional_text(s, 2);
    return t;
  });
}

bool AlertMessageRepository::save(UserId user, AlertId alert, const AlertTemplates& templates) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement owner(c, "SELECT 1 FROM alerts WHERE id = ? AND user_id = ?");
    owner.bind(1, alert).bind(2, user);
    if (!owner.step()) return false;
    if (templates.empty()) {
      sql::Statement remove(c, "DELETE FROM alert_messages WHERE alert_id = ?");
      remove.bind(1, alert).run();
    } else {
      sql::Statement upsert(c,
                            "INSERT INTO alert_messages (alert_id, message_template, "
                            "email_subject_template, email_body_template) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT(alert_id) DO UPDATE SET "
                            "message_template = excluded.message_template, "
                            "email_subject_template = excluded.email_subject_template, "
                            "email_body_template = excluded.email_body_template");
      upsert.bind(1, alert);
      bind_text(upsert, 2, templates.message);
      bind_text(upsert, 3, templates.email_subject);
      bind_text(upsert, 4, templates.email_body);
      upsert.run();
    }
    transaction.commit();
    return true;
  });
}

}  // namespace bw
