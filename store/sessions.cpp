#include "store/sessions.hpp"

namespace bw {

SessionRecord Sessions::create(UserId user, const std::string& session_hash,
                               const std::string& csrf_token, TimestampMs now, int max_per_user) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement s(c,
                     "INSERT INTO sessions (user_id, session_hash, csrf_token, created_at, "
                     "last_seen_at) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, user).bind(2, session_hash).bind(3, csrf_token).bind(4, now).bind(5, now).run();
    SessionRecord created{c.last_insert_id(), user, csrf_token, now, now};
    sql::Statement trim(c,
                        "DELETE FROM sessions WHERE user_id = ? AND id NOT IN (SELECT id FROM "
                        "sessions WHERE user_id = ? ORDER BY id DESC LIMIT ?)");
    trim.bind(1, user).bind(2, user).bind(3, std::int64_t{max_per_user}).run();
    transaction.commit();
    return created;
  });
}

std::optional<SessionRecord> Sessions::find(const std::string& session_hash) {
  return db_.read([&](sql::Connection& c) -> std::optional<SessionRecord> {
    sql::Statement s(c, sql::kReused,  // every dashboard request: kept prepared
                     "SELECT id, user_id, csrf_token, created_at, last_seen_at FROM sessions "
                     "WHERE session_hash = ?");
    s.bind(1, session_hash);
    if (!s.step()) return std::nullopt;
    return SessionRecord{s.integer(0), s.integer(1), s.text(2), s.integer(3), s.integer(4)};
  });
}

void Sessions::touch(std::int64_t session_id, TimestampMs now) {
  db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?");
    s.bind(1, now).bind(2, session_id).bind(3, now).run();
  });
}

bool Sessions::remove(std::int64_t session_id) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM sessions WHERE id = ?");
    s.bind(1, session_id).run();
    return c.changes() > 0;
  });
}

void Sessions::remove_for_user(UserId user, std::optional<std::int64_t> keep) {
  db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM sessions WHERE user_id = ? AND id != ?");
    s.bind(1, user).bind(2, keep.value_or(0)).run();
  });
}

int Sessions::purge_expired(TimestampMs idle_cutoff, TimestampMs created_cutoff) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?");
    s.bind(1, idle_cutoff).bind(2, created_cutoff).run();
    return c.changes();
  });
}

}  // namespace bw
