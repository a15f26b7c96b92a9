#include "store/delivery_repository.hpp"

#include "store/due_rows.hpp"

namespace bw {

namespace {

constexpr const char* kDeliveryColumns =
    "SELECT d.id, d.notification_id, d.channel_id, d.user_id, d.status, d.attempts, "
    "d.next_attempt_at, d.last_error, d.last_status_code, d.created_at, d.updated_at, "
    "d.delivered_at, d.digest_id FROM deliveries d ";

Delivery delivery_from_row(const sql::Statement& row, int first = 0) {
  Delivery d;
  d.id = row.integer(first + 0);
  d.notification_id = row.integer(first + 1);
  d.channel_id = row.integer(first + 2);
  d.user_id = row.integer(first + 3);
  d.status = parse_delivery_status(row.text(first + 4)).value_or(DeliveryStatus::pending);
  d.attempts = static_cast<int>(row.integer(first + 5));
  d.next_attempt_at = row.integer(first + 6);
  d.last_error = row.is_null(first + 7) ? "" : row.text(first + 7);
  d.last_status_code = row.optional_integer(first + 8);
  d.created_at = row.integer(first + 9);
  d.updated_at = row.integer(first + 10);
  d.delivered_at = row.optional_integer(first + 11);
  d.digest_id = row.optional_integer(first + 12);
  return d;
}

std::vector<Delivery> collect(sql::Statement& s) {
  std::vector<Delivery> out;
  while (s.step()) out.push_back(delivery_from_row(s));
  return out;
}

}  // namespace

std::string_view delivery_status_name(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::pending:
      return "pending";
    case DeliveryStatus::delivered:
      return "delivered";
    case DeliveryStatus::retrying:
      return "retrying";
    case DeliveryStatus::failed:
      return "failed";
    case DeliveryStatus::dead:
      return "dead";
    case DeliveryStatus::grouped:
      return "grouped";
  }
  return "pending";
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) {
  for (DeliveryStatus s :
       {DeliveryStatus::pending, DeliveryStatus::delivered, DeliveryStatus::retrying,
        DeliveryStatus::failed, DeliveryStatus::dead, DeliveryStatus::grouped}) {
    if (delivery_status_name(s) == text) return s;
  }
  return std::nullopt;
}

std::vector<DueDelivery> DeliveryRepository::claim_due(TimestampMs now, std::size_t limit,
                                                       const std::set<DeliveryId>& in_flight,
                                                       DeliveryShard shard) {
  // Every statement stays prepared on the reader connection: the dispatcher
  // asks after every commit.
  return db_.read([&](sql::Connection& c) {
    // Over-fetch by the in-flight count so skipping them still fills `limit`.
    // A skipped row costs one index step and a channel lookup: the delivery's
    // columns are read only for rows taken, and its notification and alert by
    // `detail` below.
    sql::Statement s(c, sql::kReused,
                     std::string(kDeliveryColumns) +
                         "JOIN channels ch ON ch.id = d.channel_id "
                         "WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ? "
                         "AND ch.enabled = 1 AND d.channel_id % ? = ? "
                         "ORDER BY d.next_attempt_at, d.id LIMIT ?");
    // Columns after the delivery's 12: channel, notification, alert.
    sql::Statement detail(
        c, sql::kReused,
        "SELECT ch.type, ch.target, ch.secret, n.alert_id, n.symbol, n.price, n.message, "
        "n.created_at, a.id, a.name, a.condition_type, a.threshold, n.email_subject, "
        "n.email_body, d.first_attempt_at FROM deliveries d "
        "JOIN channels ch ON ch.id = d.channel_id JOIN notifications n ON n.id = "
        "d.notification_id LEFT JOIN alerts a ON a.id = n.alert_id WHERE d.id = ?");
    s.bind(1, now)
        .bind(2, static_cast<std::int64_t>(shard.count))
        .bind(3, static_cast<std::int64_t>(shard.index))
        .bind(4, static_cast<std::int64_t>(limit + in_flight.size()));
    std::vector<DueDelivery> due;
    while (due.size() < limit && s.step()) {
      if (in_flight.count(s.integer(0))) continue;
      Delivery d = delivery_from_row(s);
      detail.reset();
      detail.bind(1, d.id);
      if (!detail.step()) continue;
      DueDelivery item;
      item.channel.id = d.channel_id;
      item.channel.user_id = d.user_id;
      item.channel.type = parse_channel_type(detail.text(0)).value_or(ChannelType::webhook);
      item.channel.target = detail.text(1);
      item.channel.secret = detail.text(2);
      item.notification.id = d.notification_id;
      item.notification.content = NewNotification{
          detail.integer(3), d.user_id,        detail.text(4), Price::from_units(detail.integer(5)),
          detail.text(6),    detail.integer(7)};
      item.notification.content.email_subject = detail.is_null(12) ? "" : detail.text(12);
      item.notification.content.email_body = detail.is_null(13) ? "" : detail.text(13);
      item.first_attempt_at = detail.optional_integer(14);
      if (!detail.is_null(8)) {
        item.alert = AlertSummary{detail.integer(8), detail.text(9), detail.text(10),
                                  detail.integer(11), true};
      } else {
        item.alert.id = detail.integer(3);
      }
      item.delivery = std::move(d);
      due.push_back(std::move(item));
    }
    return due;
  });
}

std::optional<TimestampMs> DeliveryRepository::next_due(const std::set<DeliveryId>& in_flight,
                                                        DeliveryShard shard) {
  return db_.read([&](sql::Connection& c) {
    // In due order (the deliveries_due index).
    return next_due_outside(c,
                            "SELECT d.id, d.next_attempt_at FROM deliveries d JOIN channels ch ON "
                            "ch.id = d.channel_id WHERE d.status IN ('pending', 'retrying') AND "
                            "ch.enabled = 1 AND d.channel_id % ?1 = ?2 "
                            "ORDER BY d.next_attempt_at, d.id LIMIT ?3",
                            in_flight, shard);
  });
}

std::vector<Delivery> DeliveryRepository::record_attempts(
    const std::vector<AttemptOutcome>& outcomes, TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    // Only open rows change: a delivery deleted or retried meanwhile is left alone.
    // All kept prepared on the writer connection: the dispatcher records a
    // batch every loop turn.
    sql::Statement update(
        c, sql::kReused,
        "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, "
        "last_error = ?, last_status_code = ?, updated_at = ?, quiet_deferred = 0, "
        "delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END, "
        "first_attempt_at = CASE WHEN attempts = 0 AND first_attempt_at IS NULL THEN ? "
        "ELSE first_attempt_at END "
        "WHERE id = ? AND status IN ('pending', 'retrying')");
    sql::Statement disable(c, sql::kReused,
                           "UPDATE channels SET enabled = 0, disabled_reason = ? WHERE id = "
                           "(SELECT channel_id FROM deliveries WHERE id = ?)");
    sql::Statement fail_open(
        c, sql::kReused,
        "UPDATE deliveries SET status = 'failed', last_error = ?, updated_at = ? "
        "WHERE channel_id = (SELECT channel_id FROM deliveries WHERE id = ?) "
        "AND status IN ('pending', 'retrying', 'grouped')");
    sql::Statement fail_digests(
        c, sql::kReused,
        "UPDATE digests SET status = 'failed', last_error = ?, updated_at = ? "
        "WHERE channel_id = (SELECT channel_id FROM deliveries WHERE id = ?) "
        "AND status IN ('collecting', 'retrying')");
    std::vector<DeliveryId> finished;
    for (const AttemptOutcome& o : outcomes) {
      const std::string_view status = delivery_status_name(o.status);
      update.reset();
      update.bind(1, status)
          .bind(2, o.next_attempt_at)
          .bind(4, o.status_code)
          .bind(5, now)
          .bind(6, status)
          .bind(7, now)
          .bind(8, o.started_at > 0 ? o.started_at : now)
          .bind(9, o.id);
      if (o.error.empty()) {
        update.bind(3, std::nullopt);
      } else {
        update.bind(3, o.error);
      }
      update.run();
      if (c.changes() != 1) continue;
      if (o.disable_channel) {
        disable.reset();
        disable.bind(1, "disabled: " + o.error).bind(2, o.id).run();
        fail_open.reset();
        fail_open.bind(1, "channel disabled: " + o.error).bind(2, now).bind(3, o.id).run();
        fail_digests.reset();
        fail_digests.bind(1, "channel disabled: " + o.error).bind(2, now).bind(3, o.id).run();
      }
      if (o.status == DeliveryStatus::dead || o.status == DeliveryStatus::failed) {
        finished.push_back(o.id);
      }
    }
    std::vector<Delivery> out;
    sql::Statement read(c, sql::kReused, std::string(kDeliveryColumns) + "WHERE d.id = ?");
    for (DeliveryId id : finished) {
      read.reset();
      read.bind(1, id);
      if (read.step()) out.push_back(delivery_from_row(read));
    }
    transaction.commit();
    return out;
  });
}

std::optional<Delivery> DeliveryRepository::find(UserId user, DeliveryId id) {
  return db_.read([&](sql::Connection& c) -> std::optional<Delivery> {
    sql::Statement s(c, std::string(kDeliveryColumns) + "WHERE d.user_id = ? AND d.id = ?");
    s.bind(1, user).bind(2, id);
    if (!s.step()) return std::nullopt;
    return delivery_from_row(s);
  });
}

std::optional<std::vector<Delivery>> DeliveryRepository::list_for_notification(
    UserId user, NotificationId notification) {
  return db_.read([&](sql::Connection& c) -> std::optional<std::vector<Delivery>> {
    sql::Statement owner(c, "SELECT 1 FROM notifications WHERE id = ? AND user_id = ?");
    owner.bind(1, notification).bind(2, user);
    if (!owner.step()) return std::nullopt;
    sql::Statement s(c, std::string(kDeliveryColumns) +
                            "WHERE d.notification_id = ? AND d.user_id = ? ORDER BY d.id");
    s.bind(1, notification).bind(2, user);
    return collect(s);
  });
}

Result<Delivery> DeliveryRepository::retry_now(UserId user, DeliveryId id, TimestampMs now) {
  return db_.write([&](sql::Connection& c) -> Result<Delivery> {
    sql::Transaction transaction(c);
    sql::Statement s(c, std::string(kDeliveryColumns) +
                            "JOIN channels ch ON ch.id = d.channel_id "
                            "WHERE d.user_id = ? AND d.id = ?");
    sql::Statement enabled(c, "SELECT enabled FROM channels WHERE id = ?");
    s.bind(1, user).bind(2, id);
    if (!s.step()) return Error{"not found"};
    Delivery d = delivery_from_row(s);
    if (d.status == DeliveryStatus::delivered) return Error{"status: already delivered"};
    if (d.status == DeliveryStatus::grouped) {
      return Error{"status: grouped into digest " + std::to_string(d.digest_id.value_or(0)) +
                   "; it is sent with the digest"};
    }
    enabled.bind(1, d.channel_id);
    if (!enabled.step() || enabled.integer(0) == 0) {
      return Error{"channel " + std::to_string(d.channel_id) +
                   " is disabled; create a new channel for the endpoint"};
    }
    sql::Statement update(c,
                          "UPDATE deliveries SET status = CASE WHEN attempts = 0 THEN 'pending' "
                          "ELSE 'retrying' END, next_attempt_at = ?, updated_at = ? WHERE id = ?");
    update.bind(1, now).bind(2, now).bind(3, id).run();
    transaction.commit();
    d.status = d.attempts == 0 ? DeliveryStatus::pending : DeliveryStatus::retrying;
    d.next_attempt_at = now;
    d.updated_at = now;
    return d;
  });
}

void DeliveryRepository::defer(const std::vector<std::pair<DeliveryId, TimestampMs>>& until,
                               TimestampMs now) {
  if (until.empty()) return;
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement s(c,
                     "UPDATE deliveries SET next_attempt_at = ?, quiet_deferred = 1, "
                     "updated_at = ? WHERE id = ? AND status IN ('pending', 'retrying')");
    for (const auto& [id, at] : until) {
      s.reset();
      s.bind(1, at).bind(2, now).bind(3, id).run();
    }
    transaction.commit();
  });
}

std::int64_t DeliveryRepository::count(DeliveryStatus status) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, "SELECT COUNT(*) FROM deliveries WHERE status = ?");
    s.bind(1, delivery_status_name(status));
    s.step();
    return s.integer(0);
  });
}

}  // namespace bw
