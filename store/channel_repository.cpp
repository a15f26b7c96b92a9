#include "store/channel_repository.hpp"

namespace bw {

namespace {

constexpr const char* kChannelColumns =
    "SELECT id, user_id, type, target, secret, enabled, disabled_reason, created_at "
    "FROM channels ";

Channel channel_from_row(const sql::Statement& row) {
  Channel channel;
  channel.id = row.integer(0);
  channel.user_id = row.integer(1);
  // Rows are written only by insert(), from validated channels.
  channel.type = parse_channel_type(row.text(2)).value_or(ChannelType::webhook);
  channel.target = row.text(3);
  channel.secret = row.text(4);
  channel.enabled = row.integer(5) != 0;
  channel.disabled_reason = row.is_null(6) ? "" : row.text(6);
  channel.created_at = row.integer(7);
  return channel;
}

}  // namespace

std::string_view channel_type_name(ChannelType type) {
  return type == ChannelType::webhook ? "webhook" : "email";
}

std::optional<ChannelType> parse_channel_type(std::string_view text) {
  if (text == "webhook") return ChannelType::webhook;
  if (text == "email") return ChannelType::email;
  return std::nullopt;
}

Channel ChannelRepository::insert(Channel channel, TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c,
                     "INSERT INTO channels (user_id, type, target, secret, enabled, created_at) "
                     "VALUES (?, ?, ?, ?, 1, ?)");
    s.bind(1, channel.user_id)
        .bind(2, channel_type_name(channel.type))
        .bind(3, channel.target)
        .bind(4, channel.secret)
        .bind(5, now)
        .run();
    channel.id = c.last_insert_id();
    channel.enabled = true;
    channel.disabled_reason.clear();
    channel.created_at = now;
    return channel;
  });
}

std::vector<Channel> ChannelRepository::list_for_user(UserId user) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kChannelColumns) + "WHERE user_id = ? ORDER BY id");
    s.bind(1, user);
    std::vector<Channel> out;
    while (s.step()) out.push_back(channel_from_row(s));
    return out;
  });
}

std::optional<Channel> ChannelRepository::find(UserId user, ChannelId id) {
  return db_.read([&](sql::Connection& c) -> std::optional<Channel> {
    sql::Statement s(c, std::string(kChannelColumns) + "WHERE user_id = ? AND id = ?");
    s.bind(1, user).bind(2, id);
    if (!s.step()) return std::nullopt;
    return channel_from_row(s);
  });
}

bool ChannelRepository::remove(UserId user, ChannelId id) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM channels WHERE user_id = ? AND id = ?");
    s.bind(1, user).bind(2, id).run();
    return c.changes() == 1;
  });
}

std::vector<ChannelId> ChannelRepository::not_owned(UserId user,
                                                    const std::vector<ChannelId>& ids) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, "SELECT 1 FROM channels WHERE user_id = ? AND id = ?");
    std::vector<ChannelId> missing;
    for (ChannelId id : ids) {
      s.reset();
      s.bind(1, user).bind(2, id);
      if (!s.step()) missing.push_back(id);
    }
    return missing;
  });
}

void ChannelRepository::link_alert(AlertId alert, const std::vector<ChannelId>& ids) {
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement clear(c, "DELETE FROM alert_channels WHERE alert_id = ?");
    clear.bind(1, alert).run();
    sql::Statement link(
        c, "INSERT OR IGNORE INTO alert_channels (alert_id, channel_id) VALUES (?, ?)");
    for (ChannelId id : ids) {
      link.reset();
      link.bind(1, alert).bind(2, id).run();
    }
    transaction.commit();
  });
}

std::vector<ChannelId> ChannelRepository::for_alert(AlertId alert) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, "SELECT channel_id FROM alert_channels WHERE alert_id = ? ORDER BY 1");
    s.bind(1, alert);
    std::vector<ChannelId> ids;
    while (s.step()) ids.push_back(s.integer(0));
    return ids;
  });
}

}  // namespace bw
