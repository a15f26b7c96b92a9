#include "store/accounts.hpp"

namespace bw {

namespace {

constexpr const char* kUserColumns =
    "SELECT id, name, is_admin, disabled, must_change_password, created_at FROM users ";

User user_from_row(const sql::Statement& row) {
  return User{row.integer(0),      row.text(1),         row.integer(2) != 0,
              row.integer(3) != 0, row.integer(4) != 0, row.integer(5)};
}

template <typename Key>
std::optional<User> query_user(Database& db, const std::string& where, const Key& key) {
  return db.read([&](sql::Connection& c) -> std::optional<User> {
    // Kept prepared per reader connection: the token lookup runs on every
    // authenticated request, and preparing it cost more than running it.
    sql::Statement s(c, sql::kReused, std::string(kUserColumns) + where);
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return user_from_row(s);
  });
}

}  // namespace

Result<User> Accounts::create_user(const NewUser& user, TimestampMs now) {
  return db_.write([&](sql::Connection& c) -> Result<User> {
    sql::Statement exists(c, "SELECT 1 FROM users WHERE name = ?");
    exists.bind(1, user.name);
    if (exists.step()) return Error{"user '" + user.name + "' already exists"};
    sql::Statement insert(c,
                          "INSERT INTO users (name, is_admin, password_hash, "
                          "must_change_password, created_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, user.name).bind(2, std::int64_t{user.admin});
    if (user.password_hash) {
      insert.bind(3, *user.password_hash);
    } else {
      insert.bind(3, std::nullopt);
    }
    insert.bind(4, std::int64_t{user.must_change_password}).bind(5, now).run();
    return User{c.last_insert_id(), user.name, user.admin, false, user.must_change_password, now};
  });
}

std::optional<User> Accounts::find_user(const std::string& name) {
  return query_user(db_, "WHERE name = ?", name);
}

std::optional<User> Accounts::find_user(UserId id) {
  return query_user(db_, "WHERE id = ?", id);
}

std::int64_t Accounts::count_users() {
  return db_.read([](sql::Connection& c) {
    sql::Statement s(c, "SELECT COUNT(*) FROM users");
    s.step();
    return s.integer(0);
  });
}

std::vector<User> Accounts::list_users() {
  return db_.read([](sql::Connection& c) {
    sql::Statement s(c, std::string(kUserColumns) + "ORDER BY id");
    std::vector<User> users;
    while (s.step()) users.push_back(user_from_row(s));
    return users;
  });
}

std::optional<std::string> Accounts::password_hash(UserId id) {
  return db_.read([&](sql::Connection& c) -> std::optional<std::string> {
    sql::Statement s(c, "SELECT password_hash FROM users WHERE id = ?");
    s.bind(1, id);
    if (!s.step() || s.is_null(0)) return std::nullopt;
    return s.text(0);
  });
}

bool Accounts::set_password(UserId id, const std::string& password_hash,
                            bool must_change_password) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c,
                     "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?");
    s.bind(1, password_hash).bind(2, std::int64_t{must_change_password}).bind(3, id).run();
    return c.changes() > 0;
  });
}

bool Accounts::set_disabled(UserId id, bool disabled) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "UPDATE users SET disabled = ? WHERE id = ?");
    s.bind(1, std::int64_t{disabled}).bind(2, id).run();
    return c.changes() > 0;
  });
}

bool Accounts::delete_user(UserId id) {
  // Foreign keys cascade to tokens, sessions, alerts and notifications.
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM users WHERE id = ?");
    s.bind(1, id).run();
    return c.changes() > 0;
  });
}

std::int64_t Accounts::count_other_enabled_admins(UserId except) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c,
                     "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND disabled = 0 AND id != ?");
    s.bind(1, except);
    s.step();
    return s.integer(0);
  });
}

std::int64_t Accounts::add_token(UserId user, const std::string& token_hash,
                                 const std::string& label, TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c,
                     "INSERT INTO api_tokens (user_id, token_hash, label, created_at) "
                     "VALUES (?, ?, ?, ?)");
    s.bind(1, user).bind(2, token_hash).bind(3, label).bind(4, now).run();
    return c.last_insert_id();
  });
}

std::vector<TokenInfo> Accounts::list_tokens(UserId user) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c,
                     "SELECT id, label, created_at FROM api_tokens WHERE user_id = ? ORDER BY id");
    s.bind(1, user);
    std::vector<TokenInfo> tokens;
    while (s.step()) tokens.push_back({s.integer(0), s.text(1), s.integer(2)});
    return tokens;
  });
}

bool Accounts::revoke_token(UserId user, std::int64_t token_id) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?");
    s.bind(1, token_id).bind(2, user).run();
    return c.changes() > 0;
  });
}

std::optional<User> Accounts::user_for_token(const std::string& token_hash) {
  return query_user(db_,
                    "WHERE id = (SELECT user_id FROM api_tokens WHERE token_hash = ?) "
                    "AND disabled = 0",
                    token_hash);
}

}  // namespace bw
