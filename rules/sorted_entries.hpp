// SortedEntries: a compact ordered multiset of (price, entry id) pairs, the
// building block of ThresholdIndex. Two flat arrays sorted by price, kept
// apart so a search touches only prices: `units_` (8 bytes an entry) and
// `ids_` (4 bytes an entry, a 32-bit slot the owner chooses). Recent inserts
// wait in a small *sorted* buffer of at most max(16, sqrt(n)) entries, so an
// insert moves O(sqrt n) entries, amortised; erasures leave tombstones that a
// compaction removes once they are half the array. A range query costs
// O(log d + log p + k), where d is the distance from the previous query's
// position (searches gallop from a remembered position; a random-walking
// price stays near it, so the probes stay in cache even when n is large) and
// p the buffer's size. Arrays grow by about 1.25x, not 2x, to bound slack.
//
//   SortedEntries lines;
//   lines.insert(price, 42);
//   lines.for_range(from_units, to_units, [](std::uint32_t id) { ... });  // from <= price < to
//   lines.erase(price, 42);
//
// Order of a range's ids is unspecified. Not thread-safe: owned by one index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "rules/price.hpp"

namespace bw {

class SortedEntries {
 public:
  using Id = std::uint32_t;
  // The smallest bound on the sorted insert buffer; it grows to sqrt(n).
  static constexpr std::size_t kMinPending = 16;
  // Reserved: never a valid entry id.
  static constexpr Id kTombstone = std::numeric_limits<Id>::max();

  void insert(Price price, Id id);
  // Removes one (price, id) entry; false when there is none.
  bool erase(Price price, Id id);
  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Heap bytes held (capacity, not size).
  std::size_t capacity_bytes() const {
    return units_.capacity() * sizeof(std::int64_t) + ids_.capacity() * sizeof(Id) +
           pending_units_.capacity() * sizeof(std::int64_t) + pending_ids_.capacity() * sizeof(Id);
  }

  // The largest live price < `units`, and the smallest live price >= `units`;
  // empty when there is none. Used to bound a quiet band around the price.
  std::optional<std::int64_t> last_below(std::int64_t units) const;
  std::optional<std::int64_t> first_at_or_above(std::int64_t units) const;

  // Calls visit(id) for every entry with from <= price.units() < to.
  template <typename Visit>
  void for_range(std::int64_t from, std::int64_t to, Visit&& visit) const {
    if (from >= to || live_ == 0) return;
    const std::size_t n = units_.size();
    std::size_t i = from == std::numeric_limits<std::int64_t>::min() ? 0 : lower_bound_near(from);
    for (; i < n && units_[i] < to; ++i) {
      if (ids_[i] != kTombstone) visit(ids_[i]);
    }
    const std::size_t p = pending_units_.size();
    for (std::size_t j = pending_lower_bound(from); j < p && pending_units_[j] < to; ++j) {
      visit(pending_ids_[j]);
    }
  }

 private:
  // lower_bound by galloping out from hint_, then remembering the answer.
  std::size_t lower_bound_near(std::int64_t units) const;
  std::size_t pending_lower_bound(std::int64_t units) const;
  std::size_t max_pending() const;
  void merge_pending();
  void compact();

  std::vector<std::int64_t> units_;          // sorted; ties in any order
  std::vector<Id> ids_;                      // parallel to units_; kTombstone when erased
  std::vector<std::int64_t> pending_units_;  // sorted, at most max_pending()
  std::vector<Id> pending_ids_;              // parallel to pending_units_
  std::size_t dead_ = 0;                     // tombstones in ids_
  std::size_t live_ = 0;
  mutable std::size_t hint_ = 0;  // where the last search ended
};

}  // namespace bw
