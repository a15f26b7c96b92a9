// DeliveryRepository::enqueue_channel_test: a channel's test message goes
// through the outbox like any notification (see delivery_repository.hpp).
#include "store/delivery_repository.hpp"

namespace bw {

StoredNotification DeliveryRepository::enqueue_channel_test(const Channel& channel,
                                                            const std::string& message,
                                                            TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement insert(c,
                          "INSERT INTO notifications (alert_id, user_id, symbol, price, "
                          "message, created_at) VALUES (0, ?, '', 0, ?, ?)");
    insert.bind(1, channel.user_id).bind(2, message).bind(3, now).run();
    const NotificationId id = c.last_insert_id();
    sql::Statement outbox(c,
                          "INSERT INTO deliveries (notification_id, channel_id, user_id, status, "
                          "attempts, next_attempt_at, created_at, updated_at) "
                          "VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)");
    outbox.bind(1, id)
        .bind(2, channel.id)
        .bind(3, channel.user_id)
        .bind(4, now)
        .bind(5, now)
        .bind(6, now);
    outbox.run();
    transaction.commit();
    NewNotification content;
    content.alert_id = 0;
    content.user_id = channel.user_id;
    content.message = message;
    content.created_at = now;
    return StoredNotification{id, std::move(content)};
  });
}

}  // namespace bw
