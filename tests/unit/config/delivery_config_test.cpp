// Specification of the [delivery] section of bellwether.toml.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;

namespace {

Result<Config> load_delivery(const std::string& text) {
  bw::testing::TempDirectory directory("bw-config");
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << "[delivery]\n" << text;
  return load_config(path, {});
}

}  // namespace

TEST_CASE("the shipped config documents the default delivery settings", "[config]") {
  Result<Config> shipped =
      load_config(std::string(BW_PROJECT_SOURCE_DIR) + "/config/bellwether.toml", {});
  REQUIRE(shipped.ok());
  Result<Config> defaults = load_config("", {});
  REQUIRE(defaults.ok());
  CHECK(shipped->delivery.retry_schedule == defaults->delivery.retry_schedule);
  CHECK(shipped->delivery.retry_schedule.size() == 9);
  CHECK(shipped->delivery.retry_schedule.back() == 24h);
  CHECK(shipped->delivery.retry_jitter == 0.2);
  CHECK(shipped->delivery.timeout == 10s);
  CHECK(shipped->delivery.threads == defaults->delivery.threads);
  CHECK(shipped->delivery.allowed_private_addresses.empty());
}

TEST_CASE("every delivery key is read with its type", "[config]") {
  Result<Config> config = load_delivery(
      "retry_schedule = [\"1s\", \"2m\"]\nretry_jitter = 0.0\ntimeout = \"3s\"\n"
      "connect_timeout = \"1s\"\nthreads = 3\nmax_in_flight = 8\nmax_connections_per_host = 2\n"
      "allowed_private_addresses = [\"127.0.0.1\", \"::1\"]\n");
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->delivery.retry_schedule == std::vector<std::chrono::milliseconds>{1s, 2min});
  CHECK(config->delivery.retry_jitter == 0.0);
  CHECK(config->delivery.timeout == 3s);
  CHECK(config->delivery.connect_timeout == 1s);
  CHECK(config->delivery.threads == 3);
  CHECK(config->delivery.max_in_flight == 8);
  CHECK(config->delivery.max_connections_per_host == 2);
  CHECK(config->delivery.allowed_private_addresses == std::vector<std::string>{"127.0.0.1", "::1"});
}

TEST_CASE("bad delivery values are named with file, line and column", "[config]") {
  auto error = [](const std::string& text) {
    Result<Config> config = load_delivery(text);
    REQUIRE_FALSE(config.ok());
    return config.error();
  };
  CHECK(error("retry_schedule = [\"5s\", 3]\n").find("bellwether.toml:2:") != std::string::npos);
  CHECK(error("retry_schedule = [\"5s\", 3]\n").find("delivery.retry_schedule") !=
        std::string::npos);
  CHECK(error("retry_schedule = [\"10ms\"]\n").find("at least 100ms") != std::string::npos);
  CHECK(error("retry_jitter = 1.5\n").find("delivery.retry_jitter") != std::string::npos);
  CHECK(error("max_in_flight = 0\n").find("delivery.max_in_flight") != std::string::npos);
  CHECK(error("threads = 0\n").find("bellwether.toml:2:11: delivery.threads") !=
        std::string::npos);
  CHECK(error("threads = 17\n").find("delivery.threads") != std::string::npos);
  CHECK(error("allowed_private_addresses = [\"localhost\"]\n").find("not a numeric") !=
        std::string::npos);
  CHECK(error("retries = 3\n").find("delivery.retries: unknown key") != std::string::npos);
}

TEST_CASE("the [email] transport is read and checked", "[config]") {
  bw::testing::TempDirectory directory("bw-config");
  const std::string path = directory.file("bellwether.toml");
  ::setenv("BW_TEST_SMTP_PASSWORD", "p", 1);
  ::setenv("BW_TEST_EMAIL_API_KEY", "k", 1);
  auto load = [&](const std::string& text) {
    std::ofstream(path) << "[email]\n" << text;
    return load_config(path, {});
  };
  Result<Config> config = load(
      "smtp_url = \"smtps://mail.example.com:465\"\nfrom = \"BW <a@example.com>\"\n"
      "username = \"u\"\npassword_env = \"BW_TEST_SMTP_PASSWORD\"\nstarttls = \"try\"\n");
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->email.smtp_url == "smtps://mail.example.com:465");
  CHECK(config->email.from == "BW <a@example.com>");
  CHECK(config->email.starttls == "try");
  CHECK(config->email.password.value == "p");
  Result<Config> inline_password =
      load("smtp_url = \"smtp://x:25\"\nfrom = \"a@example.com\"\npassword = \"p\"\n");
  REQUIRE_FALSE(inline_password.ok());
  CHECK(inline_password.error().find("email.password: secrets are not accepted inline") !=
        std::string::npos);
  Result<Config> defaults = load_config("", {});
  REQUIRE(defaults.ok());
  CHECK(defaults->email.smtp_url.empty());
  CHECK(defaults->email.starttls == "required");

  Result<Config> bad_url = load("smtp_url = \"http://x\"\nfrom = \"a@example.com\"\n");
  REQUIRE_FALSE(bad_url.ok());
  CHECK(bad_url.error().find("email.smtp_url: must start with smtp://") != std::string::npos);
  Result<Config> no_from = load("smtp_url = \"smtp://x:25\"\n");
  REQUIRE_FALSE(no_from.ok());
  CHECK(no_from.error().find("email.from: is required") != std::string::npos);
  Result<Config> both = load(
      "smtp_url = \"smtp://x:25\"\napi_url = \"https://api.example.com/send\"\n"
      "from = \"a@example.com\"\n");
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().find("email.api_url: set either smtp_url or api_url") != std::string::npos);
  Result<Config> api = load(
      "api_url = \"https://api.postmarkapp.com/email\"\napi_format = \"postmark\"\n"
      "api_key_env = \"BW_TEST_EMAIL_API_KEY\"\nfrom = \"a@example.com\"\n");
  REQUIRE(api.ok());
  CHECK(api->email.api_format == "postmark");
  Result<Config> bad_format = load("api_format = \"ses\"\n");
  REQUIRE_FALSE(bad_format.ok());
  CHECK(bad_format.error().find("email.api_format: must be one of") != std::string::npos);
  Result<Config> bad_tls = load("starttls = \"maybe\"\n");
  REQUIRE_FALSE(bad_tls.ok());
  CHECK(bad_tls.error().find("email.starttls") != std::string::npos);
}

TEST_CASE("the throttling keys are read, documented and bounded", "[config]") {
  Result<Config> shipped =
      load_config(std::string(BW_PROJECT_SOURCE_DIR) + "/config/bellwether.toml", {});
  Result<Config> defaults = load_config("", {});
  REQUIRE(shipped.ok());
  REQUIRE(defaults.ok());
  CHECK(shipped->delivery.throttle_burst == defaults->delivery.throttle_burst);
  CHECK(shipped->delivery.throttle_refill == defaults->delivery.throttle_refill);
  CHECK(shipped->delivery.group_wait == defaults->delivery.group_wait);
  CHECK(shipped->delivery.max_digest_members == defaults->delivery.max_digest_members);
  Result<Config> config = load_delivery(
      "throttle_burst = 0\nthrottle_refill = \"1m\"\ngroup_wait = \"5s\"\n"
      "max_digest_members = 7\n");
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->delivery.throttle_burst == 0);
  CHECK(config->delivery.throttle_refill == 1min);
  CHECK(config->delivery.group_wait == 5s);
  CHECK(config->delivery.max_digest_members == 7);
  Result<Config> bad = load_delivery("group_wait = \"10ms\"\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("bellwether.toml:2:") != std::string::npos);
  CHECK(bad.error().find("delivery.group_wait") != std::string::npos);
  CHECK_FALSE(load_delivery("max_digest_members = 0\n").ok());
}
