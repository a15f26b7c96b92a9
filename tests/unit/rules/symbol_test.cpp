// Specification of bw::normalize_symbol.
#include <catch2/catch.hpp>

#include <string>

#include "rules/symbol.hpp"

using bw::normalize_symbol;

TEST_CASE("normalize_symbol upper-cases lower-case letters", "[rules]") {
  auto symbol = normalize_symbol("aapl");
  REQUIRE(symbol.ok());
  REQUIRE(*symbol == "AAPL");
  REQUIRE(*normalize_symbol("Brk.b") == "BRK.B");
}

TEST_CASE("normalize_symbol keeps an already normal symbol unchanged", "[rules]") {
  REQUIRE(*normalize_symbol("AAPL") == "AAPL");
}

TEST_CASE("normalize_symbol allows letters, digits, dot, dash and slash", "[rules]") {
  for (const char* text : {"BRK.B", "BF-B", "BTC/USD", "7203", "A", "X1.Y-2/Z"}) {
    CAPTURE(text);
    auto symbol = normalize_symbol(text);
    REQUIRE(symbol.ok());
    REQUIRE(*symbol == text);
  }
}

TEST_CASE("normalize_symbol rejects an empty symbol", "[rules]") {
  auto symbol = normalize_symbol("");
  REQUIRE_FALSE(symbol.ok());
  REQUIRE(symbol.error().find("empty") != std::string::npos);
}

TEST_CASE("normalize_symbol accepts 15 characters and rejects 16", "[rules]") {
  REQUIRE(normalize_symbol(std::string(15, 'a')).ok());
  REQUIRE(*normalize_symbol(std::string(15, 'a')) == std::string(15, 'A'));
  auto too_long = normalize_symbol(std::string(16, 'A'));
  REQUIRE_FALSE(too_long.ok());
  REQUIRE(too_long.error().find("15") != std::string::npos);
}

TEST_CASE("normalize_symbol rejects spaces anywhere", "[rules]") {
  for (const char* text : {" AAPL", "AAPL ", "BRK B", " ", "\tAAPL", "AAPL\n"}) {
    CAPTURE(text);
    REQUIRE_FALSE(normalize_symbol(text).ok());
  }
}

TEST_CASE("normalize_symbol rejects punctuation other than dot, dash and slash", "[rules]") {
  for (const char* text : {"AAPL!", "BRK_B", "A+B", "A:B", "A,B", "A\\B", "$AAPL", "^GSPC", "A*",
                           "A'B", "A\"B", "A#", "A@B", "A=B", "A(B)"}) {
    CAPTURE(text);
    auto symbol = normalize_symbol(text);
    REQUIRE_FALSE(symbol.ok());
    REQUIRE(symbol.error().find("only") != std::string::npos);
  }
}

TEST_CASE("normalize_symbol rejects non-ASCII and control characters", "[rules]") {
  REQUIRE_FALSE(normalize_symbol("\xC3\x84PPL").ok());  // "ÄPPL" in UTF-8
  REQUIRE_FALSE(normalize_symbol(std::string("A\0B", 3)).ok());
  REQUIRE_FALSE(normalize_symbol("A\x7F").ok());
}
