// ThresholdIndex: the armed thresholds of one symbol, ordered by price, so a
// quote finds the alerts it fires in O(log n + k) instead of scanning them all.
//
//   ThresholdIndex index;
//   index.insert(42, Condition{ConditionType::crossing_up, *Price::parse("150")});
//   index.collect(previous_price, quote, hits);   // hits gets {42, Direction::up}
//
// The firing rules are those documented in condition.hpp. A `crossing` alert
// sits on both line sets and may be reported twice for one quote; the caller
// de-duplicates. Alerts waiting to re-arm (trigger_policy.hpp) sit on two more
// sets, keyed by the level the price must reach. Not thread-safe: owned by one engine shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "rules/condition.hpp"
#include "rules/quote.hpp"
#include "rules/sorted_entries.hpp"

namespace bw {

// Entries are 32-bit ids the owner chooses (the engine's alert slots).
using EntryId = std::uint32_t;

struct ThresholdHit {
  EntryId id;
  Direction direction;
};

class ThresholdIndex {
 public:
  void insert(EntryId id, const Condition& condition);
  void erase(EntryId id, const Condition& condition);
  // A fired alert waiting for low <= level (below) or high >= level (above).
  void insert_rearm(EntryId id, Price level, RearmWait wait);
  void erase_rearm(EntryId id, Price level, RearmWait wait);
  bool empty() const;

  // Appends every alert that the move from `previous` through `quote` fires.
  void collect(std::optional<Price> previous, const Quote& quote,
               std::vector<ThresholdHit>& hits) const;
  // True when no quote whose prices (and previous price) all lie in
  // [floor, ceiling] can fire or re-arm anything: the engine then skips the
  // index. Recomputed by refresh_quiet_band() around a price; any insert or
  // erase empties it.
  bool quiet(std::optional<Price> previous, const Quote& quote) const;
  void refresh_quiet_band(Price price);
  // The band refresh_quiet_band() found, in price units; floor > ceiling when empty.
  std::int64_t quiet_floor() const { return quiet_floor_; }
  std::int64_t quiet_ceiling() const { return quiet_ceiling_; }
  // Heap bytes held by the line sets (the inside_channel tree not included).
  std::size_t capacity_bytes() const;

  // Appends the waiting alerts that `quote` re-arms.
  void collect_rearms(const Quote& quote, std::vector<EntryId>& rearmed) const;

 private:
  using Entries = SortedEntries;

  Entries above_;       // fires when high > T
  Entries below_;       // fires when low < T
  Entries up_lines_;    // fires when min(previous, low) < T <= high
  Entries down_lines_;  // fires when low <= T < max(previous, high)
  // inside_channel: (lower, id, upper); fires when lower <= high and upper >= low.
  // Scanned from the lowest lower edge up to the high (see docs/RULES.md,
  // known limitations): channels wholly below the price are visited.
  std::set<std::tuple<Price, EntryId, Price>> inside_;
  // The quiet band, in price units; empty (floor > ceiling) until refreshed.
  std::int64_t quiet_floor_ = 1;
  std::int64_t quiet_ceiling_ = 0;
  Entries rearm_below_;  // re-arms when low <= level
  Entries rearm_above_;  // re-arms when high >= level
};

}  // namespace bw
