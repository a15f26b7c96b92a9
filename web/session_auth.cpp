#include "web/session_auth.hpp"

#include <sodium.h>

#include "web/credentials.hpp"

namespace bw {

namespace {
std::string cookie_attributes(const AuthOptions& options) {
  return std::string("; HttpOnly; SameSite=Strict; Path=/") +
         (options.secure_cookie ? "; Secure" : "");
}
}  // namespace

std::optional<std::string> session_cookie(std::string_view header) {
  std::optional<std::string_view> value = parse_cookie(header, kSessionCookie);
  if (!value) return std::nullopt;
  return std::string(*value);
}

std::optional<SessionLogin> resolve_session(Sessions& sessions, Accounts& accounts,
                                            const AuthOptions& options, std::string_view session_id,
                                            TimestampMs now) {
  std::optional<SessionRecord> session = sessions.find(hash_token(session_id));
  if (!session) return std::nullopt;
  const bool idle = now - session->last_seen_at > options.session_idle_timeout.count();
  const bool too_old = now - session->created_at > options.session_max_age.count();
  if (idle || too_old) {
    sessions.remove(session->id);
    return std::nullopt;
  }
  std::optional<User> user = accounts.find_user(session->user_id);
  if (!user || user->disabled) return std::nullopt;
  // A write per request would serialise readers behind the writer; a second
  // of idle-time precision is plenty.
  if (now - session->last_seen_at >= 1000) {
    sessions.touch(session->id, now);
    session->last_seen_at = now;
  }
  return SessionLogin{std::move(*session), std::move(*user)};
}

std::string session_set_cookie(std::string_view session_id, const AuthOptions& options) {
  const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(options.session_max_age);
  return std::string(kSessionCookie) + "=" + std::string(session_id) + cookie_attributes(options) +
         "; Max-Age=" + std::to_string(max_age.count());
}

std::string session_clear_cookie(const AuthOptions& options) {
  return std::string(kSessionCookie) + "=" + cookie_attributes(options) + "; Max-Age=0";
}

bool secrets_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace bw
