// VolumeWindow: a symbol's traded volume in event-time windows of one length,
// for volume_spike: the volume of the current window against the average of
// the k windows before it (the baseline).
//
//   VolumeWindow volume(300'000, 3'600'000);   // 5 m windows, 1 h baseline: k = 12
//   volume.push(quote);                          // every quote of the symbol
//   volume.spike(factor)                         // V * k >= factor * S, S > 0
//
// Windows are aligned to event time: window n holds the quotes with ts in
// [n * W, (n + 1) * W). A window without quotes has volume zero. A quote of an
// earlier window than the current one (out of order) counts in the current
// window. The window of the first quote ever seen is partial, so the baseline
// is full only once every one of the k baseline windows started after it
// (current >= first + k + 1); until then nothing fires. Memory: k counters.
// Saved to and restored from a short text (store: series_states).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/price.hpp"
#include "rules/quote.hpp"
#include "rules/trigger_policy.hpp"

namespace bw {

class VolumeWindow {
 public:
  VolumeWindow(DurationMs window, DurationMs baseline);

  void push(const Quote& quote);
  // The baseline covers k whole windows seen since the first quote.
  bool ready() const;
  // ready(), S > 0 and V * k >= factor * S (factor in price units).
  bool spike(Price factor) const;
  std::int64_t current_volume() const { return current_volume_; }
  std::int64_t baseline_volume() const { return baseline_sum_; }
  std::string save() const;
  bool restore(std::string_view text);  // false (and unchanged) on bad text

 private:
  std::size_t slot(std::int64_t window) const;
  void advance(std::int64_t window);

  DurationMs window_;
  std::int64_t k_;
  bool started_ = false;
  std::int64_t first_ = 0;    // the window of the first quote (partial)
  std::int64_t current_ = 0;  // the window of the newest quote
  std::int64_t current_volume_ = 0;
  std::vector<std::int64_t> baseline_;  // window w (current - k <= w < current) at w mod k
  std::int64_t baseline_sum_ = 0;
};

}  // namespace bw
