// Specification of bw::validate_quote: untrusted quotes in, a Quote or the
// name of the bad field out.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "ingest/quote_validation.hpp"

using namespace bw;

namespace {

constexpr TimestampMs kNow = 1'764'169'200'000;  // 2025-11-26T15:00:00Z

RawQuote raw(std::string symbol, double price, std::optional<std::int64_t> volume = 100,
             std::optional<TimestampMs> ts = std::nullopt) {
  RawQuote quote;
  quote.symbol = std::move(symbol);
  quote.price = price;
  quote.volume = volume;
  quote.ts_ms = ts;
  return quote;
}

}  // namespace

TEST_CASE("a valid quote becomes a single trade with the symbol upper-cased", "[ingest]") {
  Result<Quote> quote = validate_quote(raw("brk.b", 462.7, 300, kNow - 1000), kNow);
  REQUIRE(quote.ok());
  CHECK(quote->symbol == "BRK.B");
  CHECK(quote->price == *Price::parse("462.70"));
  CHECK(quote->open == quote->price);
  CHECK(quote->high == quote->price);
  CHECK(quote->low == quote->price);
  CHECK(quote->volume == 300);
  CHECK(quote->ts_ms == kNow - 1000);
}

TEST_CASE("a quote with an invalid symbol is rejected naming the symbol", "[ingest]") {
  for (const char* symbol : {"", " AAPL", "AA PL", "AAPL$", "ABCDEFGHIJKLMNOP"}) {
    Result<Quote> quote = validate_quote(raw(symbol, 100), kNow);
    INFO("symbol \"" << symbol << "\"");
    REQUIRE_FALSE(quote.ok());
    CHECK(quote.error().rfind("symbol:", 0) == 0);
  }
}

TEST_CASE("a quote with a non-finite price is rejected", "[ingest]") {
  for (double price :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    Result<Quote> quote = validate_quote(raw("AAPL", price), kNow);
    REQUIRE_FALSE(quote.ok());
    CHECK(quote.error() == "price: must be a finite number");
  }
}

TEST_CASE("a quote with a zero or negative price is rejected", "[ingest]") {
  for (double price : {0.0, -0.0, -1.0, -150.25}) {
    Result<Quote> quote = validate_quote(raw("AAPL", price), kNow);
    INFO("price " << price);
    REQUIRE_FALSE(quote.ok());
    CHECK(quote.error() == "price: must be greater than zero");
  }
}

TEST_CASE("a quote whose price rounds to zero or is too large is out of range", "[ingest]") {
  for (double price : {1e-10, 1e11}) {
    Result<Quote> quote = validate_quote(raw("AAPL", price), kNow);
    INFO("price " << price);
    REQUIRE_FALSE(quote.ok());
    CHECK(quote.error() == "price: is out of range");
  }
}

TEST_CASE("a quote with a negative volume is rejected", "[ingest]") {
  Result<Quote> quote = validate_quote(raw("AAPL", 150, -1), kNow);
  REQUIRE_FALSE(quote.ok());
  CHECK(quote.error() == "volume: must not be negative");
}

TEST_CASE("a quote without a volume has volume zero", "[ingest]") {
  Result<Quote> quote = validate_quote(raw("AAPL", 150, std::nullopt), kNow);
  REQUIRE(quote.ok());
  CHECK(quote->volume == 0);
}

TEST_CASE("a quote without a timestamp is stamped with now", "[ingest]") {
  Result<Quote> quote = validate_quote(raw("AAPL", 150), kNow);
  REQUIRE(quote.ok());
  CHECK(quote->ts_ms == kNow);
}

TEST_CASE("a quote up to the allowed skew in the future is accepted", "[ingest]") {
  QuoteLimits limits;
  Result<Quote> quote = validate_quote(raw("AAPL", 150, 1, kNow + limits.max_future_skew_ms), kNow);
  REQUIRE(quote.ok());
  CHECK(quote->ts_ms == kNow + limits.max_future_skew_ms);
}

TEST_CASE("a quote stamped too far in the future is rejected naming ts", "[ingest]") {
  QuoteLimits limits;
  Result<Quote> quote =
      validate_quote(raw("AAPL", 150, 1, kNow + limits.max_future_skew_ms + 1), kNow);
  REQUIRE_FALSE(quote.ok());
  CHECK(quote.error() == "ts: is more than 300 s in the future");
}

TEST_CASE("the future skew limit is configurable", "[ingest]") {
  QuoteLimits strict{1000};
  CHECK(validate_quote(raw("AAPL", 150, 1, kNow + 1000), kNow, strict).ok());
  CHECK_FALSE(validate_quote(raw("AAPL", 150, 1, kNow + 1001), kNow, strict).ok());
}

TEST_CASE("a quote stamped at or before the epoch is rejected", "[ingest]") {
  for (TimestampMs ts : {TimestampMs{0}, TimestampMs{-1}}) {
    Result<Quote> quote = validate_quote(raw("AAPL", 150, 1, ts), kNow);
    REQUIRE_FALSE(quote.ok());
    CHECK(quote.error().rfind("ts:", 0) == 0);
  }
}

TEST_CASE("a quote price is rounded to the nearest 1e-8", "[ingest]") {
  Result<Quote> quote = validate_quote(raw("AAPL", 150.1), kNow);
  REQUIRE(quote.ok());
  CHECK(quote->price == *Price::parse("150.10"));
}

TEST_CASE("bid and ask are validated together and carried on the quote", "[ingest]") {
  RawQuote quote_in = raw("AAPL", 150.0, 10, kNow);
  quote_in.bid = 149.99;
  quote_in.ask = 150.01;
  quote_in.prev_close = 148.5;
  Result<Quote> q = validate_quote(quote_in, kNow);
  REQUIRE(q);
  CHECK(q->has_bid_ask());
  CHECK(q->bid == *Price::parse("149.99"));
  CHECK(q->ask == *Price::parse("150.01"));
  CHECK(q->prev_close == *Price::parse("148.5"));

  quote_in.ask.reset();
  CHECK(validate_quote(quote_in, kNow).error() == "ask: is required with bid");
  quote_in.ask = 149.0;
  CHECK(validate_quote(quote_in, kNow).error() == "bid: must not be above ask");
  quote_in.ask = 150.01;
  quote_in.prev_close = -1;
  CHECK(validate_quote(quote_in, kNow).error() == "prev_close: must be greater than zero");
}
