// Specification of bw::SymbolTable (rules/symbol_table.hpp).
#include <catch2/catch.hpp>

#include <string>

#include "rules/symbol_table.hpp"

using namespace bw;

namespace {
// "S" + std::to_string(i) trips GCC 12's false -Wrestrict (PR 105329); append instead.
std::string numbered_symbol(std::uint32_t i) {
  std::string text = "S";
  text += std::to_string(i);
  return text;
}
}  // namespace

TEST_CASE("SymbolTable finds every interned symbol through growth and nothing else", "[rules]") {
  SymbolTable table;
  for (std::uint32_t i = 0; i < 5'000; ++i) table.insert(numbered_symbol(i), i);
  for (std::uint32_t i = 0; i < 5'000; ++i) REQUIRE(table.find(numbered_symbol(i)) == i);
  CHECK(table.find("S5000") == SymbolTable::kNone);
  CHECK(table.find("") == SymbolTable::kNone);
  CHECK(table.find("S1 ") == SymbolTable::kNone);  // length is part of the key
}

TEST_CASE("SymbolTable tells apart symbols sharing a prefix, up to and past 16 bytes", "[rules]") {
  SymbolTable table;
  table.insert("ABCDEFGHIJKLMNOP", 1);   // 16 bytes: inline
  table.insert("ABCDEFGHIJKLMNOPQ", 2);  // 17 bytes: the long-text map
  table.insert("ABCDEFGH", 3);
  table.insert(std::string("AB\0C", 4), 4);
  CHECK(table.find("ABCDEFGHIJKLMNOP") == 1);
  CHECK(table.find("ABCDEFGHIJKLMNOPQ") == 2);
  CHECK(table.find("ABCDEFGH") == 3);
  CHECK(table.find(std::string("AB\0C", 4)) == 4);
  CHECK(table.find("AB") == SymbolTable::kNone);
  CHECK(table.find("ABCDEFGHIJKLMNO") == SymbolTable::kNone);
}
