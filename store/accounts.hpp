// Accounts: users and their API tokens. Tokens are stored only as hashes (the
// caller hashes; see web/auth.hpp), so a leaked database grants nothing.
//
//   Accounts accounts(db);
//   Result<User> u = accounts.create_user({"alice", false, std::nullopt, false}, now);
//   accounts.add_token(u->id, token_hash, "cli", now);
//   std::optional<User> who = accounts.user_for_token(token_hash);
//
// Thread-safe (through Database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rules/condition.hpp"
#include "rules/result.hpp"
#include "store/database.hpp"

namespace bw {

struct User {
  UserId id = 0;
  std::string name;
  bool admin = false;
  bool disabled = false;
  bool must_change_password = false;
  TimestampMs created_at = 0;
};

struct NewUser {
  std::string name;
  bool admin = false;
  std::optional<std::string> password_hash;  // Argon2id string (libsodium)
  bool must_change_password = false;
};

class Accounts {
 public:
  explicit Accounts(Database& db) : db_(db) {}

  // Error when the name is taken.
  Result<User> create_user(const NewUser& user, TimestampMs now);
  std::optional<User> find_user(const std::string& name);
  std::optional<User> find_user(UserId id);
  std::int64_t count_users();

  void add_token(UserId user, const std::string& token_hash, const std::string& label,
                 TimestampMs now);
  // The enabled user owning the token, if any.
  std::optional<User> user_for_token(const std::string& token_hash);

 private:
  Database& db_;
};

}  // namespace bw
