// SlotTable: an open-addressing hash index from 64-bit keys to 32-bit slots of
// an array the owner keeps, storing only the slots (4 bytes a cell, at most
// 3/4 full): the key of a slot is read back from the owner's array through
// `key_of(slot)`, so the table holds no copy of it. Linear probing with
// backward-shift deletion (no tombstones), so lookups stay short under churn.
// The capacity need not be a power of two (a hash is mapped onto it by a
// multiply): it grows 1.5x, so the table stays 1/2 to 3/4 full (5.3 to 8
// bytes a key) instead of the 3/8 to 3/4 of doubling.
//
//   SlotTable table;
//   auto key_of = [&](std::uint32_t slot) { return records[slot].id; };
//   table.insert(id, slot, key_of);
//   std::uint32_t s = table.find(id, key_of);   // SlotTable::kNone when absent
//   table.erase(id, key_of);
//
// Not thread-safe: owned by one engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace bw {

class SlotTable {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  std::size_t size() const { return size_; }
  std::size_t capacity_bytes() const { return cells_.capacity() * sizeof(std::uint32_t); }

  template <typename KeyOf>
  std::uint32_t find(std::int64_t key, const KeyOf& key_of) const {
    if (cells_.empty()) return kNone;
    for (std::size_t i = home(key);; i = next(i)) {
      const std::uint32_t slot = cells_[i];
      if (slot == kNone) return kNone;
      if (key_of(slot) == key) return slot;
    }
  }

  // The key must not be in the table yet.
  template <typename KeyOf>
  void insert(std::int64_t key, std::uint32_t slot, const KeyOf& key_of) {
    if ((size_ + 1) * 4 > cells_.size() * 3) grow(key_of);
    place(key, slot);
    ++size_;
  }

  // False when the key is not in the table.
  template <typename KeyOf>
  bool erase(std::int64_t key, const KeyOf& key_of) {
    if (cells_.empty()) return false;
    std::size_t i = home(key);
    for (;; i = next(i)) {
      if (cells_[i] == kNone) return false;
      if (key_of(cells_[i]) == key) break;
    }
    // Backward shift: move later members of the probe run into the hole
    // unless their home lies cyclically in (hole, j].
    std::size_t hole = i;
    for (std::size_t j = next(i); cells_[j] != kNone; j = next(j)) {
      const std::size_t h = home(key_of(cells_[j]));
      const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (stays) continue;
      cells_[hole] = cells_[j];
      hole = j;
    }
    cells_[hole] = kNone;
    --size_;
    return true;
  }

 private:
  std::size_t home(std::int64_t key) const {
    // Fibonacci hashing: ids are often sequential; the multiply spreads them.
    // Its high 32 bits, times the capacity, >> 32, land in [0, capacity).
    const std::uint64_t hash = static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(((hash >> 32) * cells_.size()) >> 32);
  }
  std::size_t next(std::size_t i) const { return i + 1 == cells_.size() ? 0 : i + 1; }

  void place(std::int64_t key, std::uint32_t slot) {
    std::size_t i = home(key);
    while (cells_[i] != kNone) i = next(i);
    cells_[i] = slot;
  }

  template <typename KeyOf>
  void grow(const KeyOf& key_of) {
    std::vector<std::uint32_t> old;
    old.swap(cells_);
    const std::size_t capacity = old.empty() ? 16 : old.size() + old.size() / 2;
    cells_.assign(capacity, kNone);
    for (std::uint32_t slot : old) {
      if (slot != kNone) place(key_of(slot), slot);
    }
  }

  std::vector<std::uint32_t> cells_;  // slot or kNone; at most 3/4 full
  std::size_t size_ = 0;
};

}  // namespace bw
