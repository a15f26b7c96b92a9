#include "web/session_routes.hpp"

#include "rules/time_text.hpp"
#include "web/api_routes.hpp"
#include "web/credentials.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

// Spends the same Argon2id work for unknown users as for known ones, so the
// response time does not tell which user names exist.
bool verify_or_burn(const std::optional<std::string>& stored, std::string_view password) {
  static const std::string dummy = hash_password("bellwether-timing-equaliser");
  const bool ok = verify_password(stored ? *stored : dummy, password);
  return ok && stored.has_value();
}

Result<std::pair<std::string, std::string>> decode_credentials(std::string_view body) {
  Result<json> parsed = parse_body(body);
  if (!parsed) return Error{parsed.error()};
  if (!parsed->is_object()) return Error{"body: must be a JSON object"};
  const json& b = *parsed;
  if (!b.contains("username") || !b["username"].is_string() ||
      b["username"].get_ref<const std::string&>().empty()) {
    return Error{"username: must be a non-empty string"};
  }
  if (!b.contains("password") || !b["password"].is_string() ||
      b["password"].get_ref<const std::string&>().empty()) {
    return Error{"password: must be a non-empty string"};
  }
  const std::string& username = b["username"].get_ref<const std::string&>();
  const std::string& password = b["password"].get_ref<const std::string&>();
  if (username.size() > 64) return Error{"username: at most 64 characters"};
  if (password.size() > kMaxPasswordLength) {
    return Error{"password: at most " + std::to_string(kMaxPasswordLength) + " characters"};
  }
  return std::pair{username, password};
}

ApiResponse too_many_attempts(std::int64_t wait_seconds) {
  ApiResponse r = problem(
      429, "too many failed sign-in attempts; try again in " + std::to_string(wait_seconds) + " s");
  r.headers.emplace_back("Retry-After", std::to_string(wait_seconds));
  return r;
}

json session_body(const AuthOptions& options, const User& user, const SessionRecord& session) {
  const TimestampMs idle_end = session.last_seen_at + options.session_idle_timeout.count();
  const TimestampMs max_end = session.created_at + options.session_max_age.count();
  return {{"user", encode_user(user)},
          {"csrf_token", session.csrf_token},
          {"expires_at", format_rfc3339(std::min(idle_end, max_end))}};
}

}  // namespace

json encode_user(const User& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"admin", user.admin},
          {"disabled", user.disabled},
          {"must_change_password", user.must_change_password},
          {"created_at", format_rfc3339(user.created_at)}};
}

ApiResponse create_session(ApiContext& context, const AuthServices& auth, std::string_view body,
                           const std::string& client_address,
                           const std::optional<std::string>& previous_session_id) {
  Result<std::pair<std::string, std::string>> credentials = decode_credentials(body);
  if (!credentials) return problem(400, credentials.error());
  const auto& [username, password] = *credentials;
  const TimestampMs now = context.clock.now_ms();
  const std::string account_key = "user:" + username;
  const std::string address_key = "addr:" + client_address;
  std::optional<std::int64_t> wait =
      auth.limiter.blocked_for(account_key, auth.options.max_failures_per_account, now);
  if (!wait)
    wait = auth.limiter.blocked_for(address_key, auth.options.max_failures_per_address, now);
  if (wait) return too_many_attempts(*wait);

  std::optional<User> user = context.accounts.find_user(username);
  std::optional<std::string> stored;
  if (user && !user->disabled) stored = context.accounts.password_hash(user->id);
  if (!verify_or_burn(stored, password)) {
    auth.limiter.record_failure(account_key, now);
    auth.limiter.record_failure(address_key, now);
    return problem(401, "invalid username or password");
  }
  auth.limiter.clear(account_key);

  // A fresh id at every sign-in: an id planted before sign-in is worth nothing.
  if (previous_session_id) {
    if (auto old = auth.sessions.find(hash_token(*previous_session_id)))
      auth.sessions.remove(old->id);
  }
  auth.sessions.purge_expired(now - auth.options.session_idle_timeout.count(),
                              now - auth.options.session_max_age.count());
  const std::string session_id = generate_secret("bws_");
  SessionRecord session =
      auth.sessions.create(user->id, hash_token(session_id), generate_secret(""), now);
  ApiResponse response = json_response(201, dump_json(session_body(auth.options, *user, session)));
  response.headers.emplace_back("Set-Cookie", session_set_cookie(session_id, auth.options));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ApiResponse get_session(const AuthServices& auth, const Caller& caller) {
  if (!caller.session) {
    return problem(404, "no session: this request was authenticated by a bearer token");
  }
  ApiResponse response =
      json_response(200, dump_json(session_body(auth.options, caller.user, *caller.session)));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ApiResponse delete_session(const AuthServices& auth, const Caller& caller) {
  if (!caller.session) {
    return problem(404, "no session: this request was authenticated by a bearer token");
  }
  auth.sessions.remove(caller.session->id);
  ApiResponse response{204, "", "", {}};
  response.headers.emplace_back("Set-Cookie", session_clear_cookie(auth.options));
  return response;
}

}  // namespace bw
