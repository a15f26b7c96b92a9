#include "store/digest_repository.hpp"

#include "store/due_rows.hpp"

namespace bw {

namespace {

constexpr const char* kDigestColumns =
    "SELECT g.id, g.user_id, g.channel_id, g.status, g.attempts, g.next_attempt_at, "
    "g.created_at FROM digests g ";

Digest digest_from_row(const sql::Statement& row) {
  return Digest{
      row.integer(0), row.integer(1), row.integer(2), row.text(3), static_cast<int>(row.integer(4)),
      row.integer(5), row.integer(6)};
}

}  // namespace

std::size_t DigestRepository::group(const std::vector<ThrottledDelivery>& throttled,
                                    TimestampMs now, std::chrono::milliseconds group_wait,
                                    std::size_t max_members) {
  if (throttled.empty()) return 0;
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    // An open digest of the channel that is still waiting and has room.
    sql::Statement open(c,
                        "SELECT g.id FROM digests g WHERE g.channel_id = ? AND "
                        "g.status = 'collecting' AND g.next_attempt_at > ? AND "
                        "(SELECT COUNT(*) FROM deliveries d WHERE d.digest_id = g.id AND "
                        "d.status = 'grouped') < ? ORDER BY g.id DESC LIMIT 1");
    sql::Statement create(c,
                          "INSERT INTO digests (user_id, channel_id, status, attempts, "
                          "next_attempt_at, created_at, updated_at) "
                          "VALUES (?, ?, 'collecting', 0, ?, ?, ?)");
    sql::Statement join(c,
                        "UPDATE deliveries SET status = 'grouped', digest_id = ?, updated_at = ? "
                        "WHERE id = ? AND status = 'pending' AND attempts = 0");
    std::size_t grouped = 0;
    for (const ThrottledDelivery& t : throttled) {
      open.reset();
      open.bind(1, t.channel_id).bind(2, now).bind(3, static_cast<std::int64_t>(max_members));
      DigestId digest = 0;
      if (open.step()) {
        digest = open.integer(0);
      } else {
        create.reset();
        create.bind(1, t.user_id)
            .bind(2, t.channel_id)
            .bind(3, now + group_wait.count())
            .bind(4, now)
            .bind(5, now)
            .run();
        digest = c.last_insert_id();
      }
      join.reset();
      join.bind(1, digest).bind(2, now).bind(3, t.id).run();
      grouped += static_cast<std::size_t>(c.changes());
    }
    // A digest opened for a delivery that was no longer pending stays empty:
    // remove it rather than send nothing.
    c.exec(
        "DELETE FROM digests WHERE status = 'collecting' AND NOT EXISTS "
        "(SELECT 1 FROM deliveries d WHERE d.digest_id = digests.id)");
    transaction.commit();
    return grouped;
  });
}

std::vector<DueDigest> DigestRepository::claim_due(TimestampMs now, std::size_t limit,
                                                   const std::set<DigestId>& in_flight,
                                                   std::size_t max_members, DeliveryShard shard) {
  std::vector<DueDigest> due;
  std::vector<DigestId> empty;
  db_.read([&](sql::Connection& c) {
    sql::Statement s(c, sql::kReused,
                     std::string(kDigestColumns) +
                         "JOIN channels ch ON ch.id = g.channel_id WHERE g.status IN "
                         "('collecting', 'retrying') AND g.next_attempt_at <= ? AND "
                         "ch.enabled = 1 AND g.channel_id % ? = ? "
                         "ORDER BY g.next_attempt_at, g.id LIMIT ?");
    sql::Statement channel(c, sql::kReused,
                           "SELECT type, target, secret FROM channels WHERE id = ?");
    sql::Statement members(c, sql::kReused,
                           "SELECT d.id, n.id, n.alert_id, n.symbol, n.price, n.message, "
                           "n.created_at FROM deliveries d JOIN notifications n ON n.id = "
                           "d.notification_id WHERE d.digest_id = ? AND d.status = 'grouped' "
                           "ORDER BY d.id LIMIT ?");
    s.bind(1, now)
        .bind(2, static_cast<std::int64_t>(shard.count))
        .bind(3, static_cast<std::int64_t>(shard.index))
        .bind(4, static_cast<std::int64_t>(limit + in_flight.size()));
    while (due.size() < limit && s.step()) {
      DueDigest item;
      item.digest = digest_from_row(s);
      if (in_flight.count(item.digest.id)) continue;
      channel.reset();
      channel.bind(1, item.digest.channel_id);
      if (!channel.step()) continue;
      item.channel.id = item.digest.channel_id;
      item.channel.user_id = item.digest.user_id;
      item.channel.type = parse_channel_type(channel.text(0)).value_or(ChannelType::webhook);
      item.channel.target = channel.text(1);
      item.channel.secret = channel.text(2);
      members.reset();
      members.bind(1, item.digest.id).bind(2, static_cast<std::int64_t>(max_members));
      while (members.step()) {
        DigestMember m;
        m.delivery_id = members.integer(0);
        m.notification.id = members.integer(1);
        m.notification.content =
            NewNotification{members.integer(2), item.digest.user_id,
                            members.text(3),    Price::from_units(members.integer(4)),
                            members.text(5),    members.integer(6)};
        item.members.push_back(std::move(m));
      }
      if (item.members.empty()) {
        empty.push_back(item.digest.id);
        continue;
      }
      due.push_back(std::move(item));
    }
    return 0;
  });
  if (!empty.empty()) {
    db_.write([&](sql::Connection& c) {
      sql::Statement remove(
          c,
          "DELETE FROM digests WHERE id = ? AND NOT EXISTS (SELECT 1 FROM "
          "deliveries d WHERE d.digest_id = digests.id AND d.status = 'grouped')");
      for (DigestId id : empty) {
        remove.reset();
        remove.bind(1, id).run();
      }
    });
  }
  return due;
}

std::optional<TimestampMs> DigestRepository::next_due(const std::set<DigestId>& in_flight,
                                                      DeliveryShard shard) {
  return db_.read([&](sql::Connection& c) {
    // In due order (the digests_due index).
    return next_due_outside(c,
                            "SELECT g.id, g.next_attempt_at FROM digests g JOIN channels ch ON "
                            "ch.id = g.channel_id WHERE g.status IN ('collecting', 'retrying') AND "
                            "ch.enabled = 1 AND g.channel_id % ?1 = ?2 "
                            "ORDER BY g.next_attempt_at, g.id LIMIT ?3",
                            in_flight, shard);
  });
}

std::vector<Delivery> DigestRepository::record_attempt(const DigestOutcome& o, TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    const std::string_view status = delivery_status_name(o.status);
    sql::Statement update(c,
                          "UPDATE digests SET status = ?, attempts = attempts + 1, "
                          "next_attempt_at = ?, last_error = ?, last_status_code = ?, "
                          "updated_at = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? "
                          "ELSE delivered_at END WHERE id = ? AND status IN "
                          "('collecting', 'retrying')");
    update.bind(1, status).bind(2, o.next_attempt_at).bind(4, o.status_code).bind(5, now);
    update.bind(6, status).bind(7, now).bind(8, o.id);
    if (o.error.empty()) {
      update.bind(3, std::nullopt);
    } else {
      update.bind(3, std::string_view(o.error));
    }
    update.run();
    std::vector<Delivery> finished;
    if (c.changes() != 1) return finished;  // settled meanwhile (its channel failed)
    const bool settles = o.status != DeliveryStatus::retrying;
    if (settles) {
      // The members it carried share its fate; any other member goes back to
      // being an ordinary pending delivery (never lost, never sent twice).
      sql::Statement member(
          c,
          "UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?, "
          "last_status_code = ?, updated_at = ?, delivered_at = CASE WHEN ? = 'delivered' "
          "THEN ? ELSE delivered_at END WHERE id = ? AND digest_id = ? AND status = 'grouped'");
      for (DeliveryId id : o.members) {
        member.reset();
        member.bind(1, status).bind(3, o.status_code).bind(4, now).bind(5, status).bind(6, now);
        member.bind(7, id).bind(8, o.id);
        if (o.error.empty()) {
          member.bind(2, std::nullopt);
        } else {
          member.bind(2, std::string_view(o.error));
        }
        member.run();
      }
      sql::Statement rest(c,
                          "UPDATE deliveries SET status = 'pending', digest_id = NULL, "
                          "next_attempt_at = ?, updated_at = ? WHERE digest_id = ? AND "
                          "status = 'grouped'");
      rest.bind(1, now).bind(2, now).bind(3, o.id).run();
    }
    if (o.disable_channel) {
      sql::Statement disable(c,
                             "UPDATE channels SET enabled = 0, disabled_reason = ? WHERE id = "
                             "(SELECT channel_id FROM digests WHERE id = ?)");
      disable.bind(1, "disabled: " + o.error).bind(2, o.id).run();
      sql::Statement fail_open(c,
                               "UPDATE deliveries SET status = 'failed', last_error = ?, "
                               "updated_at = ? WHERE channel_id = (SELECT channel_id FROM "
                               "digests WHERE id = ?) AND status IN ('pending', 'retrying', "
                               "'grouped')");
      fail_open.bind(1, "channel disabled: " + o.error).bind(2, now).bind(3, o.id).run();
    }
    if (o.status == DeliveryStatus::dead || o.status == DeliveryStatus::failed) {
      sql::Statement read(c,
                          "SELECT d.id, d.notification_id, d.channel_id, d.user_id, d.status, "
                          "d.attempts, d.next_attempt_at, d.last_error, d.last_status_code, "
                          "d.created_at, d.updated_at, d.delivered_at, d.digest_id "
                          "FROM deliveries d WHERE d.id = ?");
      for (DeliveryId id : o.members) {
        read.reset();
        read.bind(1, id);
        if (!read.step()) continue;
        Delivery d;
        d.id = read.integer(0);
        d.notification_id = read.integer(1);
        d.channel_id = read.integer(2);
        d.user_id = read.integer(3);
        d.status = parse_delivery_status(read.text(4)).value_or(DeliveryStatus::dead);
        d.attempts = static_cast<int>(read.integer(5));
        d.next_attempt_at = read.integer(6);
        d.last_error = read.is_null(7) ? "" : read.text(7);
        d.last_status_code = read.optional_integer(8);
        d.created_at = read.integer(9);
        d.updated_at = read.integer(10);
        d.delivered_at = read.optional_integer(11);
        d.digest_id = read.optional_integer(12);
        finished.push_back(std::move(d));
      }
    }
    transaction.commit();
    return finished;
  });
}

void DigestRepository::defer(DigestId id, TimestampMs until) {
  db_.write([&](sql::Connection& c) {
    sql::Statement s(c,
                     "UPDATE digests SET next_attempt_at = ? WHERE id = ? AND status IN "
                     "('collecting', 'retrying')");
    s.bind(1, until).bind(2, id).run();
  });
}

std::optional<Digest> DigestRepository::find(UserId user, DigestId id) {
  return db_.read([&](sql::Connection& c) -> std::optional<Digest> {
    sql::Statement s(c, std::string(kDigestColumns) + "WHERE g.user_id = ? AND g.id = ?");
    s.bind(1, user).bind(2, id);
    if (!s.step()) return std::nullopt;
    return digest_from_row(s);
  });
}

}  // namespace bw
