// The yahoo_chart crumb keys: crumb, cookie_url, crumb_url (validated with
// file:line:col) and the reload diff that restarts the source when they change.
#include <catch2/catch.hpp>

#include "config/config_diff.hpp"
#include "tests/support/config_text.hpp"

using namespace bw;
using bw::testing::load_config_text;

TEST_CASE("yahoo_chart reads crumb and its URLs; they default to off and Yahoo's", "[config]") {
  auto plain = load_config_text(
      "[[sources]]\nname = \"y\"\ntype = \"yahoo_chart\"\n"
      "symbols = [\"AAPL\"]\n");
  REQUIRE(plain);
  CHECK_FALSE(plain->sources[0].crumb);
  CHECK(plain->sources[0].cookie_url.empty());
  auto with = load_config_text(R"([[sources]]
name = "y"
type = "yahoo_chart"
symbols = ["AAPL"]
crumb = true
cookie_url = "http://127.0.0.1:9/fc"
crumb_url = "https://127.0.0.1:9/v1/test/getcrumb"
)");
  REQUIRE(with);
  CHECK(with->sources[0].crumb);
  CHECK(with->sources[0].cookie_url == "http://127.0.0.1:9/fc");
  CHECK(with->sources[0].crumb_url == "https://127.0.0.1:9/v1/test/getcrumb");
  CHECK_FALSE(same_source(plain->sources[0], with->sources[0]));  // a reload restarts it
}

TEST_CASE("bad crumb keys are named with file, line and column", "[config]") {
  auto bad = load_config_text(R"([[sources]]
name = "y"
type = "yahoo_chart"
symbols = ["AAPL"]
crumb = "yes"
crumb_url = "ftp://example.com/crumb"
cookie_url = "https://example.com/fc"
)");
  REQUIRE_FALSE(bad);
  CHECK(bad.error() ==
        "FILE:5:9: sources[0].crumb: expected true or false\n"
        "FILE:7:14: sources[0].cookie_url: only used with crumb = true\n"
        "FILE:6:13: sources[0].crumb_url: must start with http:// or https://");
  auto wrong_type = load_config_text(R"([[sources]]
name = "f"
type = "finnhub_rest"
symbols = ["AAPL"]
api_key_env = "HOME"
crumb = true
)");
  REQUIRE_FALSE(wrong_type);
  CHECK(wrong_type.error().find("FILE:6:1: sources[0].crumb: unknown key") == 0);
}
