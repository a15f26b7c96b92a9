// SortedEntries: a compact ordered multiset of (price, entry id) pairs, the
// building block of ThresholdIndex. One heap block per non-empty set holds a
// small header and two parallel arrays, kept apart so a search touches only
// prices: price units (8 bytes an entry) and ids (4 bytes an entry, a 32-bit
// slot the owner chooses). An empty set holds no block and costs one pointer.
// The arrays hold a sorted run followed by a small *sorted* run of recent
// inserts (at most max(16, sqrt(n)) entries), so an insert moves O(sqrt n)
// entries, amortised; erasures leave tombstones in the sorted run that a
// compaction removes once they are half of it. A range query costs
// O(log d + log p + k), where d is the distance from the previous query's
// position (searches gallop from a remembered position; a random-walking
// price stays near it, so the probes stay in cache even when n is large) and
// p the pending run's size. The block grows by about 1.25x, not 2x, to bound
// slack; shrink_to_fit() trims it to the entries held (after a bulk load).
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

#include "rules/price.hpp"

namespace bw {

class SortedEntries {
 public:
  using Id = std::uint32_t;
  // The smallest bound on the pending run; it grows to sqrt(n).
  static constexpr std::size_t kMinPending = 16;
  // Reserved: never a valid entry id.
  static constexpr Id kTombstone = std::numeric_limits<Id>::max();

  SortedEntries() = default;
  SortedEntries(const SortedEntries& other);
  SortedEntries& operator=(const SortedEntries& other);
  SortedEntries(SortedEntries&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  SortedEntries& operator=(SortedEntries&& other) noexcept;
  ~SortedEntries();

  void insert(Price price, Id id);
  // Removes one (price, id) entry; false when there is none.
  bool erase(Price price, Id id);
  bool empty() const { return size() == 0; }
  std::size_t size() const { return block_ == nullptr ? 0 : block_->live; }
  // Heap bytes held (the whole block: capacity, not size).
  std::size_t capacity_bytes() const {
    return block_ == nullptr ? 0 : block_bytes(block_->capacity);
  }
  // Drops the block's spare capacity (and the block when empty).
  void shrink_to_fit();

  // The largest live price < `units`, and the smallest live price >= `units`;
  // empty when there is none. Used to bound a quiet band around the price.
  std::optional<std::int64_t> last_below(std::int64_t units) const;
  std::optional<std::int64_t> first_at_or_above(std::int64_t units) const;

  // Calls visit(id) for every entry with from <= price.units() < to.
  template <typename Visit>
  void for_range(std::int64_t from, std::int64_t to, Visit&& visit) const {
    if (from >= to || empty()) return;
    const std::int64_t* units = units_of(block_);
    const Id* ids = ids_of(block_);
    const std::size_t n = block_->sorted;
    std::size_t i = from == std::numeric_limits<std::int64_t>::min() ? 0 : lower_bound_near(from);
    for (; i < n && units[i] < to; ++i) {
      if (ids[i] != kTombstone) visit(ids[i]);
    }
    const std::size_t end = n + block_->pending;
    for (std::size_t j = pending_lower_bound(from); j < end && units[j] < to; ++j) {
      visit(ids[j]);
    }
  }

 private:
  // The block: this header, then units[capacity], then ids[capacity]. The
  // sorted run is [0, sorted) (with `dead` tombstones), the pending run
  // [sorted, sorted + pending).
  struct Block {
    std::uint32_t capacity;
    std::uint32_t sorted;
    std::uint32_t pending;
    std::uint32_t dead;
    std::uint32_t live;
    std::uint32_t hint;  // where the last search ended
  };
  static_assert(sizeof(Block) % alignof(std::int64_t) == 0);

  static std::size_t block_bytes(std::size_t capacity) {
    return sizeof(Block) + capacity * (sizeof(std::int64_t) + sizeof(Id));
  }
  static std::int64_t* units_of(Block* block) { return reinterpret_cast<std::int64_t*>(block + 1); }
  static Id* ids_of(Block* block) {
    return reinterpret_cast<Id*>(units_of(block) + block->capacity);
  }
  // Moves the entries into a new block of `capacity` (>= the entries held).
  void reallocate(std::size_t capacity);
  // lower_bound in the sorted run by galloping out from the hint, then
  // remembering the answer.
  std::size_t lower_bound_near(std::int64_t units) const;
  // lower_bound in the pending run, as an index into the arrays.
  std::size_t pending_lower_bound(std::int64_t units) const;
  std::size_t max_pending() const;
  void merge_pending();
  // Removes the tombstones; the pending run moves down behind the sorted one.
  void compact();

  Block* block_ = nullptr;  // owned; null when nothing was ever inserted (or after shrink)
};

}  // namespace bw
