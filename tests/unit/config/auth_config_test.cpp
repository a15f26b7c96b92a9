// Specification of the [auth] section of bellwether.toml.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;
using bw::testing::TempDirectory;

namespace {
Result<Config> load_auth(const std::string& body) {
  TempDirectory directory("bw-auth-config");
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << "[auth]\n" << body;
  return load_config(path, {});
}
}  // namespace

TEST_CASE("[auth] defaults match the documented ones", "[config]") {
  Result<Config> config = load_config("", {});
  REQUIRE(config.ok());
  CHECK(config->auth.session_idle_timeout == 30min);
  CHECK(config->auth.session_max_age == 12h);
  CHECK_FALSE(config->auth.secure_cookie);
  CHECK(config->auth.min_password_length == 10);
  CHECK(config->auth.max_failures_per_account == 5);
  CHECK(config->auth.max_failures_per_address == 20);
  CHECK(config->auth.failure_window == 15min);
}

TEST_CASE("the shipped config states the [auth] defaults", "[config]") {
  Result<Config> shipped =
      load_config(std::string(BW_PROJECT_SOURCE_DIR) + "/config/bellwether.toml", {});
  Result<Config> defaults = load_config("", {});
  REQUIRE(shipped.ok());
  REQUIRE(defaults.ok());
  CHECK(shipped->auth.session_idle_timeout == defaults->auth.session_idle_timeout);
  CHECK(shipped->auth.session_max_age == defaults->auth.session_max_age);
  CHECK(shipped->auth.min_password_length == defaults->auth.min_password_length);
  CHECK(shipped->auth.failure_window == defaults->auth.failure_window);
}

TEST_CASE("every [auth] key is read with its type", "[config]") {
  Result<Config> config = load_auth(
      "session_idle_timeout = \"5m\"\nsession_max_age = \"1h\"\nsecure_cookie = true\n"
      "min_password_length = 12\nmax_failures_per_account = 3\nmax_failures_per_address = 9\n"
      "failure_window = \"1m\"\n");
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->auth.session_idle_timeout == 5min);
  CHECK(config->auth.session_max_age == 1h);
  CHECK(config->auth.secure_cookie);
  CHECK(config->auth.min_password_length == 12);
  CHECK(config->auth.max_failures_per_account == 3);
  CHECK(config->auth.max_failures_per_address == 9);
  CHECK(config->auth.failure_window == 1min);
}

TEST_CASE("bad [auth] values are reported with their location", "[config]") {
  Result<Config> config = load_auth(
      "secure_cookie = \"yes\"\nmin_password_length = 4\nsession_idle_timeout = \"13h\"\n"
      "max_failures_per_acount = 3\n");
  REQUIRE_FALSE(config.ok());
  const std::string& error = config.error();
  CHECK_THAT(error, Catch::Contains(":2:17: auth.secure_cookie: expected true or false"));
  CHECK_THAT(error, Catch::Contains(":3:23: auth.min_password_length: must be between 8 and 128"));
  CHECK_THAT(error,
             Catch::Contains("auth.session_idle_timeout: must not be longer than session_max_age"));
  CHECK_THAT(error, Catch::Contains("unknown key (did you mean \"max_failures_per_account\"?)"));
}

TEST_CASE("a max age shorter than the default idle timeout is reported on the max age",
          "[config]") {
  Result<Config> config = load_auth("session_max_age = \"10m\"\n");
  REQUIRE_FALSE(config.ok());
  CHECK_THAT(config.error(), Catch::Contains("auth.session_max_age: must not be shorter"));
}
