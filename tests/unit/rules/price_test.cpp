#include <catch2/catch.hpp>

#include "rules/price.hpp"

using bw::Price;

TEST_CASE("A price parsed from text equals the same price from a double", "[rules]") {
  REQUIRE(Price::parse("150.10") == Price::from_double(150.1));
}
