// Specification of bw::SortedEntries against a std::multiset on random
// operations: inserts, erasures (present and absent), and range queries.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "rules/sorted_entries.hpp"

using namespace bw;

TEST_CASE("SortedEntries answers ranges like a multiset through merges and compactions",
          "[rules]") {
  std::mt19937_64 rng(7);
  auto between = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  SortedEntries entries;
  std::multiset<std::pair<std::int64_t, std::int64_t>> model;
  for (int step = 0; step < 30'000; ++step) {
    const std::int64_t op = between(0, 9);
    const std::int64_t units = between(0, 200);
    const std::int64_t id = between(1, 300);
    if (op < 4) {
      entries.insert(Price::from_units(units), id);
      model.insert({units, id});
    } else if (op < 7) {
      auto it = model.find({units, id});
      const bool present = it != model.end();
      if (present) model.erase(it);
      REQUIRE(entries.erase(Price::from_units(units), id) == present);
    } else {
      const std::int64_t from = between(-5, 205);
      const std::int64_t to = between(-5, 205);
      std::vector<std::int64_t> got;
      entries.for_range(from, to, [&](std::int64_t hit) { got.push_back(hit); });
      std::vector<std::int64_t> want;
      for (const auto& [u, i] : model)
        if (u >= from && u < to) want.push_back(i);
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      REQUIRE(got == want);
    }
    REQUIRE(entries.size() == model.size());
  }
}

TEST_CASE("an empty or inverted range visits nothing", "[rules]") {
  SortedEntries entries;
  entries.insert(Price::from_units(5), 1);
  int visits = 0;
  entries.for_range(6, 6, [&](std::int64_t) { ++visits; });
  entries.for_range(9, 1, [&](std::int64_t) { ++visits; });
  CHECK(visits == 0);
  entries.for_range(5, 6, [&](std::int64_t) { ++visits; });
  CHECK(visits == 1);
  CHECK(entries.erase(Price::from_units(5), 1));
  CHECK(entries.empty());
}
