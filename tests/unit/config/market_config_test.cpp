// Specification of the [market] and [backtest] tables: the exchange calendar
// for alert sessions (validated strictly, file:line:col) and the backtest
// tick ring's bounds.
#include <catch2/catch.hpp>

#include <string>

#include "config/config.hpp"
#include "config/config_diff.hpp"
#include "tests/support/config_text.hpp"

using namespace bw;

using bw::testing::load_config_text;

TEST_CASE("without [market] the built-in NYSE 2026-2027 calendar applies", "[config][market]") {
  Result<Config> config = load_config("", {});
  REQUIRE(config.ok());
  CHECK(config->market.holidays.size() == 20);
  CHECK(config->market.holidays.front() == "2026-01-01");
  CHECK(config->market.early_closes ==
        std::vector<std::string>{"2026-11-27", "2026-12-24", "2027-11-26"});
  CHECK(config->backtest.ticks_per_symbol == 2000);
  CHECK(config->backtest.max_symbols == 500);
}

TEST_CASE("dates are TOML dates or YYYY-MM-DD strings, and a list replaces the built-in one",
          "[config][market]") {
  Result<Config> config = load_config_text(
      "[market]\nholidays = [2030-12-25, \"2030-01-01\"]\nearly_closes = []\n"
      "[backtest]\nticks_per_symbol = 10\nmax_symbols = 3\n");
  REQUIRE(config.ok());
  CHECK(config->market.holidays == std::vector<std::string>{"2030-12-25", "2030-01-01"});
  CHECK(config->market.early_closes.empty());
  CHECK(config->backtest.ticks_per_symbol == 10);
  CHECK(config->backtest.max_symbols == 3);
}

TEST_CASE("a bad calendar date is named with file:line:col and its index", "[config][market]") {
  Result<Config> config =
      load_config_text("[market]\nholidays = [\n  2030-12-25,\n  \"2030-02-30\",\n  7,\n]\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().find("FILE:4:3: market.holidays[1]: must be a date like 2026-12-25") !=
        std::string::npos);
  CHECK(config.error().find("FILE:5:3: market.holidays[2]: must be a date") != std::string::npos);
}

TEST_CASE("a date listed twice, or both a holiday and an early close, is refused",
          "[config][market]") {
  Result<Config> config = load_config_text(
      "[market]\nholidays = [2030-12-25]\nearly_closes = [2030-12-24, 2030-12-25]\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().find("FILE:3:29: market.early_closes[1]: 2030-12-25 is listed twice") !=
        std::string::npos);
}

TEST_CASE("unknown [market] keys and out-of-range [backtest] sizes are refused",
          "[config][market]") {
  Result<Config> config =
      load_config_text("[market]\nholiday = []\n[backtest]\nticks_per_symbol = 1000000\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().find("market.holiday: unknown key (did you mean \"holidays\"?)") !=
        std::string::npos);
  CHECK(config.error().find("backtest.ticks_per_symbol: must be between 0 and 100000") !=
        std::string::npos);
}

TEST_CASE("a changed calendar is a reloadable key", "[config][market]") {
  Config before;
  Config after;
  after.market.holidays.push_back("2031-01-01");
  CHECK(changed_keys(before, after) == std::vector<std::string>{"market"});
}
