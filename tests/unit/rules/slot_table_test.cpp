// Specification of bw::SlotTable against a std::unordered_map on random
// inserts, lookups and erasures (backward-shift deletion, 1.5x growth).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include "rules/slot_table.hpp"

using namespace bw;

TEST_CASE("SlotTable finds what a map finds through growth and churn", "[rules]") {
  std::mt19937_64 rng(11);
  std::vector<std::int64_t> keys;  // by slot; 0: free
  std::unordered_map<std::int64_t, std::uint32_t> model;
  const auto key_of = [&keys](std::uint32_t slot) { return keys[slot]; };
  SlotTable table;
  for (int step = 0; step < 200'000; ++step) {
    // Sequential-looking keys with some far apart (past 32 bits).
    const std::int64_t key =
        static_cast<std::int64_t>(rng() % 20'000) + (rng() % 4 == 0 ? (std::int64_t{1} << 40) : 1);
    const bool present = model.count(key) != 0;
    if (rng() % 3 != 0 && !present) {
      keys.push_back(key);
      const auto slot = static_cast<std::uint32_t>(keys.size() - 1);
      table.insert(key, slot, key_of);
      model[key] = slot;
    } else if (present && rng() % 2 == 0) {
      REQUIRE(table.erase(key, key_of));
      model.erase(key);
    } else {
      const std::uint32_t want = present ? model.at(key) : SlotTable::kNone;
      REQUIRE(table.find(key, key_of) == want);
      if (!present) REQUIRE_FALSE(table.erase(key, key_of));
    }
    REQUIRE(table.size() == model.size());
  }
  for (const auto& [key, slot] : model) REQUIRE(table.find(key, key_of) == slot);
  // At most 3/4 full, at least 1/2 after the last growth (up to churn).
  CHECK(table.capacity_bytes() >= model.size() * 4 * 4 / 3);
}
