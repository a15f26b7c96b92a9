#include "store/alert_repository.hpp"

#include <string>

namespace bw {

namespace {

constexpr const char* kAlertColumns =
    "SELECT id, user_id, symbol, name, condition_type, threshold, trigger_mode, state, "
    "created_at, last_fired_at FROM alerts ";

Alert alert_from_row(const sql::Statement& row) {
  Alert alert;
  alert.id = row.integer(0);
  alert.user_id = row.integer(1);
  alert.symbol = row.text(2);
  alert.name = row.text(3);
  // Rows are written only by insert() below, from validated alerts.
  alert.condition.type = parse_condition_type(row.text(4)).value_or(ConditionType::above);
  alert.condition.price = Price::from_units(row.integer(5));
  alert.trigger = parse_trigger_mode(row.text(6)).value_or(TriggerMode::once);
  alert.state = parse_alert_state(row.text(7)).value_or(AlertState::paused);
  alert.created_at = row.integer(8);
  alert.last_fired_at = row.optional_integer(9);
  return alert;
}

std::vector<Alert> collect(sql::Statement& statement) {
  std::vector<Alert> alerts;
  while (statement.step()) alerts.push_back(alert_from_row(statement));
  return alerts;
}

}  // namespace

Alert AlertRepository::insert(Alert alert, TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c,
                     "INSERT INTO alerts (user_id, symbol, name, condition_type, threshold, "
                     "trigger_mode, state, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, alert.user_id)
        .bind(2, alert.symbol)
        .bind(3, alert.name)
        .bind(4, condition_type_name(alert.condition.type))
        .bind(5, alert.condition.price.units())
        .bind(6, trigger_mode_name(alert.trigger))
        .bind(7, alert_state_name(alert.state))
        .bind(8, now)
        .bind(9, now)
        .run();
    alert.id = c.last_insert_id();
    alert.created_at = now;
    return alert;
  });
}

std::vector<Alert> AlertRepository::list_for_user(UserId user) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kAlertColumns) + "WHERE user_id = ? ORDER BY id");
    s.bind(1, user);
    return collect(s);
  });
}

std::optional<Alert> AlertRepository::find(UserId user, AlertId id) {
  return db_.read([&](sql::Connection& c) -> std::optional<Alert> {
    sql::Statement s(c, std::string(kAlertColumns) + "WHERE user_id = ? AND id = ?");
    s.bind(1, user).bind(2, id);
    if (!s.step()) return std::nullopt;
    return alert_from_row(s);
  });
}

bool AlertRepository::remove(UserId user, AlertId id) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM alerts WHERE user_id = ? AND id = ?");
    s.bind(1, user).bind(2, id).run();
    return c.changes() == 1;
  });
}

std::vector<Alert> AlertRepository::list_armed() {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kAlertColumns) + "WHERE state = 'armed' ORDER BY id");
    return collect(s);
  });
}

}  // namespace bw
