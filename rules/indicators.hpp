// Indicators on bars built from ticks: moving averages (SMA, EMA) and Wilder's
// RSI of the closes of a symbol's bars of one interval.
//
//   MovingAverage sma(AverageKind::sma, 60'000, 20);   // 20 one-minute bars
//   sma.push(quote);                  // every quote of the symbol, in order
//   if (auto a = sma.value()) ...     // over the last 20 closed bars
//   sma.previous()                    // the value the previous quote saw
//
// Bars are aligned to event time: bar n of interval I holds the quotes with
// ts in [n * I, (n + 1) * I); the 1d interval is the New York session day
// (rules/market_time.hpp). A bar closes when the first quote of a later bar
// arrives; its close is the last quote's price. An interval without quotes
// makes no bar (as on charting platforms): the averages count bars, not
// intervals. A quote of an earlier bar than the current one (out of order)
// counts as part of the current bar. Integer arithmetic only: an SMA is held
// as an exact fraction (sum / period); EMA and RSI averages are rounded to
// 1e-8 (half away from zero) at each bar, so a replay gives the same values.
//
// Memory: an SMA keeps its last `period` closes; EMA and RSI keep O(1) state
// (an EMA keeps its first `period` closes only while it warms up). Each can
// be saved to and restored from a short text (store: series_states).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/price.hpp"
#include "rules/quote.hpp"
#include "rules/series_text.hpp"
#include "rules/trigger_policy.hpp"

namespace bw {

using WideInt = SeriesWide;

// The allowed bar intervals: 1m 2m 3m 5m 10m 15m 30m 1h 2h 4h 1d.
bool is_allowed_bar_interval(DurationMs interval);
inline constexpr DurationMs kDayInterval = 86'400'000;
// Bar number of an event time: ts / interval (floor), or the New York day for 1d.
std::int64_t bar_index(TimestampMs ts, DurationMs interval);

// The open bar of one interval: which bar it is and its close so far.
class BarClock {
 public:
  explicit BarClock(DurationMs interval) : interval_(interval) {}
  // Folds the quote in; returns the close of the bar it closed, if any.
  std::optional<Price> push(const Quote& quote);
  bool started() const { return started_; }
  std::int64_t bar() const { return bar_; }
  Price close() const { return close_; }
  void restore(bool started, std::int64_t bar, Price close);

 private:
  DurationMs interval_;
  bool started_ = false;
  std::int64_t bar_ = 0;
  Price close_;
};

// An exact value num / den in price units (den > 0).
struct Ratio {
  WideInt num = 0;
  std::int64_t den = 1;
  // -1, 0 or 1 as price <, ==, > this value.
  int compare(Price price) const;
};

enum class AverageKind { sma, ema };

class MovingAverage {
 public:
  MovingAverage(AverageKind kind, DurationMs interval, int period);

  void push(const Quote& quote);
  // The average of the last `period` closed bars; empty while warming up.
  std::optional<Ratio> value() const;
  // value() as it was before the newest push.
  const std::optional<Ratio>& previous() const { return previous_; }
  std::string save() const;
  bool restore(std::string_view text);  // false (and unchanged) on bad text

 private:
  void add_close(Price close);

  AverageKind kind_;
  int period_;
  BarClock clock_;
  std::vector<std::int64_t> closes_;  // ring (SMA) or the warm-up closes (EMA)
  std::size_t next_ = 0;              // SMA ring: the slot of the oldest close
  WideInt sum_ = 0;                   // SMA: sum of closes_
  bool ema_ready_ = false;
  std::int64_t ema_ = 0;  // units
  std::optional<Ratio> previous_;
};

// Wilder's RSI: average gain G and loss L seeded with the simple mean of the
// first `period` changes between closes, then G = (G * (period - 1) + gain) /
// period (L alike). RSI = 100 * G / (G + L); 50 when G + L == 0.
class WilderRsi {
 public:
  WilderRsi(DurationMs interval, int period);

  void push(const Quote& quote);
  bool ready() const { return seeded_ == period_ && has_prev_; }
  // True when the newest push closed a bar (and so updated the RSI).
  bool closed_bar() const { return closed_bar_; }
  // -1, 0 or 1 as the RSI is below, at, above `value` (0..100, price units).
  int compare(Price value) const;
  std::string save() const;
  bool restore(std::string_view text);

 private:
  void add_close(Price close);

  int period_;
  BarClock clock_;
  bool has_prev_ = false;
  std::int64_t prev_close_ = 0;
  int seeded_ = 0;    // changes seen while seeding, up to period_
  WideInt gain_ = 0;  // seeding: the sum; then the average (units)
  WideInt loss_ = 0;
  bool closed_bar_ = false;
};

// Division rounded half away from zero (d > 0).
WideInt divide_rounded(WideInt n, WideInt d);

}  // namespace bw
