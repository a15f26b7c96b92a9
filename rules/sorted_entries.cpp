#include "rules/sorted_entries.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>

namespace bw {

SortedEntries::SortedEntries(const SortedEntries& other) {
  if (other.block_ == nullptr) return;
  const std::size_t bytes = block_bytes(other.block_->capacity);
  block_ = static_cast<Block*>(::operator new(bytes));
  std::memcpy(block_, other.block_, bytes);
}

SortedEntries& SortedEntries::operator=(const SortedEntries& other) {
  if (this != &other) *this = SortedEntries(other);
  return *this;
}

SortedEntries& SortedEntries::operator=(SortedEntries&& other) noexcept {
  if (this != &other) {
    ::operator delete(block_);
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

SortedEntries::~SortedEntries() {
  ::operator delete(block_);
}

void SortedEntries::reallocate(std::size_t capacity) {
  auto* fresh = static_cast<Block*>(::operator new(block_bytes(capacity)));
  if (block_ == nullptr) {
    *fresh = Block{static_cast<std::uint32_t>(capacity), 0, 0, 0, 0, 0};
  } else {
    *fresh = *block_;
    fresh->capacity = static_cast<std::uint32_t>(capacity);
    const std::size_t used = block_->sorted + block_->pending;
    std::memcpy(units_of(fresh), units_of(block_), used * sizeof(std::int64_t));
    std::memcpy(ids_of(fresh), ids_of(block_), used * sizeof(Id));
    ::operator delete(block_);
  }
  block_ = fresh;
}

void SortedEntries::shrink_to_fit() {
  if (block_ == nullptr) return;
  if (block_->live == 0) {
    ::operator delete(block_);
    block_ = nullptr;
    return;
  }
  if (block_->dead > 0) compact();
  const std::size_t used = block_->sorted + block_->pending;
  if (used < block_->capacity) reallocate(used);
}

std::size_t SortedEntries::lower_bound_near(std::int64_t units) const {
  const std::size_t n = block_->sorted;
  const std::size_t h = std::min<std::size_t>(block_->hint, n);
  const std::int64_t* data = units_of(block_);
  std::size_t lo = 0;
  std::size_t hi = n;
  if (h < n && data[h] < units) {
    // The answer is after h: probe h+1, h+2, h+4, ... until one is >= units.
    lo = h + 1;
    std::size_t step = 1;
    for (;;) {
      const std::size_t probe = lo + step - 1;
      if (probe >= n) {
        hi = n;
        break;
      }
      if (data[probe] >= units) {
        hi = probe;
        break;
      }
      lo = probe + 1;
      step *= 2;
    }
  } else {
    // The answer is at or before h: probe h-1, h-2, h-4, ... until one is < units.
    hi = h;
    std::size_t step = 1;
    for (;;) {
      if (hi < step) {
        lo = 0;
        break;
      }
      const std::size_t probe = hi - step;
      if (data[probe] < units) {
        lo = probe + 1;
        break;
      }
      hi = probe;
      step *= 2;
    }
  }
  const auto at = static_cast<std::size_t>(std::lower_bound(data + lo, data + hi, units) - data);
  block_->hint = static_cast<std::uint32_t>(at);
  return at;
}

std::size_t SortedEntries::pending_lower_bound(std::int64_t units) const {
  const std::int64_t* data = units_of(block_);
  const std::int64_t* begin = data + block_->sorted;
  return static_cast<std::size_t>(std::lower_bound(begin, begin + block_->pending, units) - data);
}

std::size_t SortedEntries::max_pending() const {
  const auto root = static_cast<std::size_t>(std::sqrt(static_cast<double>(block_->sorted)));
  return std::max(kMinPending, root);
}

std::optional<std::int64_t> SortedEntries::last_below(std::int64_t units) const {
  if (block_ == nullptr) return std::nullopt;
  const std::int64_t* data = units_of(block_);
  const Id* ids = ids_of(block_);
  std::optional<std::int64_t> best;
  for (std::size_t i = lower_bound_near(units); i-- > 0;) {
    if (ids[i] == kTombstone) continue;
    best = data[i];
    break;
  }
  const std::size_t j = pending_lower_bound(units);
  if (j > block_->sorted && (!best || data[j - 1] > *best)) best = data[j - 1];
  return best;
}

std::optional<std::int64_t> SortedEntries::first_at_or_above(std::int64_t units) const {
  if (block_ == nullptr) return std::nullopt;
  const std::int64_t* data = units_of(block_);
  const Id* ids = ids_of(block_);
  const std::size_t n = block_->sorted;
  std::optional<std::int64_t> best;
  for (std::size_t i = lower_bound_near(units); i < n; ++i) {
    if (ids[i] == kTombstone) continue;
    best = data[i];
    break;
  }
  const std::size_t j = pending_lower_bound(units);
  if (j < n + block_->pending && (!best || data[j] < *best)) best = data[j];
  return best;
}

void SortedEntries::insert(Price price, Id id) {
  const std::size_t used = block_ == nullptr ? 0 : block_->sorted + block_->pending;
  if (block_ == nullptr || used == block_->capacity) {
    const std::size_t capacity = block_ == nullptr ? 0 : block_->capacity;
    reallocate(capacity + capacity / 4 + 4);
  }
  std::int64_t* data = units_of(block_);
  Id* ids = ids_of(block_);
  const std::size_t end = used;
  const auto at = static_cast<std::size_t>(
      std::upper_bound(data + block_->sorted, data + end, price.units()) - data);
  std::memmove(data + at + 1, data + at, (end - at) * sizeof(std::int64_t));
  std::memmove(ids + at + 1, ids + at, (end - at) * sizeof(Id));
  data[at] = price.units();
  ids[at] = id;
  ++block_->pending;
  ++block_->live;
  if (block_->pending > max_pending()) merge_pending();
}

bool SortedEntries::erase(Price price, Id id) {
  if (block_ == nullptr) return false;
  const std::int64_t units = price.units();
  std::int64_t* data = units_of(block_);
  Id* ids = ids_of(block_);
  const std::size_t end = block_->sorted + block_->pending;
  for (std::size_t j = pending_lower_bound(units); j < end && data[j] == units; ++j) {
    if (ids[j] != id) continue;
    std::memmove(data + j, data + j + 1, (end - j - 1) * sizeof(std::int64_t));
    std::memmove(ids + j, ids + j + 1, (end - j - 1) * sizeof(Id));
    --block_->pending;
    --block_->live;
    return true;
  }
  const std::size_t n = block_->sorted;
  for (std::size_t i = lower_bound_near(units); i < n && data[i] == units; ++i) {
    if (ids[i] != id) continue;
    ids[i] = kTombstone;
    ++block_->dead;
    --block_->live;
    if (block_->dead * 2 > block_->sorted) compact();
    return true;
  }
  return false;
}

// Both runs are sorted: the pending one is set aside and the two are merged
// from the back, in place, so only entries above the smallest pending price move.
void SortedEntries::merge_pending() {
  if (block_->dead > 0) compact();
  const std::size_t n = block_->sorted;
  const std::size_t m = block_->pending;
  std::int64_t* data = units_of(block_);
  Id* ids = ids_of(block_);
  const auto pending_units = std::make_unique_for_overwrite<std::int64_t[]>(m);
  const auto pending_ids = std::make_unique_for_overwrite<Id[]>(m);
  std::memcpy(pending_units.get(), data + n, m * sizeof(std::int64_t));
  std::memcpy(pending_ids.get(), ids + n, m * sizeof(Id));
  std::size_t i = n;  // unmerged sorted entries: [0, i)
  std::size_t j = m;  // unmerged pending entries: [0, j)
  std::size_t out = n + m;
  while (j > 0) {
    if (i > 0 && data[i - 1] > pending_units[j - 1]) {
      --i;
      --out;
      data[out] = data[i];
      ids[out] = ids[i];
    } else {
      --j;
      --out;
      data[out] = pending_units[j];
      ids[out] = pending_ids[j];
    }
  }
  block_->sorted = static_cast<std::uint32_t>(n + m);
  block_->pending = 0;
}

void SortedEntries::compact() {
  std::int64_t* data = units_of(block_);
  Id* ids = ids_of(block_);
  const std::size_t n = block_->sorted;
  std::size_t out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (ids[i] == kTombstone) continue;
    data[out] = data[i];
    ids[out] = ids[i];
    ++out;
  }
  const std::size_t m = block_->pending;
  std::memmove(data + out, data + n, m * sizeof(std::int64_t));
  std::memmove(ids + out, ids + n, m * sizeof(Id));
  block_->sorted = static_cast<std::uint32_t>(out);
  block_->dead = 0;
  if (block_->capacity > 2 * (out + m) + 64) reallocate(out + m + (out + m) / 4 + 4);
}

}  // namespace bw
