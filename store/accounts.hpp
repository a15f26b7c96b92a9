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
#include <vector>

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

struct TokenInfo {
  std::int64_t id = 0;
  std::string label;
  TimestampMs created_at = 0;
};

class Accounts {
 public:
  explicit Accounts(Database& db) : db_(db) {}

  // Error when the name is taken.
  Result<User> create_user(const NewUser& user, TimestampMs now);
  std::optional<User> find_user(const std::string& name);
  std::optional<User> find_user(UserId id);
  std::int64_t count_users();

  std::vector<User> list_users();
  // The stored Argon2id string; nullopt when the user has no password (or no such user).
  std::optional<std::string> password_hash(UserId id);
  // False when there is no such user.
  bool set_password(UserId id, const std::string& password_hash, bool must_change_password);
  bool set_disabled(UserId id, bool disabled);
  // Deletes the user with their tokens, sessions, alerts and notifications.
  bool delete_user(UserId id);
  // Enabled admins other than `except` (to keep at least one admin).
  std::int64_t count_other_enabled_admins(UserId except);

  // Returns the new token's id.
  std::int64_t add_token(UserId user, const std::string& token_hash, const std::string& label,
                         TimestampMs now);
  // The enabled user owning the token, if any.
  std::optional<User> user_for_token(const std::string& token_hash);
  std::vector<TokenInfo> list_tokens(UserId user);
  // False when the token does not exist or belongs to someone else.
  bool revoke_token(UserId user, std::int64_t token_id);

 private:
  Database& db_;
};

}  // namespace bw
