// Specification of the [ingest] table: symbol_silence is a strict duration
// (file:line:col on error), off by default, and reloadable.
#include <catch2/catch.hpp>

#include <string>

#include "config/config.hpp"
#include "config/config_diff.hpp"
#include "tests/support/config_text.hpp"

using namespace bw;
using namespace std::chrono_literals;

using bw::testing::load_config_text;

TEST_CASE("symbol_silence is off unless set", "[config][ingest]") {
  Result<Config> config = load_config_text("");
  REQUIRE(config.ok());
  CHECK(config->ingest.symbol_silence == 0ms);
  Result<Config> set = load_config_text("[ingest]\nsymbol_silence = \"5m\"\n");
  REQUIRE(set.ok());
  CHECK(set->ingest.symbol_silence == 5min);
}

TEST_CASE("a bad symbol_silence is named with file:line:col", "[config][ingest]") {
  Result<Config> unitless = load_config_text("[ingest]\nsymbol_silence = \"5\"\n");
  REQUIRE_FALSE(unitless.ok());
  CHECK(unitless.error().find("FILE:2:18: ingest.symbol_silence: duration needs a unit") !=
        std::string::npos);
  Result<Config> number = load_config_text("[ingest]\nsymbol_silence = 300\n");
  REQUIRE_FALSE(number.ok());
  CHECK(number.error().find("FILE:2:18: ingest.symbol_silence: expected a duration string") !=
        std::string::npos);
  Result<Config> unknown = load_config_text("[ingest]\nsymbol_silense = \"5m\"\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().find("ingest.symbol_silense: unknown key") != std::string::npos);
}

TEST_CASE("a changed symbol_silence is a reloadable key", "[config][ingest]") {
  Config before;
  Config after;
  after.ingest.symbol_silence = 1min;
  CHECK(changed_keys(before, after) == std::vector<std::string>{"ingest.symbol_silence"});
}
