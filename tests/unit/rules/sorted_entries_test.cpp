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

TEST_CASE("SortedEntries keeps its answers through shrink_to_fit, copies and moves", "[rules]") {
  SortedEntries entries;
  CHECK(entries.capacity_bytes() == 0);  // an empty set holds no block
  for (std::uint32_t i = 0; i < 1000; ++i) entries.insert(Price::from_units(i % 97), i);
  for (std::uint32_t i = 0; i < 1000; i += 3) CHECK(entries.erase(Price::from_units(i % 97), i));
  const std::size_t before = entries.capacity_bytes();
  entries.shrink_to_fit();
  CHECK(entries.capacity_bytes() <= before);
  auto ids_in = [](const SortedEntries& set, std::int64_t from, std::int64_t to) {
    std::vector<std::uint32_t> ids;
    set.for_range(from, to, [&](std::uint32_t id) { ids.push_back(id); });
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  std::vector<std::uint32_t> want;
  for (std::uint32_t i = 0; i < 1000; ++i)
    if (i % 3 != 0 && i % 97 >= 10 && i % 97 < 20) want.push_back(i);
  CHECK(ids_in(entries, 10, 20) == want);
  entries.insert(Price::from_units(15), 5000);  // grows again after the trim
  want.push_back(5000);
  const SortedEntries copy = entries;
  CHECK(ids_in(copy, 10, 20) == want);
  SortedEntries moved = std::move(entries);
  CHECK(ids_in(moved, 10, 20) == want);
  CHECK(moved.size() == copy.size());
  for (std::uint32_t i = 0; i < 1000; ++i)
    if (i % 3 != 0) CHECK(moved.erase(Price::from_units(i % 97), i));
  CHECK(moved.erase(Price::from_units(15), 5000));
  CHECK(moved.empty());
  moved.shrink_to_fit();
  CHECK(moved.capacity_bytes() == 0);
  CHECK_FALSE(moved.first_at_or_above(0).has_value());
}
