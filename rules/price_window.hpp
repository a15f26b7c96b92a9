// PriceWindow: the lowest low and highest high of a symbol's quotes over a
// sliding event-time window [t - length, t], t the newest quote's time.
//
//   PriceWindow window(30'000);          // 30 s
//   window.push(quote);                   // this quote included
//   window.lowest(), window.highest()     // over [t - 30 s, t]
//
// Two monotonic deques (amortised O(1) per quote). A quote older than the
// newest one pushed (an out-of-order tick) counts as if it arrived at the
// newest time: it stays in the window as long as the newest quote does.
// Bounded: each deque keeps at most kMaxPoints entries; past that the oldest
// entry is dropped early (only a window holding more than kMaxPoints strictly
// rising or falling ticks is affected). The engine shares one window between
// all the alerts of a symbol with the same length. Not thread-safe.
#pragma once

#include <cstddef>
#include <deque>

#include "rules/price.hpp"
#include "rules/quote.hpp"
#include "rules/trigger_policy.hpp"

namespace bw {

class PriceWindow {
 public:
  static constexpr std::size_t kMaxPoints = 1 << 17;

  explicit PriceWindow(DurationMs length) : length_(length) {}

  void push(const Quote& quote);
  bool empty() const { return lows_.empty(); }
  // Only meaningful when !empty().
  Price lowest() const { return lows_.front().price; }
  Price highest() const { return highs_.front().price; }
  DurationMs length() const { return length_; }
  std::size_t points() const { return lows_.size() + highs_.size(); }

 private:
  struct Point {
    TimestampMs ts;
    Price price;
  };
  void drop_expired(TimestampMs now);

  DurationMs length_;
  bool seen_ = false;
  TimestampMs newest_ = 0;
  std::deque<Point> lows_;   // strictly increasing prices, oldest first
  std::deque<Point> highs_;  // strictly decreasing prices, oldest first
};

}  // namespace bw
