#include "rules/volume_window.hpp"

#include <algorithm>
#include <cstdint>

#include "rules/indicators.hpp"
#include "rules/series_text.hpp"

namespace bw {

VolumeWindow::VolumeWindow(DurationMs window, DurationMs baseline)
    : window_(window), k_(baseline / window), baseline_(static_cast<std::size_t>(k_), 0) {}

std::size_t VolumeWindow::slot(std::int64_t window) const {
  return static_cast<std::size_t>(((window % k_) + k_) % k_);
}

void VolumeWindow::push(const Quote& quote) {
  const std::int64_t window = bar_index(quote.ts_ms, window_);
  if (!started_) {
    started_ = true;
    first_ = current_ = window;
  } else if (window > current_) {
    advance(window);
  }
  const std::int64_t volume = std::max<std::int64_t>(quote.volume, 0);
  current_volume_ = volume > INT64_MAX - current_volume_ ? INT64_MAX : current_volume_ + volume;
}

// The current window joins the baseline and the oldest leaves it; windows
// skipped without quotes join with volume zero.
void VolumeWindow::advance(std::int64_t window) {
  const std::int64_t steps = std::min(window - current_, k_ + 1);
  for (std::int64_t i = 0; i < steps; ++i) {
    const std::int64_t joining = current_ + i;  // replaces joining - k in the same slot
    std::int64_t& cell = baseline_[slot(joining)];
    baseline_sum_ -= cell;
    cell = i == 0 ? current_volume_ : 0;
    baseline_sum_ += cell;
  }
  current_ = window;
  current_volume_ = 0;
}

bool VolumeWindow::ready() const {
  return started_ && current_ - k_ > first_;
}

bool VolumeWindow::spike(Price factor) const {
  if (!ready() || baseline_sum_ <= 0) return false;
  __extension__ typedef __int128 Wide;
  return Wide{current_volume_} * k_ * Price::kScale >= Wide{factor.units()} * baseline_sum_;
}

// "started first current current_volume v(current-k) … v(current-1)".
std::string VolumeWindow::save() const {
  SeriesTextWriter out;
  out.add(started_ ? 1 : 0).add(first_).add(current_).add(current_volume_);
  for (std::int64_t w = current_ - k_; w < current_; ++w) out.add(baseline_[slot(w)]);
  return out.text();
}

bool VolumeWindow::restore(std::string_view text) {
  SeriesTextReader in(text);
  std::int64_t started = 0, first = 0, current = 0, volume = 0;
  if (!in.next(started) || !in.next(first) || !in.next(current) || !in.next(volume)) return false;
  if ((started != 0 && started != 1) || first > current || volume < 0) return false;
  std::vector<std::int64_t> cells(static_cast<std::size_t>(k_), 0);
  std::int64_t sum = 0;
  for (std::int64_t w = current - k_; w < current; ++w) {
    std::int64_t v = 0;
    if (!in.next(v) || v < 0 || v > (INT64_MAX - sum)) return false;
    cells[static_cast<std::size_t>(((w % k_) + k_) % k_)] = v;
    sum += v;
  }
  if (!in.done()) return false;
  started_ = started == 1;
  first_ = first;
  current_ = current;
  current_volume_ = volume;
  baseline_ = std::move(cells);
  baseline_sum_ = sum;
  return true;
}

}  // namespace bw
