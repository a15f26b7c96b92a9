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
    sql::Statement s(c, std::string(kUserColumns) + where);
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

void Accounts::add_token(UserId user, const std::string& token_hash, const std::string& label,
                         TimestampMs now) {
  db_.write([&](sql::Connection& c) {
    sql::Statement s(c,
                     "INSERT INTO api_tokens (user_id, token_hash, label, created_at) "
                     "VALUES (?, ?, ?, ?)");
    s.bind(1, user).bind(2, token_hash).bind(3, label).bind(4, now).run();
  });
}

std::optional<User> Accounts::user_for_token(const std::string& token_hash) {
  return query_user(db_,
                    "WHERE id = (SELECT user_id FROM api_tokens WHERE token_hash = ?) "
                    "AND disabled = 0",
                    token_hash);
}

}  // namespace bw
