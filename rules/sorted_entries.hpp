// SortedEntries: a compact ordered multiset of (price, alert id) pairs, the
// building block of ThresholdIndex. A flat vector sorted by price (16 bytes an
// entry, binary-searched, scanned sequentially) plus a small unsorted buffer
// of recent inserts; erasures leave tombstones that a compaction removes once
// they are half the vector. Inserts and erasures cost amortised
// O(n / kMaxPending) moves; a range query costs O(log d + k + pending), where
// d is the distance from the previous query's position: searches gallop from
// a remembered position, and a random-walking price stays near it, so the
// probes stay in cache even when n is large.
//
//   SortedEntries lines;
//   lines.insert(price, 42);
//   lines.for_range(from_units, to_units, [](AlertId id) { ... });  // from <= price < to
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
  using Id = std::int64_t;
  // Inserts beyond this many are merged into the sorted vector.
  static constexpr std::size_t kMaxPending = 32;

  void insert(Price price, Id id);
  // Removes one (price, id) entry; false when there is none.
  bool erase(Price price, Id id);
  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Heap bytes held (capacity, not size), for the memory benchmark.
  std::size_t capacity_bytes() const {
    return (sorted_.capacity() + pending_.capacity()) * sizeof(Entry);
  }

  // The largest live price < `units`, and the smallest live price >= `units`;
  // empty when there is none. Used to bound a quiet band around the price.
  std::optional<std::int64_t> last_below(std::int64_t units) const;
  std::optional<std::int64_t> first_at_or_above(std::int64_t units) const;

  // Calls visit(id) for every entry with from <= price.units() < to.
  template <typename Visit>
  void for_range(std::int64_t from, std::int64_t to, Visit&& visit) const {
    if (from >= to || live_ == 0) return;
    const std::size_t start =
        from == std::numeric_limits<std::int64_t>::min() ? 0 : lower_bound_near(from);
    for (std::size_t i = start; i < sorted_.size() && sorted_[i].units < to; ++i) {
      if (sorted_[i].id != kTombstone) visit(sorted_[i].id);
    }
    for (const Entry& entry : pending_) {
      if (entry.units >= from && entry.units < to) visit(entry.id);
    }
  }

 private:
  struct Entry {
    std::int64_t units;
    Id id;
  };
  static constexpr Id kTombstone = std::numeric_limits<Id>::min();

  std::size_t lower_bound(std::int64_t units) const;
  // lower_bound by galloping out from hint_, then remembering the answer.
  std::size_t lower_bound_near(std::int64_t units) const;
  void merge_pending();
  void compact();

  std::vector<Entry> sorted_;   // by units; ties in any order; may hold tombstones
  std::vector<Entry> pending_;  // unsorted, at most kMaxPending
  std::size_t dead_ = 0;        // tombstones in sorted_
  std::size_t live_ = 0;
  mutable std::size_t hint_ = 0;  // where the last search ended
};

}  // namespace bw
