// Specification of RecentTicks (ingest/recent_ticks.hpp): the bounded
// per-symbol ring of recent quotes that backtests run over.
#include <catch2/catch.hpp>

#include "ingest/recent_ticks.hpp"

using namespace bw;

namespace {

Quote tick(const char* symbol, std::int64_t units, TimestampMs ts) {
  return Quote::trade(symbol, Price::from_units(units), 1, ts);
}

std::vector<TimestampMs> times(const std::vector<Quote>& quotes) {
  std::vector<TimestampMs> out;
  for (const Quote& q : quotes) out.push_back(q.ts_ms);
  return out;
}

}  // namespace

TEST_CASE("a symbol keeps its newest ticks, oldest first, once the ring wraps",
          "[ingest][backtest]") {
  RecentTicks ticks({.ticks_per_symbol = 3, .max_symbols = 10});
  for (TimestampMs ts = 1; ts <= 5; ++ts) ticks.record(tick("AAPL", ts * 100, ts));
  CHECK(times(ticks.snapshot("AAPL")) == std::vector<TimestampMs>{3, 4, 5});
  CHECK(ticks.snapshot("MSFT").empty());
}

TEST_CASE("a snapshot gives back every field of the quote", "[ingest][backtest]") {
  RecentTicks ticks({.ticks_per_symbol = 2, .max_symbols = 1});
  Quote bar = tick("AAPL", 100, 7);
  bar.merge(tick("AAPL", 130, 8));
  bar.bid = Price::from_units(129);
  bar.ask = Price::from_units(131);
  bar.prev_close = Price::from_units(90);
  ticks.record(bar);
  std::vector<Quote> out = ticks.snapshot("AAPL");
  REQUIRE(out.size() == 1);
  CHECK(out[0].symbol == "AAPL");
  CHECK(out[0].open == Price::from_units(100));
  CHECK(out[0].high == Price::from_units(130));
  CHECK(out[0].price == Price::from_units(130));
  CHECK(out[0].volume == 2);
  CHECK(out[0].ts_ms == 8);
  CHECK(out[0].bid == Price::from_units(129));
  CHECK(out[0].prev_close == Price::from_units(90));
}

TEST_CASE("a symbol first seen past max_symbols is not kept; the kept ones go on",
          "[ingest][backtest]") {
  RecentTicks ticks({.ticks_per_symbol = 4, .max_symbols = 2});
  ticks.record(tick("AAPL", 1, 1));
  ticks.record(tick("MSFT", 1, 1));
  ticks.record(tick("TSLA", 1, 1));
  ticks.record(tick("AAPL", 1, 2));
  CHECK(ticks.symbol_count() == 2);
  CHECK(ticks.snapshot("TSLA").empty());
  CHECK(ticks.snapshot("AAPL").size() == 2);
}

TEST_CASE("ticks_per_symbol 0 records nothing", "[ingest][backtest]") {
  RecentTicks ticks({.ticks_per_symbol = 0, .max_symbols = 2});
  ticks.record(tick("AAPL", 1, 1));
  CHECK(ticks.symbol_count() == 0);
}
