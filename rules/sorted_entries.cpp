#include "rules/sorted_entries.hpp"

#include <algorithm>
#include <cmath>

namespace bw {

namespace {

// Grows a vector's capacity by about 1.25x (not the library's 2x): the
// arrays hold most of the engine's memory, and slack is paid per alert.
template <typename T>
void reserve_for(std::vector<T>& values, std::size_t needed) {
  if (needed <= values.capacity()) return;
  values.reserve(std::max(needed, values.capacity() + values.capacity() / 4 + 4));
}

}  // namespace

std::size_t SortedEntries::lower_bound_near(std::int64_t units) const {
  const std::size_t n = units_.size();
  const std::size_t h = std::min(hint_, n);
  const std::int64_t* data = units_.data();
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
  hint_ = static_cast<std::size_t>(std::lower_bound(data + lo, data + hi, units) - data);
  return hint_;
}

std::size_t SortedEntries::pending_lower_bound(std::int64_t units) const {
  return static_cast<std::size_t>(
      std::lower_bound(pending_units_.begin(), pending_units_.end(), units) -
      pending_units_.begin());
}

std::size_t SortedEntries::max_pending() const {
  const auto root = static_cast<std::size_t>(std::sqrt(static_cast<double>(units_.size())));
  return std::max(kMinPending, root);
}

std::optional<std::int64_t> SortedEntries::last_below(std::int64_t units) const {
  std::optional<std::int64_t> best;
  for (std::size_t i = lower_bound_near(units); i-- > 0;) {
    if (ids_[i] == kTombstone) continue;
    best = units_[i];
    break;
  }
  const std::size_t j = pending_lower_bound(units);
  if (j > 0 && (!best || pending_units_[j - 1] > *best)) best = pending_units_[j - 1];
  return best;
}

std::optional<std::int64_t> SortedEntries::first_at_or_above(std::int64_t units) const {
  std::optional<std::int64_t> best;
  for (std::size_t i = lower_bound_near(units); i < units_.size(); ++i) {
    if (ids_[i] == kTombstone) continue;
    best = units_[i];
    break;
  }
  const std::size_t j = pending_lower_bound(units);
  if (j < pending_units_.size() && (!best || pending_units_[j] < *best)) best = pending_units_[j];
  return best;
}

void SortedEntries::insert(Price price, Id id) {
  reserve_for(pending_units_, pending_units_.size() + 1);
  reserve_for(pending_ids_, pending_ids_.size() + 1);
  const std::size_t at = static_cast<std::size_t>(
      std::upper_bound(pending_units_.begin(), pending_units_.end(), price.units()) -
      pending_units_.begin());
  pending_units_.insert(pending_units_.begin() + static_cast<std::ptrdiff_t>(at), price.units());
  pending_ids_.insert(pending_ids_.begin() + static_cast<std::ptrdiff_t>(at), id);
  ++live_;
  if (pending_units_.size() > max_pending()) merge_pending();
}

bool SortedEntries::erase(Price price, Id id) {
  const std::int64_t units = price.units();
  for (std::size_t j = pending_lower_bound(units);
       j < pending_units_.size() && pending_units_[j] == units; ++j) {
    if (pending_ids_[j] != id) continue;
    pending_units_.erase(pending_units_.begin() + static_cast<std::ptrdiff_t>(j));
    pending_ids_.erase(pending_ids_.begin() + static_cast<std::ptrdiff_t>(j));
    --live_;
    return true;
  }
  for (std::size_t i = lower_bound_near(units); i < units_.size() && units_[i] == units; ++i) {
    if (ids_[i] != id) continue;
    ids_[i] = kTombstone;
    ++dead_;
    --live_;
    if (dead_ * 2 > units_.size()) compact();
    return true;
  }
  return false;
}

// Both runs are sorted: merge them from the back, in place, so only entries
// above the smallest pending price move.
void SortedEntries::merge_pending() {
  if (dead_ > 0) compact();
  const std::size_t n = units_.size();
  const std::size_t m = pending_units_.size();
  reserve_for(units_, n + m);
  reserve_for(ids_, n + m);
  units_.resize(n + m);
  ids_.resize(n + m);
  std::size_t i = n;  // unmerged sorted entries: [0, i)
  std::size_t j = m;  // unmerged pending entries: [0, j)
  std::size_t out = n + m;
  while (j > 0) {
    if (i > 0 && units_[i - 1] > pending_units_[j - 1]) {
      --i;
      --out;
      units_[out] = units_[i];
      ids_[out] = ids_[i];
    } else {
      --j;
      --out;
      units_[out] = pending_units_[j];
      ids_[out] = pending_ids_[j];
    }
  }
  pending_units_.clear();
  pending_ids_.clear();
}

void SortedEntries::compact() {
  std::size_t out = 0;
  for (std::size_t i = 0; i < units_.size(); ++i) {
    if (ids_[i] == kTombstone) continue;
    units_[out] = units_[i];
    ids_[out] = ids_[i];
    ++out;
  }
  units_.resize(out);
  ids_.resize(out);
  dead_ = 0;
  if (units_.capacity() > 2 * out + 64) {
    units_.shrink_to_fit();
    ids_.shrink_to_fit();
  }
}

}  // namespace bw
