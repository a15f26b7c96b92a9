#include "rules/sorted_entries.hpp"

#include <algorithm>

namespace bw {

std::size_t SortedEntries::lower_bound(std::int64_t units) const {
  auto it =
      std::lower_bound(sorted_.begin(), sorted_.end(), units,
                       [](const Entry& entry, std::int64_t value) { return entry.units < value; });
  return static_cast<std::size_t>(it - sorted_.begin());
}

std::size_t SortedEntries::lower_bound_near(std::int64_t units) const {
  const std::size_t n = sorted_.size();
  const std::size_t h = std::min(hint_, n);
  std::size_t lo = 0;
  std::size_t hi = n;
  if (h < n && sorted_[h].units < units) {
    // The answer is after h: probe h+1, h+2, h+4, ... until one is >= units.
    lo = h + 1;
    std::size_t step = 1;
    for (;;) {
      const std::size_t probe = lo + step - 1;
      if (probe >= n) {
        hi = n;
        break;
      }
      if (sorted_[probe].units >= units) {
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
      if (sorted_[probe].units < units) {
        lo = probe + 1;
        break;
      }
      hi = probe;
      step *= 2;
    }
  }
  auto it =
      std::lower_bound(sorted_.begin() + static_cast<std::ptrdiff_t>(lo),
                       sorted_.begin() + static_cast<std::ptrdiff_t>(hi), units,
                       [](const Entry& entry, std::int64_t value) { return entry.units < value; });
  hint_ = static_cast<std::size_t>(it - sorted_.begin());
  return hint_;
}

std::optional<std::int64_t> SortedEntries::last_below(std::int64_t units) const {
  std::optional<std::int64_t> best;
  for (std::size_t i = lower_bound_near(units); i-- > 0;) {
    if (sorted_[i].id == kTombstone) continue;
    best = sorted_[i].units;
    break;
  }
  for (const Entry& entry : pending_) {
    if (entry.units < units && (!best || entry.units > *best)) best = entry.units;
  }
  return best;
}

std::optional<std::int64_t> SortedEntries::first_at_or_above(std::int64_t units) const {
  std::optional<std::int64_t> best;
  for (std::size_t i = lower_bound_near(units); i < sorted_.size(); ++i) {
    if (sorted_[i].id == kTombstone) continue;
    best = sorted_[i].units;
    break;
  }
  for (const Entry& entry : pending_) {
    if (entry.units >= units && (!best || entry.units < *best)) best = entry.units;
  }
  return best;
}

void SortedEntries::insert(Price price, Id id) {
  pending_.push_back({price.units(), id});
  ++live_;
  if (pending_.size() > kMaxPending) merge_pending();
}

bool SortedEntries::erase(Price price, Id id) {
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].units == price.units() && pending_[i].id == id) {
      pending_[i] = pending_.back();
      pending_.pop_back();
      --live_;
      return true;
    }
  }
  for (std::size_t i = lower_bound(price.units());
       i < sorted_.size() && sorted_[i].units == price.units(); ++i) {
    if (sorted_[i].id != id) continue;
    sorted_[i].id = kTombstone;
    ++dead_;
    --live_;
    if (dead_ * 2 > sorted_.size()) compact();
    return true;
  }
  return false;
}

void SortedEntries::merge_pending() {
  if (dead_ > 0) compact();
  const auto by_units = [](const Entry& a, const Entry& b) { return a.units < b.units; };
  std::sort(pending_.begin(), pending_.end(), by_units);
  const std::size_t middle = sorted_.size();
  sorted_.insert(sorted_.end(), pending_.begin(), pending_.end());
  std::inplace_merge(sorted_.begin(), sorted_.begin() + static_cast<std::ptrdiff_t>(middle),
                     sorted_.end(), by_units);
  pending_.clear();
}

void SortedEntries::compact() {
  sorted_.erase(std::remove_if(sorted_.begin(), sorted_.end(),
                               [](const Entry& entry) { return entry.id == kTombstone; }),
                sorted_.end());
  dead_ = 0;
  if (sorted_.capacity() > 2 * sorted_.size() + 64) sorted_.shrink_to_fit();
}

}  // namespace bw
