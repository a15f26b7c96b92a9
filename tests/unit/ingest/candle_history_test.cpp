// Specification of bw::CandleHistory: recent bars per symbol for the
// dashboard's charts, bounded in bars and in symbols.
#include <catch2/catch.hpp>

#include "ingest/candle_history.hpp"

using namespace bw;

namespace {

constexpr TimestampMs kMinute = 60'000;
constexpr TimestampMs kT0 = 1'700'000'040'000;  // a whole minute

Quote trade(std::string_view price, TimestampMs ts, std::int64_t volume = 1) {
  return Quote::trade("AAPL", *Price::parse(price), volume, ts);
}

Price p(std::string_view text) {
  return *Price::parse(text);
}

}  // namespace

TEST_CASE("Ticks in one minute make one bar with open, high, low, close and volume",
          "[ingest][candles]") {
  CandleHistory history;
  history.record(trade("10", kT0 + 1000, 5));
  history.record(trade("12", kT0 + 2000, 1));
  history.record(trade("9", kT0 + 3000, 2));
  history.record(trade("11", kT0 + 59'999, 3));
  std::vector<Candle> bars = history.bars("AAPL", CandleInterval::one_minute, 100);
  REQUIRE(bars.size() == 1);
  CHECK(bars[0].start_ms == kT0);
  CHECK(bars[0].open == p("10"));
  CHECK(bars[0].high == p("12"));
  CHECK(bars[0].low == p("9"));
  CHECK(bars[0].close == p("11"));
  CHECK(bars[0].volume == 11);
}

TEST_CASE("A conflated quote keeps its high and low in the bar", "[ingest][candles]") {
  CandleHistory history;
  Quote merged = trade("10", kT0);
  merged.merge(trade("15", kT0 + 10));
  merged.merge(trade("10.5", kT0 + 20));
  history.record(merged);
  std::vector<Candle> bars = history.bars("AAPL", CandleInterval::five_seconds, 10);
  REQUIRE(bars.size() == 1);
  CHECK(bars[0].high == p("15"));
  CHECK(bars[0].close == p("10.5"));
}

TEST_CASE("Longer intervals fold the base bars", "[ingest][candles]") {
  CandleHistory history;
  for (int minute = 0; minute < 10; ++minute) {
    history.record(trade(std::to_string(100 + minute), kT0 + minute * kMinute));
  }
  std::vector<Candle> five = history.bars("AAPL", CandleInterval::five_minutes, 100);
  // Count the 5-minute periods the ten minutes touch.
  std::size_t expected = 0;
  TimestampMs last_bucket = -1;
  for (int minute = 0; minute < 10; ++minute) {
    TimestampMs bucket = (kT0 + minute * kMinute) / (5 * kMinute);
    if (bucket != last_bucket) ++expected;
    last_bucket = bucket;
  }
  REQUIRE(five.size() == expected);
  CHECK(five.front().open == p("100"));
  CHECK(five.back().close == p("109"));
  std::int64_t volume = 0;
  for (const Candle& bar : five) volume += bar.volume;
  CHECK(volume == 10);
  CHECK(history.bars("AAPL", CandleInterval::one_minute, 3).size() == 3);
  CHECK(history.bars("AAPL", CandleInterval::one_minute, 3).back().close == p("109"));
}

TEST_CASE("A late quote joins its bar and does not move the close", "[ingest][candles]") {
  CandleHistory history;
  history.record(trade("10", kT0));
  history.record(trade("11", kT0 + kMinute));
  history.record(trade("20", kT0 + 30'000));  // late, for the first minute
  std::vector<Candle> bars = history.bars("AAPL", CandleInterval::one_minute, 10);
  REQUIRE(bars.size() == 2);
  CHECK(bars[0].high == p("20"));
  CHECK(bars[0].close == p("10"));
  CHECK(bars[1].close == p("11"));
}

TEST_CASE("A late quote for an earlier period gets its own bar, in order", "[ingest][candles]") {
  CandleHistory history;
  history.record(trade("12", kT0 + 3 * kMinute));
  history.record(trade("10", kT0));
  history.record(trade("11", kT0 + kMinute));
  std::vector<Candle> bars = history.bars("AAPL", CandleInterval::one_minute, 10);
  REQUIRE(bars.size() == 3);
  CHECK(bars[0].start_ms == kT0);
  CHECK(bars[1].start_ms == kT0 + kMinute);
  CHECK(bars[2].close == p("12"));
}

TEST_CASE("The rings keep only the newest bars", "[ingest][candles]") {
  CandleHistory history;
  const std::size_t minutes = CandleHistory::kCoarseBars + 20;
  for (std::size_t i = 0; i < minutes; ++i) {
    history.record(trade("10", kT0 + static_cast<TimestampMs>(i) * kMinute));
  }
  std::vector<Candle> bars = history.bars("AAPL", CandleInterval::one_minute, 10'000);
  CHECK(bars.size() == CandleHistory::kCoarseBars);
  CHECK(bars.back().start_ms == kT0 + static_cast<TimestampMs>(minutes - 1) * kMinute);
  CHECK(history.bars("AAPL", CandleInterval::five_seconds, 10'000).size() ==
        CandleHistory::kFineBars);
  // A quote older than the ring is dropped rather than growing it.
  history.record(trade("99", kT0));
  CHECK(history.bars("AAPL", CandleInterval::one_minute, 10'000).front().high == p("10"));
}

TEST_CASE("Symbols beyond the limit are not tracked, and counted", "[ingest][candles]") {
  CandleHistory history(2);
  history.record(Quote::trade("A", p("1"), 1, kT0));
  history.record(Quote::trade("B", p("1"), 1, kT0));
  history.record(Quote::trade("C", p("1"), 1, kT0));
  CHECK(history.symbol_count() == 2);
  CHECK(history.untracked_quotes() == 1);
  CHECK(history.bars("C", CandleInterval::one_minute, 10).empty());
  CHECK(history.bars("A", CandleInterval::one_minute, 10).size() == 1);
}

TEST_CASE("Interval names parse and print", "[ingest][candles]") {
  for (std::string_view name : {"5s", "15s", "1m", "5m", "15m", "1h"}) {
    std::optional<CandleInterval> parsed = parse_candle_interval(name);
    REQUIRE(parsed);
    CHECK(candle_interval_name(*parsed) == name);
  }
  CHECK_FALSE(parse_candle_interval("2m"));
  CHECK_FALSE(parse_candle_interval(""));
  CHECK(candle_interval_ms(CandleInterval::one_hour) == 3'600'000);
}
