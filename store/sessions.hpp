// Sessions: browser sign-in sessions. A session row holds the SHA-256 of the
// session id (the caller hashes; the id itself is only ever in the cookie),
// the CSRF token the dashboard echoes on writes, and the times that idle and
// absolute expiry are measured from (the policy lives in web/session_auth).
//
//   Sessions sessions(db);
//   sessions.create(user_id, hash_token(id), csrf, now);
//   std::optional<SessionRecord> s = sessions.find(hash_token(id));
//
// Thread-safe (through Database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rules/condition.hpp"
#include "store/database.hpp"

namespace bw {

struct SessionRecord {
  std::int64_t id = 0;
  UserId user_id = 0;
  std::string csrf_token;
  TimestampMs created_at = 0;
  TimestampMs last_seen_at = 0;
};

class Sessions {
 public:
  explicit Sessions(Database& db) : db_(db) {}

  // Keeps at most `max_per_user` sessions per user: older ones are ended.
  SessionRecord create(UserId user, const std::string& session_hash, const std::string& csrf_token,
                       TimestampMs now, int max_per_user = 20);
  std::optional<SessionRecord> find(const std::string& session_hash);
  void touch(std::int64_t session_id, TimestampMs now);
  // True when a session was removed.
  bool remove(std::int64_t session_id);
  // Signs the user out everywhere (password change, reset, disable), except
  // `keep` when given (the session that changed its own password).
  void remove_for_user(UserId user, std::optional<std::int64_t> keep = std::nullopt);
  // Deletes sessions idle since before `idle_cutoff` or created before
  // `created_cutoff`; returns how many.
  int purge_expired(TimestampMs idle_cutoff, TimestampMs created_cutoff);

 private:
  Database& db_;
};

}  // namespace bw
