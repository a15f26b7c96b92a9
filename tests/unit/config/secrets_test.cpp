// Specification of secrets in the config: only through <key>_env or
// <key>_file, never inline, and shown only redacted.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using bw::testing::TempDirectory;

namespace {

struct ConfigFile {
  explicit ConfigFile(const std::string& text) : directory("bw-secret") {
    std::ofstream(path()) << text;
  }
  std::string path() const { return directory.file("bellwether.toml"); }
  TempDirectory directory;
};

}  // namespace

TEST_CASE("a secret is read from the named environment variable", "[config]") {
  ::setenv("BW_TEST_METRICS_TOKEN", "s3cret-from-env", 1);
  ConfigFile file("[web]\nmetrics_token_env = \"BW_TEST_METRICS_TOKEN\"\n");
  Result<Config> config = load_config(file.path(), {});
  REQUIRE(config.ok());
  CHECK(config->web.metrics_token.value == "s3cret-from-env");
  CHECK(config->web.metrics_token.redacted() == "<redacted, from env BW_TEST_METRICS_TOKEN>");
  ::unsetenv("BW_TEST_METRICS_TOKEN");
}

TEST_CASE("a secret is read from a file without its trailing newline", "[config]") {
  TempDirectory directory("bw-secret-file");
  const std::string secret = directory.file("token");
  std::ofstream(secret) << "s3cret-from-file\n";
  ConfigFile file("[web]\nmetrics_token_file = \"" + secret + "\"\n");
  Result<Config> config = load_config(file.path(), {});
  REQUIRE(config.ok());
  CHECK(config->web.metrics_token.value == "s3cret-from-file");
  CHECK(config->web.metrics_token.redacted() == "<redacted, from file " + secret + ">");
  REQUIRE(configured_secrets(*config).size() == 1);
  CHECK(configured_secrets(*config)[0].first == "web.metrics_token");
}

TEST_CASE("an inline secret is refused and its value is not echoed", "[config]") {
  ConfigFile file("[web]\nmetrics_token = \"hunter2\"\n");
  Result<Config> config = load_config(file.path(), {});
  REQUIRE_FALSE(config.ok());
  CHECK(config.error() == file.path() +
                              ":2:17: web.metrics_token: secrets are not accepted inline: use "
                              "metrics_token_env (an environment variable's name) or "
                              "metrics_token_file (a file's path)");
  CHECK(config.error().find("hunter2") == std::string::npos);
}

TEST_CASE("a missing variable or unreadable file is an error at its key", "[config]") {
  ::unsetenv("BW_TEST_UNSET_VARIABLE");
  ConfigFile env("[web]\nmetrics_token_env = \"BW_TEST_UNSET_VARIABLE\"\n");
  CHECK(load_config(env.path(), {}).error() ==
        env.path() +
            ":2:21: web.metrics_token_env: environment variable \"BW_TEST_UNSET_VARIABLE\" is "
            "not set or empty");
  ConfigFile file("[web]\nmetrics_token_file = \"/nonexistent/token\"\n");
  CHECK(load_config(file.path(), {}).error() ==
        file.path() + ":2:22: web.metrics_token_file: cannot read \"/nonexistent/token\"");
}

TEST_CASE("setting both the variable and the file is refused", "[config]") {
  ConfigFile file("[web]\nmetrics_token_env = \"X\"\nmetrics_token_file = \"/y\"\n");
  CHECK(load_config(file.path(), {}).error() ==
        file.path() +
            ":3:22: web.metrics_token_file: set only one of metrics_token_env and "
            "metrics_token_file");
}

TEST_CASE("without a secret configured nothing is listed", "[config]") {
  Result<Config> config = load_config("", {});
  REQUIRE(config.ok());
  CHECK_FALSE(config->web.metrics_token.configured());
  CHECK(configured_secrets(*config).empty());
}
