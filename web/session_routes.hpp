// The sign-in handlers: POST/GET/DELETE /api/v1/session. Plain functions from
// a parsed request to a response (ApiServer binds them to routes).
//
//   ApiResponse r = create_session(context, auth, body, "127.0.0.1", old_cookie_id);
//
// create_session checks the password (Argon2id), applies the per-account and
// per-address failure limits (429 + Retry-After), and on success answers with
// a Set-Cookie carrying a fresh random session id; the old session, if the
// browser sent one, is ended. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "web/api_context.hpp"
#include "web/login_limiter.hpp"
#include "web/problem.hpp"
#include "web/session_auth.hpp"

namespace bw {

inline constexpr std::size_t kMaxPasswordLength = 1024;

// What the session and account handlers share besides ApiContext.
struct AuthServices {
  Sessions& sessions;
  LoginLimiter& limiter;
  AuthOptions options;
};

// The authenticated caller of a request: by bearer token (no session) or by cookie.
struct Caller {
  User user;
  std::optional<SessionRecord> session;
};

ApiResponse create_session(ApiContext& context, const AuthServices& auth, std::string_view body,
                           const std::string& client_address,
                           const std::optional<std::string>& previous_session_id);
ApiResponse get_session(const AuthServices& auth, const Caller& caller);
ApiResponse delete_session(const AuthServices& auth, const Caller& caller);

// {"id","name","admin","disabled","must_change_password","created_at"}
nlohmann::json encode_user(const User& user);

}  // namespace bw
