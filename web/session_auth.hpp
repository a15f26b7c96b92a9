// Session authentication rules shared by the REST API and the event stream:
// the session cookie's name and attributes, reading it from a Cookie header,
// and resolving a session id to its user under the idle and absolute expiry.
//
//   std::optional<std::string> id = session_cookie(req.get_header_value("Cookie"));
//   std::optional<SessionLogin> login = resolve_session(sessions, accounts, options, *id, now);
//
// Pure functions plus calls into the (thread-safe) store; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "store/accounts.hpp"
#include "store/sessions.hpp"
#include "web/sse_format.hpp"

namespace bw {

inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct AuthOptions {
  std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
  std::chrono::milliseconds session_max_age{std::chrono::hours(12)};
  bool secure_cookie = false;  // add `Secure` (the site is served over HTTPS)
  std::size_t min_password_length = 10;
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  std::chrono::milliseconds failure_window{std::chrono::minutes(15)};
};

struct SessionLogin {
  SessionRecord session;
  User user;
};

// The bw_session value from a Cookie request header, if present and non-empty.
std::optional<std::string> session_cookie(std::string_view cookie_header);

// The session and its enabled user when the id is known and neither idle nor
// too old; refreshes last_seen (at most once a second). Expired sessions are deleted.
std::optional<SessionLogin> resolve_session(Sessions& sessions, Accounts& accounts,
                                            const AuthOptions& options, std::string_view session_id,
                                            TimestampMs now);

// Set-Cookie values that start and end a session.
std::string session_set_cookie(std::string_view session_id, const AuthOptions& options);
std::string session_clear_cookie(const AuthOptions& options);

// Constant-time comparison for secrets of equal length.
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace bw
