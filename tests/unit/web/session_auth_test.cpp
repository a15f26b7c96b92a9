// Specification of the session rules (web/session_auth) and the sign-in limiter.
#include <catch2/catch.hpp>

#include "store/accounts.hpp"
#include "store/sessions.hpp"
#include "tests/support/temp_database.hpp"
#include "web/credentials.hpp"
#include "web/login_limiter.hpp"
#include "web/session_auth.hpp"

using namespace bw;
using namespace std::chrono_literals;

TEST_CASE("the session cookie is found among others and an empty one is absent", "[web]") {
  CHECK(session_cookie("a=1; bw_session=bws_abc; b=2") == std::optional<std::string>("bws_abc"));
  CHECK(session_cookie("bw_session=x") == std::optional<std::string>("x"));
  CHECK_FALSE(session_cookie("bw_session=; other=1").has_value());
  CHECK_FALSE(session_cookie("not_bw_session=x").has_value());
  CHECK_FALSE(session_cookie("").has_value());
}

TEST_CASE("the session cookie is HttpOnly, SameSite=Strict, Path=/ and Secure only when asked",
          "[web]") {
  AuthOptions options;
  CHECK(session_set_cookie("bws_x", options) ==
        "bw_session=bws_x; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200");
  options.secure_cookie = true;
  CHECK(session_clear_cookie(options) ==
        "bw_session=; HttpOnly; SameSite=Strict; Path=/; Secure; Max-Age=0");
}

TEST_CASE("a session resolves until its idle timeout or its maximum age", "[web]") {
  bw::testing::TempDatabase temp;
  Accounts accounts(temp.db());
  Sessions sessions(temp.db());
  Result<User> user = accounts.create_user({"alice", false, std::nullopt, false}, 0);
  REQUIRE(user.ok());
  AuthOptions options;
  options.session_idle_timeout = 10s;
  options.session_max_age = 25s;
  sessions.create(user->id, hash_token("bws_a"), "csrf", 0);

  CHECK(resolve_session(sessions, accounts, options, "bws_a", 9'000));   // refreshes last_seen
  CHECK(resolve_session(sessions, accounts, options, "bws_a", 18'000));  // idle only 9 s
  CHECK_FALSE(resolve_session(sessions, accounts, options, "bws_other", 18'000));
  CHECK_FALSE(resolve_session(sessions, accounts, options, "bws_a", 26'000));  // too old
  // An expired session is gone for good.
  CHECK_FALSE(sessions.find(hash_token("bws_a")).has_value());

  sessions.create(user->id, hash_token("bws_b"), "csrf", 100'000);
  CHECK_FALSE(resolve_session(sessions, accounts, options, "bws_b", 110'001));  // idle
}

TEST_CASE("a disabled user's session does not resolve", "[web]") {
  bw::testing::TempDatabase temp;
  Accounts accounts(temp.db());
  Sessions sessions(temp.db());
  Result<User> user = accounts.create_user({"bob", false, std::nullopt, false}, 0);
  REQUIRE(user.ok());
  sessions.create(user->id, hash_token("bws_b"), "csrf", 0);
  accounts.set_disabled(user->id, true);
  CHECK_FALSE(resolve_session(sessions, accounts, AuthOptions{}, "bws_b", 1));
}

TEST_CASE("a user keeps at most the newest sessions", "[store]") {
  bw::testing::TempDatabase temp;
  Accounts accounts(temp.db());
  Sessions sessions(temp.db());
  Result<User> user = accounts.create_user({"carl", false, std::nullopt, false}, 0);
  REQUIRE(user.ok());
  for (int i = 0; i < 4; ++i) sessions.create(user->id, "hash" + std::to_string(i), "c", i, 3);
  CHECK_FALSE(sessions.find("hash0").has_value());
  CHECK(sessions.find("hash3").has_value());
}

TEST_CASE("the limiter blocks a key at its limit until the oldest failure leaves the window",
          "[web]") {
  LoginLimiter limiter(60s);
  for (int i = 0; i < 3; ++i) limiter.record_failure("user:alice", 1'000 * i);
  CHECK_FALSE(limiter.blocked_for("user:alice", 4, 2'000));
  CHECK(limiter.blocked_for("user:alice", 3, 2'000) == std::optional<std::int64_t>(58));
  CHECK(limiter.blocked_for("user:alice", 3, 59'500) ==
        std::optional<std::int64_t>(1));                      // rounded up
  CHECK_FALSE(limiter.blocked_for("user:alice", 3, 60'000));  // the first failure expired
  CHECK_FALSE(limiter.blocked_for("user:bob", 1, 2'000));
  limiter.clear("user:alice");
  CHECK_FALSE(limiter.blocked_for("user:alice", 1, 2'000));
}

TEST_CASE("the limiter tracks a bounded number of keys", "[web]") {
  LoginLimiter limiter(60s, 2);
  limiter.record_failure("a", 0);
  limiter.record_failure("b", 10);
  limiter.record_failure("c", 20);  // evicts "a", the key with the oldest failure
  CHECK_FALSE(limiter.blocked_for("a", 1, 30));
  CHECK(limiter.blocked_for("b", 1, 30));
  CHECK(limiter.blocked_for("c", 1, 30));
}

TEST_CASE("a new limiter window judges the failures already recorded", "[web]") {
  LoginLimiter limiter(60s);
  for (int i = 0; i < 3; ++i) limiter.record_failure("user:alice", 1'000 * i);
  CHECK(limiter.blocked_for("user:alice", 3, 30'000));
  limiter.set_window(10s);  // a reload shortened failure_window
  CHECK_FALSE(limiter.blocked_for("user:alice", 3, 30'000));
  limiter.set_window(5min);
  for (int i = 0; i < 3; ++i) limiter.record_failure("user:bob", 1'000 * i);
  CHECK(limiter.blocked_for("user:bob", 3, 120'000) == std::optional<std::int64_t>(180));
}
