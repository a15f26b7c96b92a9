// CandleHistory: a bounded, in-memory record of recent price bars per symbol,
// built from the quotes the hub fans out, for the dashboard's charts
// (GET /api/v1/quotes/{symbol}/bars).
//
//   CandleHistory history;                       // default bounds below
//   hub.add_observer([&](const Quote& q) { history.record(q); });
//   std::vector<Candle> bars = history.bars("AAPL", CandleInterval::one_minute, 300);
//
// Two base rings per symbol: 5-second bars (the last kFineBars, 30 minutes)
// and 1-minute bars (the last kCoarseBars, 8 hours). Longer intervals are
// folded from these on request: 15 s from the 5-second ring, 5 m, 15 m and
// 1 h from the 1-minute ring. A quote that arrives out of order is folded into
// its bar while that bar is still in the ring, and ignored after.
//
// Bounds and overflow policy: each ring holds a fixed number of bars (the
// oldest bar drops off); at most `max_symbols` symbols are tracked, and a new
// symbol beyond that is not recorded (counted in untracked_quotes()); the
// dashboard then shows no history for it, only live ticks.
//
// Thread-safe: record() from the hub's threads, bars() from REST workers (one
// shared mutex; record() holds it for one map lookup and a few stores).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/quote.hpp"

namespace bw {

// One bar: open/high/low/close and volume of the quotes whose event time fell
// in [start_ms, start_ms + interval).
struct Candle {
  TimestampMs start_ms = 0;
  Price open;
  Price high;
  Price low;
  Price close;
  std::int64_t volume = 0;
};

enum class CandleInterval {
  five_seconds,
  fifteen_seconds,
  one_minute,
  five_minutes,
  fifteen_minutes,
  one_hour
};

// "5s", "15s", "1m", "5m", "15m", "1h"; empty for anything else.
std::optional<CandleInterval> parse_candle_interval(std::string_view text);
std::string_view candle_interval_name(CandleInterval interval);
std::int64_t candle_interval_ms(CandleInterval interval);

class CandleHistory {
 public:
  static constexpr std::size_t kFineBars = 360;    // 5-second bars: 30 minutes
  static constexpr std::size_t kCoarseBars = 480;  // 1-minute bars: 8 hours
  static constexpr std::size_t kDefaultMaxSymbols = 5000;
  static constexpr std::size_t kMaxBarsPerRequest = 1000;

  explicit CandleHistory(std::size_t max_symbols = kDefaultMaxSymbols)
      : max_symbols_(max_symbols) {}

  void record(const Quote& quote);
  // record() for each quote, in order, under one lock.
  void record(std::span<const Quote> quotes);

  // The symbol's most recent bars at `interval`, oldest first, at most `limit`
  // (capped at kMaxBarsPerRequest). Empty when the symbol has no history.
  std::vector<Candle> bars(const Symbol& symbol, CandleInterval interval, std::size_t limit) const;

  std::size_t symbol_count() const;
  std::uint64_t untracked_quotes() const { return untracked_.load(std::memory_order_relaxed); }

 private:
  struct Ring {
    std::deque<Candle> bars;  // oldest first, at most `capacity`
  };
  struct Series {
    Ring fine;    // 5-second bars
    Ring coarse;  // 1-minute bars
  };

  static void fold(Ring& ring, std::size_t capacity, std::int64_t width_ms, const Quote& quote);

  const std::size_t max_symbols_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<Symbol, Series> series_;  // guarded by mutex_
  std::atomic<std::uint64_t> untracked_{0};
};

}  // namespace bw
