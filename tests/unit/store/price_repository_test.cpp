// Specification of bw::PriceRepository: the last price per symbol, upserted.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "store/price_repository.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using bw::testing::TempDatabase;

namespace {

Price px(std::string_view text) {
  return *Price::parse(text);
}

// "S<i>", appended (not "S" + ...: GCC 12's false -Wrestrict).
Symbol numbered(int i) {
  Symbol name = "S";
  name += std::to_string(i);
  return name;
}

std::map<Symbol, LastPrice> by_symbol(const std::vector<LastPrice>& prices) {
  std::map<Symbol, LastPrice> out;
  for (const LastPrice& p : prices) out[p.symbol] = p;
  return out;
}

}  // namespace

TEST_CASE("a new database has no last prices", "[store]") {
  TempDatabase temp;
  CHECK(PriceRepository(temp.db()).load_all().empty());
}

TEST_CASE("saved prices are loaded back exactly", "[store]") {
  TempDatabase temp;
  PriceRepository prices(temp.db());
  prices.save({{"AAPL", px("150.12345678"), 1000}, {"MSFT", px("415.20"), 1001}});

  std::map<Symbol, LastPrice> loaded = by_symbol(prices.load_all());
  REQUIRE(loaded.size() == 2);
  CHECK(loaded["AAPL"].price == px("150.12345678"));
  CHECK(loaded["AAPL"].ts_ms == 1000);
  CHECK(loaded["MSFT"].price == px("415.20"));
  CHECK(loaded["MSFT"].ts_ms == 1001);
}

TEST_CASE("saving a symbol again replaces its price: load_all returns the latest", "[store]") {
  TempDatabase temp;
  PriceRepository prices(temp.db());
  prices.save({{"AAPL", px("150"), 1000}, {"MSFT", px("400"), 1000}});
  prices.save({{"AAPL", px("151.5"), 2000}});

  std::vector<LastPrice> all = prices.load_all();
  CHECK(all.size() == 2);
  std::map<Symbol, LastPrice> loaded = by_symbol(all);
  CHECK(loaded["AAPL"].price == px("151.5"));
  CHECK(loaded["AAPL"].ts_ms == 2000);
  CHECK(loaded["MSFT"].price == px("400"));
}

TEST_CASE("a save of any size upserts every symbol once, the last entry of a repeated one winning",
          "[store]") {
  TempDatabase temp;
  PriceRepository prices(temp.db());
  // 150 symbols: multi-row statements of 64, 64, 16, 4, 1 and 1 rows.
  std::vector<LastPrice> first;
  for (int i = 0; i < 150; ++i) first.push_back({numbered(i), px("10"), 1000 + i});
  prices.save(first);
  // 70 of them again, with S5 twice in one save (the later entry counts).
  std::vector<LastPrice> second;
  for (int i = 0; i < 70; ++i) second.push_back({numbered(i), px("20"), 5000 + i});
  second.push_back({"S5", px("21.5"), 9000});
  prices.save(second);

  std::map<Symbol, LastPrice> loaded = by_symbol(prices.load_all());
  REQUIRE(loaded.size() == 150);
  CHECK(loaded["S0"].price == px("20"));
  CHECK(loaded["S69"].ts_ms == 5069);
  CHECK(loaded["S70"].price == px("10"));
  CHECK(loaded["S149"].ts_ms == 1149);
  CHECK(loaded["S5"].price == px("21.5"));
  CHECK(loaded["S5"].ts_ms == 9000);
}

TEST_CASE("saving nothing changes nothing", "[store]") {
  TempDatabase temp;
  PriceRepository prices(temp.db());
  prices.save({{"AAPL", px("150"), 1000}});
  prices.save({});
  CHECK(prices.load_all().size() == 1);
}

TEST_CASE("last prices survive a restart", "[store]") {
  TempDatabase temp;
  PriceRepository(temp.db()).save({{"AAPL", px("150.25"), 1000}});
  temp.reopen();
  std::vector<LastPrice> loaded = PriceRepository(temp.db()).load_all();
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].symbol == "AAPL");
  CHECK(loaded[0].price == px("150.25"));
}

TEST_CASE("a symbol's session day survives a round trip with its last price", "[store]") {
  bw::testing::TempDatabase temp;
  PriceRepository prices(temp.db());
  LastPrice aapl{"AAPL", *Price::parse("150"), 1000,
                 DayState{20'000, *Price::parse("150"), *Price::parse("148.5"), 12'345}};
  LastPrice msft{"MSFT", *Price::parse("400"), 1000, std::nullopt};
  prices.save({aapl, msft});
  for (const LastPrice& p : prices.load_all()) {
    if (p.symbol == "AAPL") {
      REQUIRE(p.day);
      CHECK(*p.day == *aapl.day);
    } else {
      CHECK_FALSE(p.day);
    }
  }
}

TEST_CASE("a symbol's series states are replaced as a whole and loaded with its price", "[store]") {
  bw::testing::TempDatabase temp;
  PriceRepository prices(temp.db());
  LastPrice aapl{"AAPL", px("150"), 1000, std::nullopt,
                 std::vector<SeriesState>{{"sma:60000:20", "1 5 100 0 0 0"},
                                          {"rsi:60000:14", "0 0 0 0 0 0 0 0"}}};
  LastPrice msft{"MSFT", px("400"), 1000, std::nullopt, std::nullopt};
  prices.save({aapl, msft});
  auto loaded = by_symbol(prices.load_all());
  REQUIRE(loaded["AAPL"].series);
  CHECK(loaded["AAPL"].series->size() == 2);
  CHECK(loaded["AAPL"].series->at(0) == SeriesState{"rsi:60000:14", "0 0 0 0 0 0 0 0"});
  CHECK_FALSE(loaded["MSFT"].series);

  aapl.series = std::vector<SeriesState>{{"sma:60000:20", "1 6 101 0 0 0"}};
  msft.series = std::nullopt;  // left as it is
  prices.save({aapl, msft});
  loaded = by_symbol(prices.load_all());
  REQUIRE(loaded["AAPL"].series);
  CHECK(*loaded["AAPL"].series == std::vector<SeriesState>{{"sma:60000:20", "1 6 101 0 0 0"}});

  aapl.series = std::vector<SeriesState>{};  // the last series was released
  prices.save({aapl});
  CHECK_FALSE(by_symbol(prices.load_all())["AAPL"].series);
}
