// Specification of the provider sources' keys in [[sources]]: each type reads
// its own keys, rejects another type's, and takes credentials only from
// api_key_env / api_key_file (api_secret_* for Alpaca).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;
using bw::testing::TempDirectory;

namespace {

Result<Config> load_text(const std::string& text) {
  TempDirectory directory("bw-providers");
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << text;
  Result<Config> config = load_config(path, {});
  if (!config) {
    std::string error = config.error();
    for (auto at = error.find(path); at != std::string::npos; at = error.find(path)) {
      error.replace(at, path.size(), "FILE");
    }
    return Error{error};
  }
  return config;
}

struct EnvKey {
  EnvKey() {
    ::setenv("BW_TEST_PROVIDER_KEY", "key-123", 1);
    ::setenv("BW_TEST_PROVIDER_SECRET", "secret-456", 1);
  }
  ~EnvKey() {
    ::unsetenv("BW_TEST_PROVIDER_KEY");
    ::unsetenv("BW_TEST_PROVIDER_SECRET");
  }
};

}  // namespace

TEST_CASE("an alpaca_ws source reads feed, channels, key and secret", "[config]") {
  EnvKey env;
  auto config = load_text(R"([[sources]]
name = "alpaca"
type = "alpaca_ws"
symbols = ["AAPL"]
feed = "sip"
channels = ["trades", "bars"]
api_key_env = "BW_TEST_PROVIDER_KEY"
api_secret_env = "BW_TEST_PROVIDER_SECRET"
idle_timeout = "20s"
backoff_max = "1m"
ca_file = "/etc/ssl/certs/ca-certificates.crt"
)");
  REQUIRE(config);
  const SourceConfig& s = config->sources[0];
  CHECK(s.feed == "sip");
  CHECK(s.channels == std::vector<std::string>{"trades", "bars"});
  CHECK(s.api_key.value == "key-123");
  CHECK(s.api_secret.value == "secret-456");
  CHECK(s.idle_timeout == 20s);
  CHECK(s.backoff_max == 1min);
  CHECK(s.ca_file == "/etc/ssl/certs/ca-certificates.crt");
}

TEST_CASE("a WebSocket source without a key names the missing key", "[config]") {
  auto config = load_text("[[sources]]\nname = \"p\"\ntype = \"polygon_ws\"\nsymbols = [\"A\"]\n");
  REQUIRE_FALSE(config);
  CHECK(config.error() == "FILE:1:1: sources[0].api_key_env: is required");
}

TEST_CASE("an inline api_key is refused", "[config]") {
  auto config = load_text(
      "[[sources]]\nname = \"f\"\ntype = \"finnhub_ws\"\nsymbols = [\"A\"]\napi_key = \"abc\"\n");
  REQUIRE_FALSE(config);
  CHECK(config.error().find("sources[0].api_key: secrets are not accepted inline") !=
        std::string::npos);
}

TEST_CASE("a key of another source type is unknown", "[config]") {
  EnvKey env;
  auto config = load_text(R"([[sources]]
name = "p"
type = "polygon_ws"
symbols = ["A"]
api_key_env = "BW_TEST_PROVIDER_KEY"
feed = "sip"
)");
  REQUIRE_FALSE(config);
  CHECK(config.error() == "FILE:6:1: sources[0].feed: unknown key");
}

TEST_CASE("an unknown channel is named with the choices", "[config]") {
  EnvKey env;
  auto config = load_text(R"([[sources]]
name = "p"
type = "polygon_ws"
symbols = ["A"]
api_key_env = "BW_TEST_PROVIDER_KEY"
channels = ["trades", "bars"]
)");
  REQUIRE_FALSE(config);
  CHECK(config.error() ==
        "FILE:6:12: sources[0].channels: unknown channel \"bars\"; expected any of: trades, "
        "quotes, aggregates");
}

TEST_CASE("pollers default to a 5 s interval and read their budget", "[config]") {
  auto config = load_text(R"([[sources]]
name = "y"
type = "yahoo_chart"
symbols = ["AAPL"]
max_requests_per_minute = 30
)");
  REQUIRE(config);
  CHECK(config->sources[0].interval == 5s);
  CHECK(config->sources[0].max_requests_per_minute == 30);
  CHECK(config->sources[0].backoff_initial == 1s);
}

TEST_CASE("http_json needs url and price_path and checks its paths", "[config]") {
  auto missing = load_text("[[sources]]\nname = \"j\"\ntype = \"http_json\"\n");
  REQUIRE_FALSE(missing);
  CHECK(missing.error() ==
        "FILE:1:1: sources[0].url: is required\nFILE:1:1: sources[0].price_path: is required");
  auto bad_path = load_text(R"([[sources]]
name = "j"
type = "http_json"
url = "http://127.0.0.1:9/q"
price_path = "data..last"
)");
  REQUIRE_FALSE(bad_path);
  CHECK(bad_path.error() ==
        "FILE:5:14: sources[0].price_path: expected a dot-separated path such as \"data.0.last\"");
  auto good = load_text(R"([[sources]]
name = "j"
type = "http_json"
url = "http://127.0.0.1:9/q/{symbol}"
symbols = ["AAPL"]
price_path = "quote.last"
bid_path = "quote.bid"
ask_path = "quote.ask"
api_key_header = "X-Api-Key"
)");
  REQUIRE(good);
  CHECK(good->sources[0].paths.price == "quote.last");
  CHECK(good->sources[0].paths.ask == "quote.ask");
  CHECK(good->sources[0].api_key_header == "X-Api-Key");
}

TEST_CASE("a provider url must have its type's scheme and no credentials", "[config]") {
  EnvKey env;
  auto http_for_ws = load_text(R"([[sources]]
name = "p"
type = "polygon_ws"
url = "https://socket.polygon.io/stocks"
symbols = ["A"]
api_key_env = "BW_TEST_PROVIDER_KEY"
)");
  REQUIRE_FALSE(http_for_ws);
  CHECK(http_for_ws.error() == "FILE:4:7: sources[0].url: must start with ws:// or wss://");
  auto with_user = load_text(R"([[sources]]
name = "y"
type = "yahoo_chart"
url = "https://me:pw@example.com"
symbols = ["A"]
)");
  REQUIRE_FALSE(with_user);
  CHECK(with_user.error() ==
        "FILE:4:7: sources[0].url: credentials in the URL are not accepted: use api_key_env or "
        "api_key_file");
}

TEST_CASE("an unreadable ca_file and an empty symbol list are named", "[config]") {
  EnvKey env;
  auto config = load_text(R"([[sources]]
name = "f"
type = "finnhub_ws"
symbols = []
ca_file = "/nonexistent/ca.pem"
api_key_env = "BW_TEST_PROVIDER_KEY"
)");
  REQUIRE_FALSE(config);
  CHECK(config.error() ==
        "FILE:5:11: sources[0].ca_file: cannot read \"/nonexistent/ca.pem\"\n"
        "FILE:4:11: sources[0].symbols: must name at least one symbol to subscribe to");
}
