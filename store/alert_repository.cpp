#include "store/alert_repository.hpp"

#include <string>
#include <utility>

#include "rules/condition_spec.hpp"

#include "store/alert_rows.hpp"

namespace bw {

namespace {

constexpr const char* kAlertColumns =
    "SELECT id, user_id, symbol, name, condition_type, threshold, trigger_mode, state, "
    "created_at, last_fired_at, trigger_interval_ms, rearm_kind, rearm_value, rearm_wait, "
    "expires_at, revision, upper_threshold, managed_file, managed_key, condition_spec, "
    "sessions "
    "FROM alerts ";

std::string_view rearm_kind_name(RearmKind kind) {
  switch (kind) {
    case RearmKind::none:
      return "none";
    case RearmKind::amount:
      return "amount";
    case RearmKind::percent:
      return "percent";
  }
  return "none";
}

RearmKind parse_rearm_kind(std::string_view text) {
  if (text == "amount") return RearmKind::amount;
  if (text == "percent") return RearmKind::percent;
  return RearmKind::none;
}

Alert alert_from_row(const sql::Statement& row) {
  Alert alert;
  alert.id = row.integer(0);
  alert.user_id = row.integer(1);
  alert.symbol = row.text(2);
  alert.name = row.text(3);
  // Rows are written only by insert() and modify() below, from validated alerts.
  alert.condition.type = parse_condition_type(row.text(4)).value_or(ConditionType::above);
  alert.condition.price = Price::from_units(row.integer(5));
  alert.trigger.mode = parse_trigger_mode(row.text(6)).value_or(TriggerMode::once);
  alert.state = parse_alert_state(row.text(7)).value_or(AlertState::paused);
  alert.created_at = row.integer(8);
  alert.last_fired_at = row.optional_integer(9);
  alert.trigger.interval_ms = row.integer(10);
  alert.trigger.rearm.kind = parse_rearm_kind(row.text(11));
  alert.trigger.rearm.value = Price::from_units(row.integer(12));
  alert.rearm_wait = parse_rearm_wait(row.text(13)).value_or(RearmWait::none);
  alert.expires_at = row.optional_integer(14);
  alert.revision = row.integer(15);
  alert.condition.upper = Price::from_units(row.optional_integer(16).value_or(0));
  alert.managed_file = row.text(17);
  alert.managed_key = row.text(18);
  alert.sessions = static_cast<SessionMask>(row.integer(20) & kSessionAll);
  if (!row.is_null(19)) {
    // Conditions beyond a line or channel (rules/condition_spec.hpp). A spec
    // this binary cannot read leaves the alert paused rather than guessing.
    Result<Condition> condition = parse_condition_spec(row.text(19));
    if (condition) {
      alert.condition = std::move(*condition);
    } else {
      alert.state = AlertState::paused;
    }
  }
  return alert;
}

std::vector<Alert> collect(sql::Statement& statement) {
  std::vector<Alert> alerts;
  while (statement.step()) alerts.push_back(alert_from_row(statement));
  return alerts;
}

std::optional<std::int64_t> upper_column(const Condition& condition) {
  if (condition.upper.units() == 0) return std::nullopt;
  return condition.upper.units();
}

// The full text of a condition the threshold/upper columns cannot hold; NULL
// for line and channel conditions, which those columns describe exactly.
void bind_spec(sql::Statement& statement, int index, const Condition& condition) {
  if (is_line_condition(condition.type)) {
    statement.bind(index, std::nullopt);
  } else {
    statement.bind(index, format_condition_spec(condition));
  }
}

std::optional<Alert> find_with(sql::Connection& c, UserId user, AlertId id) {
  sql::Statement s(c, std::string(kAlertColumns) + "WHERE user_id = ? AND id = ?");
  s.bind(1, user).bind(2, id);
  if (!s.step()) return std::nullopt;
  return alert_from_row(s);
}

// The session mask is written by its own statement, beside the row's.
void write_sessions(sql::Connection& c, const Alert& alert) {
  sql::Statement s(c, "UPDATE alerts SET sessions = ? WHERE id = ?");
  s.bind(1, static_cast<std::int64_t>(alert.sessions)).bind(2, alert.id).run();
}

}  // namespace

std::string alert_select_sql() {
  return kAlertColumns;
}

Alert alert_from_columns(const sql::Statement& row) {
  return alert_from_row(row);
}

Alert insert_alert_row(sql::Connection& c, Alert alert, TimestampMs now) {
  {
    sql::Statement s(c,
                     "INSERT INTO alerts (user_id, symbol, name, condition_type, threshold, "
                     "trigger_mode, state, created_at, updated_at, trigger_interval_ms, "
                     "rearm_kind, rearm_value, rearm_wait, expires_at, revision, upper_threshold, "
                     "condition_spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, alert.user_id)
        .bind(2, alert.symbol)
        .bind(3, alert.name)
        .bind(4, condition_type_name(alert.condition.type))
        .bind(5, alert.condition.price.units())
        .bind(6, trigger_mode_name(alert.trigger.mode))
        .bind(7, alert_state_name(alert.state))
        .bind(8, now)
        .bind(9, now)
        .bind(10, alert.trigger.interval_ms)
        .bind(11, rearm_kind_name(alert.trigger.rearm.kind))
        .bind(12, alert.trigger.rearm.value.units())
        .bind(13, rearm_wait_name(alert.rearm_wait))
        .bind(14, alert.expires_at)
        .bind(15, alert.revision)
        .bind(16, upper_column(alert.condition));
    bind_spec(s, 17, alert.condition);
    s.run();
    alert.id = c.last_insert_id();
    alert.created_at = now;
  }
  if (alert.sessions != 0) write_sessions(c, alert);
  if (!alert.managed_file.empty()) {
    sql::Statement s(c, "UPDATE alerts SET managed_file = ?, managed_key = ? WHERE id = ?");
    s.bind(1, alert.managed_file).bind(2, alert.managed_key).bind(3, alert.id).run();
  }
  return alert;
}

Alert AlertRepository::insert(Alert alert, TimestampMs now) {
  return db_.write([&](sql::Connection& c) { return insert_alert_row(c, std::move(alert), now); });
}

std::vector<Alert> AlertRepository::list_for_user(UserId user) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kAlertColumns) + "WHERE user_id = ? ORDER BY id");
    s.bind(1, user);
    return collect(s);
  });
}

std::vector<Alert> AlertRepository::page_for_user(UserId user, std::optional<AlertId> after,
                                                  std::size_t limit) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(
        c, std::string(kAlertColumns) + "WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?");
    s.bind(1, user).bind(2, after.value_or(0)).bind(3, static_cast<std::int64_t>(limit));
    return collect(s);
  });
}

std::optional<Alert> AlertRepository::find(UserId user, AlertId id) {
  return db_.read([&](sql::Connection& c) { return find_with(c, user, id); });
}

bool AlertRepository::remove(UserId user, AlertId id) {
  return db_.write([&](sql::Connection& c) {
    // Alerts from an alerts.d file go only when their file says so.
    sql::Statement s(c, "DELETE FROM alerts WHERE user_id = ? AND id = ? AND managed_file IS NULL");
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

std::optional<Alert> AlertRepository::modify(UserId user, AlertId id, TimestampMs now,
                                             const std::function<bool(Alert&)>& edit) {
  return db_.write([&](sql::Connection& c) -> std::optional<Alert> {
    std::optional<Alert> alert = find_with(c, user, id);
    if (!alert) return std::nullopt;
    if (!edit(*alert)) return alert;
    alert->user_id = user;
    alert->id = id;
    alert->revision += 1;
    update_alert_row(c, *alert, now);
    return alert;
  });
}

void update_alert_row(sql::Connection& c, const Alert& alert, TimestampMs now) {
  {
    sql::Statement s(c,
                     "UPDATE alerts SET symbol = ?, name = ?, condition_type = ?, threshold = ?, "
                     "trigger_mode = ?, state = ?, updated_at = ?, trigger_interval_ms = ?, "
                     "rearm_kind = ?, rearm_value = ?, rearm_wait = ?, expires_at = ?, "
                     "revision = ?, upper_threshold = ?, last_fired_at = ?, condition_spec = ? "
                     "WHERE user_id = ? AND id = ?");
    s.bind(1, alert.symbol)
        .bind(2, alert.name)
        .bind(3, condition_type_name(alert.condition.type))
        .bind(4, alert.condition.price.units())
        .bind(5, trigger_mode_name(alert.trigger.mode))
        .bind(6, alert_state_name(alert.state))
        .bind(7, now)
        .bind(8, alert.trigger.interval_ms)
        .bind(9, rearm_kind_name(alert.trigger.rearm.kind))
        .bind(10, alert.trigger.rearm.value.units())
        .bind(11, rearm_wait_name(alert.rearm_wait))
        .bind(12, alert.expires_at)
        .bind(13, alert.revision)
        .bind(14, upper_column(alert.condition))
        .bind(15, alert.last_fired_at)
        .bind(17, alert.user_id)
        .bind(18, alert.id);
    bind_spec(s, 16, alert.condition);
    s.run();
  }
  write_sessions(c, alert);
}

std::vector<AlertId> AlertRepository::expire_due(TimestampMs now) {
  std::vector<AlertId> ids;
  for (const auto& [id, user] : expire_due_with_owners(now)) ids.push_back(id);
  return ids;
}

std::vector<std::pair<AlertId, UserId>> AlertRepository::expire_due_with_owners(TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    std::vector<std::pair<AlertId, UserId>> expired;
    sql::Statement s(c,
                     "UPDATE alerts SET state = 'expired', updated_at = ? "
                     "WHERE expires_at IS NOT NULL AND expires_at <= ? "
                     "AND state IN ('armed', 'paused') RETURNING id, user_id");
    s.bind(1, now).bind(2, now);
    while (s.step()) expired.emplace_back(s.integer(0), s.integer(1));
    return expired;
  });
}

void AlertRepository::save_policy_states(const std::vector<PolicyStateRow>& states) {
  if (states.empty()) return;
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement s(c,
                     "UPDATE alerts SET rearm_wait = ?, last_fired_at = ? "
                     "WHERE id = ? AND revision = ? AND state = 'armed'");
    for (const PolicyStateRow& row : states) {
      s.reset();
      s.bind(1, rearm_wait_name(row.state.rearm_wait))
          .bind(2, row.state.last_fired_at)
          .bind(3, row.id)
          .bind(4, row.state.revision)
          .run();
    }
    transaction.commit();
  });
}

}  // namespace bw
