#include "store/notification_repository.hpp"

namespace bw {

namespace {

constexpr const char* kColumns =
    "SELECT id, alert_id, user_id, symbol, price, message, created_at FROM notifications ";

StoredNotification from_row(const sql::Statement& row) {
  NewNotification content;
  content.alert_id = row.integer(1);
  content.user_id = row.integer(2);
  content.symbol = row.text(3);
  content.price = Price::from_units(row.integer(4));
  content.message = row.text(5);
  content.created_at = row.integer(6);
  return StoredNotification{row.integer(0), std::move(content)};
}

std::vector<StoredNotification> collect(sql::Statement& statement) {
  std::vector<StoredNotification> out;
  while (statement.step()) out.push_back(from_row(statement));
  return out;
}

}  // namespace

std::vector<StoredNotification> NotificationRepository::record_fires(
    const std::vector<NewNotification>& fires) {
  return db_.write([&](sql::Connection& c) {
    std::vector<StoredNotification> stored;
    sql::Transaction transaction(c);
    sql::Statement mark(c,
                        "UPDATE alerts SET state = ?, last_fired_at = ?, rearm_wait = ?, "
                        "updated_at = ? WHERE id = ? AND user_id = ? AND revision = ? "
                        "AND state = 'armed'");
    sql::Statement insert(c,
                          "INSERT INTO notifications (alert_id, user_id, symbol, price, "
                          "message, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    // The outbox: one delivery per enabled channel of the alert, in this same
    // transaction, so a committed notification always has its deliveries.
    sql::Statement outbox(
        c,
        "INSERT INTO deliveries (notification_id, channel_id, user_id, status, "
        "attempts, next_attempt_at, created_at, updated_at) "
        "SELECT ?, ac.channel_id, ?, 'pending', 0, ?, ?, ? FROM alert_channels ac "
        "JOIN channels ch ON ch.id = ac.channel_id "
        "WHERE ac.alert_id = ? AND ch.enabled = 1");
    for (const NewNotification& fire : fires) {
      mark.reset();
      mark.bind(1, alert_state_name(fire.state_after))
          .bind(2, fire.fired_at.value_or(fire.created_at))
          .bind(3, rearm_wait_name(fire.rearm_wait))
          .bind(4, fire.created_at)
          .bind(5, fire.alert_id)
          .bind(6, fire.user_id)
          .bind(7, fire.revision)
          .run();
      if (c.changes() != 1) continue;
      insert.reset();
      insert.bind(1, fire.alert_id)
          .bind(2, fire.user_id)
          .bind(3, fire.symbol)
          .bind(4, fire.price.units())
          .bind(5, fire.message)
          .bind(6, fire.created_at)
          .run();
      const NotificationId id = c.last_insert_id();
      outbox.reset();
      outbox.bind(1, id)
          .bind(2, fire.user_id)
          .bind(3, fire.created_at)
          .bind(4, fire.created_at)
          .bind(5, fire.created_at)
          .bind(6, fire.alert_id)
          .run();
      stored.push_back(StoredNotification{id, fire});
    }
    transaction.commit();
    return stored;
  });
}

std::vector<StoredNotification> NotificationRepository::list_recent(UserId user,
                                                                    std::size_t limit) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kColumns) + "WHERE user_id = ? ORDER BY id DESC LIMIT ?");
    s.bind(1, user).bind(2, static_cast<std::int64_t>(limit));
    return collect(s);
  });
}

std::vector<StoredNotification> NotificationRepository::list_after(UserId user,
                                                                   NotificationId after,
                                                                   std::size_t limit) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kColumns) + "WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?");
    s.bind(1, user).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
    return collect(s);
  });
}

std::vector<StoredNotification> NotificationRepository::list_page(const NotificationQuery& query) {
  return db_.read([&](sql::Connection& c) {
    // Unused filters compare against NULL and drop out ("? IS NULL OR ..."),
    // so one statement serves every combination.
    sql::Statement s(c, std::string(kColumns) +
                            "WHERE user_id = ?1 AND (?2 IS NULL OR alert_id = ?2) "
                            "AND (?3 IS NULL OR symbol = ?3) AND (?4 IS NULL OR created_at >= ?4) "
                            "AND (?5 IS NULL OR created_at < ?5) AND (?6 IS NULL OR id < ?6) "
                            "ORDER BY id DESC LIMIT ?7");
    s.bind(1, query.user);
    if (query.alert_id) s.bind(2, *query.alert_id);
    if (query.symbol) s.bind(3, *query.symbol);
    if (query.since) s.bind(4, *query.since);
    if (query.until) s.bind(5, *query.until);
    if (query.before_id) s.bind(6, *query.before_id);
    s.bind(7, static_cast<std::int64_t>(query.limit));
    return collect(s);
  });
}

}  // namespace bw
