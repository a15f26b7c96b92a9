// Specification of bw::QuoteNormalizer: aliases, validation, skew, and the
// per-symbol duplicate and out-of-order checks, each refusal counted by reason.
#include <catch2/catch.hpp>

#include "ingest/quote_normalizer.hpp"
#include "ingest/rate_limited_log.hpp"

using namespace bw;
using namespace std::chrono_literals;

namespace {

constexpr TimestampMs kNow = 1'700'000'000'000;

RawQuote raw(std::string symbol, double price, TimestampMs ts, std::int64_t volume = 1) {
  RawQuote q;
  q.symbol = std::move(symbol);
  q.price = price;
  q.ts_ms = ts;
  q.volume = volume;
  return q;
}

std::uint64_t rejected(const SourceMonitor& monitor, const std::string& reason) {
  SourceHealth h = monitor.snapshot(kNow, 10s);
  auto it = h.rejected_by_reason.find(reason);
  return it == h.rejected_by_reason.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("an alias maps the source's symbol, matched case-insensitively", "[ingest]") {
  SourceMonitor monitor("poly", "polygon_ws");
  NormalizerOptions options;
  options.aliases = {{"BRK-B", "BRK.B"}};
  QuoteNormalizer normalizer("poly", options, monitor);
  Result<Quote> q = normalizer.normalize(raw("brk-b", 462.5, kNow), kNow);
  REQUIRE(q.ok());
  CHECK(q->symbol == "BRK.B");
  Result<Quote> plain = normalizer.normalize(raw("aapl", 150, kNow), kNow);
  REQUIRE(plain.ok());
  CHECK(plain->symbol == "AAPL");
}

TEST_CASE("an alias may map a symbol our rules would refuse", "[ingest]") {
  SourceMonitor monitor("file", "replay");
  NormalizerOptions options;
  options.aliases = {{"AAPL US", "AAPL"}};
  QuoteNormalizer normalizer("file", options, monitor);
  Result<Quote> q = normalizer.normalize(raw("aapl us", 150, kNow), kNow);
  REQUIRE(q.ok());
  CHECK(q->symbol == "AAPL");
}

TEST_CASE("an invalid quote is refused and counted by its reason", "[ingest]") {
  SourceMonitor monitor("s", "replay");
  QuoteNormalizer normalizer("s", {}, monitor);
  Result<Quote> q = normalizer.normalize(raw("AAPL", -1, kNow), kNow, std::nullopt, "line 3");
  REQUIRE_FALSE(q.ok());
  CHECK(q.error() == "price: must be greater than zero");
  CHECK(rejected(monitor, "price: must be greater than zero") == 1);
  CHECK(monitor.snapshot(kNow, 10s).rejected == 1);
}

TEST_CASE("bid above ask is refused", "[ingest]") {
  SourceMonitor monitor("s", "replay");
  QuoteNormalizer normalizer("s", {}, monitor);
  RawQuote q = raw("AAPL", 150, kNow);
  q.bid = 150.2;
  q.ask = 150.1;
  CHECK(normalizer.normalize(q, kNow).error() == "bid: must not be above ask");
  CHECK(rejected(monitor, "bid: must not be above ask") == 1);
}

TEST_CASE("max_skew bounds how far in the future a tick may be stamped", "[ingest]") {
  SourceMonitor monitor("s", "replay");
  NormalizerOptions options;
  options.max_skew = 2s;
  QuoteNormalizer normalizer("s", options, monitor);
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow + 2000), kNow).ok());
  Result<Quote> late = normalizer.normalize(raw("MSFT", 150, kNow + 2001), kNow);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error() == "ts: is more than 2 s in the future");
}

TEST_CASE("a repeated tick is a duplicate and an older one is out of order", "[ingest]") {
  SourceMonitor monitor("s", "replay");
  QuoteNormalizer normalizer("s", {}, monitor);
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow).ok());
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow).error() == "duplicate");
  CHECK(normalizer.normalize(raw("AAPL", 151, kNow - 20), kNow).error() == "out of order");
  // Same time, another price: a second trade in the same millisecond.
  CHECK(normalizer.normalize(raw("AAPL", 150.5, kNow - 10), kNow).ok());
  // Other symbols keep their own order.
  CHECK(normalizer.normalize(raw("MSFT", 400, kNow - 30), kNow).ok());
  CHECK(rejected(monitor, "duplicate") == 1);
  CHECK(rejected(monitor, "out of order") == 1);
}

TEST_CASE("a sequence number decides order when the source has one", "[ingest]") {
  SourceMonitor monitor("poly", "polygon_ws");
  QuoteNormalizer normalizer("poly", {}, monitor);
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow, 100).ok());
  // Same event time and price, a new sequence: a distinct trade.
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow, 105).ok());
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow, 105).error() == "duplicate");
  CHECK(normalizer.normalize(raw("AAPL", 151, kNow - 5), kNow, 101).error() == "out of order");
  // Gaps are fine: q increases but is not contiguous.
  CHECK(normalizer.normalize(raw("AAPL", 151, kNow - 5), kNow, 900).ok());
}

TEST_CASE("the ordering checks can be switched off per source", "[ingest]") {
  SourceMonitor monitor("s", "replay");
  NormalizerOptions options;
  options.drop_duplicates = false;
  options.drop_out_of_order = false;
  QuoteNormalizer normalizer("s", options, monitor);
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow).ok());
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow).ok());
  CHECK(normalizer.normalize(raw("AAPL", 149, kNow - 50), kNow).ok());
  // The late tick did not move the clock back: a tick between is still accepted.
  CHECK(normalizer.normalize(raw("AAPL", 149, kNow - 30), kNow).ok());
  CHECK(monitor.snapshot(kNow, 10s).rejected == 0);
}

TEST_CASE("reset forgets the ordering, so a replay can start over", "[ingest]") {
  SourceMonitor monitor("s", "replay");
  QuoteNormalizer normalizer("s", {}, monitor);
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow).ok());
  normalizer.reset();
  CHECK(normalizer.normalize(raw("AAPL", 150, kNow - 10), kNow).ok());
}

TEST_CASE("the tracked-symbol bound clears the state instead of growing", "[ingest]") {
  SourceMonitor monitor("s", "replay");
  NormalizerOptions options;
  options.max_tracked_symbols = 2;
  QuoteNormalizer normalizer("s", options, monitor);
  CHECK(normalizer.normalize(raw("A", 1, kNow - 10), kNow).ok());
  CHECK(normalizer.normalize(raw("B", 1, kNow - 10), kNow).ok());
  CHECK(normalizer.normalize(raw("C", 1, kNow - 10), kNow).ok());  // clears A and B
  CHECK(normalizer.normalize(raw("A", 1, kNow - 10), kNow).ok());  // forgotten: accepted
  CHECK(normalizer.normalize(raw("A", 1, kNow - 10), kNow).error() == "duplicate");
}

TEST_CASE("reject counts a frame that never became a quote", "[ingest]") {
  SourceMonitor monitor("s", "tcp_ndjson");
  QuoteNormalizer normalizer("s", {}, monitor);
  normalizer.reject("malformed json", "line 4", kNow);
  CHECK(rejected(monitor, "malformed json") == 1);
}

TEST_CASE("a rate-limited log lets a burst through per window and counts the rest", "[ingest]") {
  RateLimitedLog log("ingest", 10s, 2);
  std::uint64_t suppressed = 99;
  CHECK(log.allow(1000, suppressed));
  CHECK(suppressed == 0);
  CHECK(log.allow(2000, suppressed));
  CHECK_FALSE(log.allow(3000, suppressed));
  CHECK_FALSE(log.allow(4000, suppressed));
  CHECK(log.suppressed_total() == 2);
  CHECK(log.allow(11000, suppressed));  // a new window
  CHECK(suppressed == 2);               // reported once
  CHECK(log.allow(12000, suppressed));
  CHECK(suppressed == 0);
}
