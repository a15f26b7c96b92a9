// Specification of bw::SimulatedMarket: a seeded, deterministic demo market.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "ingest/simulated_market.hpp"

using namespace bw;

namespace {

constexpr TimestampMs kStart = 1'764'169'200'000;

// Every quote of `steps` steps of 250 ms, in order.
std::vector<RawQuote> run(SimulatedMarket& market, int steps) {
  std::vector<RawQuote> out;
  for (int i = 0; i < steps; ++i) market.step(kStart + i * 250, 0.25, out);
  return out;
}

std::vector<RawQuote> run(std::uint64_t seed, int steps) {
  SimulatedMarket market(seed, 60.0);
  return run(market, steps);
}

bool same(const RawQuote& a, const RawQuote& b) {
  return a.symbol == b.symbol && a.price == b.price && a.volume == b.volume && a.ts_ms == b.ts_ms;
}

bool same(const std::vector<RawQuote>& a, const std::vector<RawQuote>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the same seed produces an identical quote stream", "[ingest]") {
  std::vector<RawQuote> first = run(42, 200);
  std::vector<RawQuote> second = run(42, 200);
  REQUIRE_FALSE(first.empty());
  CHECK(same(first, second));
}

TEST_CASE("a different seed produces a different quote stream", "[ingest]") {
  CHECK_FALSE(same(run(42, 50), run(43, 50)));
}

TEST_CASE("simulated prices stay positive and are rounded to the cent", "[ingest]") {
  for (const RawQuote& quote : run(7, 400)) {
    INFO(quote.symbol << " " << quote.price);
    REQUIRE(quote.price > 0);
    const double cents = quote.price * 100.0;
    REQUIRE(std::fabs(cents - std::round(cents)) < 1e-6);
  }
}

TEST_CASE("a very volatile cheap ticker never falls below one cent", "[ingest]") {
  SimulatedMarket market(3, 1e6, {SimulatedTicker{"PENNY", 0.02, 5.0}});
  std::vector<RawQuote> quotes = run(market, 300);
  REQUIRE_FALSE(quotes.empty());
  for (const RawQuote& quote : quotes) REQUIRE(quote.price >= 0.01);
}

TEST_CASE("about three in four tickers trade per step over many steps", "[ingest]") {
  SimulatedMarket market(11, 60.0);
  constexpr int kSteps = 400;
  std::vector<RawQuote> quotes = run(market, kSteps);
  const double share = static_cast<double>(quotes.size()) / (kSteps * market.ticker_count());
  CHECK(share == Approx(0.75).margin(0.03));
}

TEST_CASE("simulated quotes carry the step time, a known ticker and a volume of 1 to 500",
          "[ingest]") {
  std::set<std::string> known;
  for (const SimulatedTicker& ticker : default_tickers()) known.insert(ticker.symbol);

  SimulatedMarket market(5, 60.0);
  std::vector<RawQuote> out;
  market.step(kStart, 0.25, out);
  REQUIRE_FALSE(out.empty());
  for (const RawQuote& quote : out) {
    CHECK(known.count(quote.symbol) == 1);
    REQUIRE(quote.volume.has_value());
    CHECK(*quote.volume >= 1);
    CHECK(*quote.volume <= 500);
    REQUIRE(quote.ts_ms.has_value());
    CHECK(*quote.ts_ms == kStart);
  }
}

TEST_CASE("every simulated quote passes quote validation", "[ingest]") {
  for (const RawQuote& quote : run(9, 100)) {
    Result<Quote> valid = validate_quote(quote, *quote.ts_ms);
    INFO(quote.symbol << ": " << (valid ? "" : valid.error()));
    REQUIRE(valid.ok());
  }
}

TEST_CASE("the default market has about fifty distinct tickers", "[ingest]") {
  const std::vector<SimulatedTicker>& tickers = default_tickers();
  std::set<std::string> symbols;
  for (const SimulatedTicker& ticker : tickers) symbols.insert(ticker.symbol);
  CHECK(symbols.size() == tickers.size());
  CHECK(tickers.size() >= 40);
  CHECK(SimulatedMarket(1, 60.0).ticker_count() == tickers.size());
}

TEST_CASE("a market restricted to given tickers quotes only those", "[ingest]") {
  SimulatedMarket market(1, 60.0, {{"AAA", 10.0, 0.2}, {"BBB", 20.0, 0.2}});
  CHECK(market.ticker_count() == 2);
  for (const RawQuote& quote : run(market, 50)) {
    CHECK((quote.symbol == "AAA" || quote.symbol == "BBB"));
  }
}

TEST_CASE("the US regular session runs 9:30 to 16:00 New York time on weekdays", "[ingest]") {
  // 2025-11-26 is a Wednesday in standard time (UTC-5): the session opens at 14:30Z.
  CHECK(us_session_minute(1'764'167'400'000) == 0);   // 14:30Z
  CHECK(us_session_minute(kStart) == 30);             // 15:00Z
  CHECK(us_session_minute(1'764'167'399'000) == -1);  // 14:29:59Z
  CHECK(us_session_minute(1'764'190'800'000) == -1);  // 21:00Z = 16:00 ET
  CHECK(us_session_minute(1'764'428'400'000) == -1);  // Saturday 2025-11-29 15:00Z
  // 2025-07-02 is in daylight saving time (UTC-4): the open is 13:30Z.
  CHECK(us_session_minute(1'751'463'000'000) == 0);
}

TEST_CASE("intraday volatility is a U: high at the open and close, low at midday", "[ingest]") {
  CHECK(intraday_volatility(0) == Approx(2.4));
  CHECK(intraday_volatility(195) == Approx(0.6));
  CHECK(intraday_volatility(390) == Approx(2.4));
  CHECK(intraday_volatility(60) > intraday_volatility(150));
}

TEST_CASE("outside the session a session-aware market is quiet", "[ingest]") {
  constexpr TimestampMs kNight = 1'764'129'600'000;  // 2025-11-26T04:00Z
  SimulatedMarket quiet(11, 60.0);
  quiet.set_always_open(false);
  SimulatedMarket open(11, 60.0);
  std::vector<RawQuote> night_quotes, open_quotes;
  for (int i = 0; i < 400; ++i) {
    quiet.step(kNight + i * 250, 0.25, night_quotes);
    open.step(kNight + i * 250, 0.25, open_quotes);
  }
  const double steps = 400.0 * quiet.ticker_count();
  CHECK(night_quotes.size() / steps == Approx(0.05).margin(0.02));
  CHECK(open_quotes.size() / steps == Approx(0.75).margin(0.03));
}

TEST_CASE("simulated quotes carry a bid and ask around the price", "[ingest]") {
  for (const RawQuote& quote : run(13, 50)) {
    REQUIRE(quote.bid.has_value());
    REQUIRE(quote.ask.has_value());
    CHECK(*quote.bid <= quote.price);
    CHECK(*quote.ask >= quote.price);
    CHECK(*quote.ask - *quote.bid >= 0.0099);
  }
}
