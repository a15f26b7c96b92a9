// Specification of bw::Quote: single trades and conflated mini-bars.
#include <catch2/catch.hpp>

#include "rules/quote.hpp"

using bw::Price;
using bw::Quote;

namespace {

Price px(std::string_view text) {
  return *Price::parse(text);
}

}  // namespace

TEST_CASE("A single trade has open, high and low equal to its price", "[rules]") {
  const Quote quote = Quote::trade("AAPL", px("150.25"), 100, 1'000);
  REQUIRE(quote.symbol == "AAPL");
  REQUIRE(quote.price == px("150.25"));
  REQUIRE(quote.open == px("150.25"));
  REQUIRE(quote.high == px("150.25"));
  REQUIRE(quote.low == px("150.25"));
  REQUIRE(quote.volume == 100);
  REQUIRE(quote.ts_ms == 1'000);
}

TEST_CASE("Merging trades keeps the first open, the extremes and the last price", "[rules]") {
  Quote bar = Quote::trade("AAPL", px("150"), 10, 1'000);
  bar.merge(Quote::trade("AAPL", px("152"), 20, 1'001));
  bar.merge(Quote::trade("AAPL", px("148"), 30, 1'002));
  bar.merge(Quote::trade("AAPL", px("149"), 40, 1'003));
  REQUIRE(bar.open == px("150"));
  REQUIRE(bar.high == px("152"));
  REQUIRE(bar.low == px("148"));
  REQUIRE(bar.price == px("149"));
}

TEST_CASE("Merging sums the volumes", "[rules]") {
  Quote bar = Quote::trade("AAPL", px("150"), 10, 1'000);
  bar.merge(Quote::trade("AAPL", px("151"), 20, 1'001));
  REQUIRE(bar.volume == 30);
}

TEST_CASE("Merging keeps the latest timestamp even when updates arrive out of order", "[rules]") {
  Quote bar = Quote::trade("AAPL", px("150"), 1, 1'005);
  bar.merge(Quote::trade("AAPL", px("151"), 1, 1'002));
  REQUIRE(bar.ts_ms == 1'005);
  bar.merge(Quote::trade("AAPL", px("152"), 1, 1'009));
  REQUIRE(bar.ts_ms == 1'009);
}

TEST_CASE("Merging a mini-bar into a mini-bar keeps both bars' extremes", "[rules]") {
  Quote first = Quote::trade("AAPL", px("150"), 1, 1);
  first.merge(Quote::trade("AAPL", px("153"), 1, 2));
  Quote second = Quote::trade("AAPL", px("151"), 1, 3);
  second.merge(Quote::trade("AAPL", px("147"), 1, 4));
  second.merge(Quote::trade("AAPL", px("150.5"), 1, 5));
  first.merge(second);
  REQUIRE(first.open == px("150"));
  REQUIRE(first.high == px("153"));
  REQUIRE(first.low == px("147"));
  REQUIRE(first.price == px("150.5"));
  REQUIRE(first.ts_ms == 5);
}
