#include "store/system_notifications.hpp"

#include "store/sqlite.hpp"

namespace bw {

std::vector<StoredNotification> record_admin_notification(Database& db, const std::string& message,
                                                          TimestampMs now) {
  return db.write([&](sql::Connection& c) {
    std::vector<StoredNotification> stored;
    sql::Transaction transaction(c);
    std::vector<UserId> admins;
    {
      sql::Statement select(c,
                            "SELECT id FROM users WHERE is_admin = 1 AND disabled = 0 ORDER BY id");
      while (select.step()) admins.push_back(select.integer(0));
    }
    sql::Statement insert(c,
                          "INSERT INTO notifications (alert_id, user_id, symbol, price, "
                          "message, created_at) VALUES (0, ?, '', 0, ?, ?)");
    for (UserId admin : admins) {
      insert.reset();
      insert.bind(1, admin).bind(2, message).bind(3, now).run();
      NewNotification n;
      n.user_id = admin;
      n.message = message;
      n.created_at = now;
      stored.push_back(StoredNotification{c.last_insert_id(), n});
    }
    transaction.commit();
    return stored;
  });
}

}  // namespace bw
