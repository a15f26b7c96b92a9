// RecentTicks: the newest quotes of each symbol, kept for backtesting a
// candidate alert (POST /api/v1/alerts/backtest) over what the server saw.
//
//   RecentTicks ticks({.ticks_per_symbol = 2000, .max_symbols = 500});
//   hub.add_observer([&](const Quote& q) { ticks.record(q); });
//   std::vector<Quote> recent = ticks.snapshot("AAPL");   // oldest first
//
// Bounds and overflow policy: each symbol keeps at most `ticks_per_symbol`
// quotes in a ring (the oldest is overwritten); at most `max_symbols` symbols
// are kept, and a symbol first seen past that limit is not recorded (the
// ones already kept go on). A tick costs sizeof(StoredTick) = 72 bytes, so
// memory stays below ticks_per_symbol × max_symbols × 72 bytes plus one map
// entry per symbol. ticks_per_symbol 0 records nothing.
// Thread-safe: one mutex; record() is a short copy under it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "rules/quote.hpp"

namespace bw {

struct RecentTicksOptions {
  std::size_t ticks_per_symbol = 2000;
  std::size_t max_symbols = 500;
};

class RecentTicks {
 public:
  explicit RecentTicks(RecentTicksOptions options);

  void record(const Quote& quote);
  // A batch of accepted quotes, in order, under one lock.
  void record(std::span<const Quote> quotes);
  // The symbol's kept quotes, oldest first; empty for an unknown symbol.
  std::vector<Quote> snapshot(const Symbol& symbol) const;
  std::size_t symbol_count() const;
  const RecentTicksOptions& options() const { return options_; }

  // A quote without its symbol (the map key holds that).
  struct StoredTick {
    TimestampMs ts_ms = 0;
    std::int64_t volume = 0;
    Price price, open, high, low, bid, ask, prev_close;
  };

 private:
  void record_locked(const Quote& quote);

  struct Ring {
    std::vector<StoredTick> ticks;  // grows to ticks_per_symbol, then wraps
    std::size_t next = 0;           // where the next tick goes once full
  };

  const RecentTicksOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<Symbol, Ring> rings_;  // guarded by mutex_
};

}  // namespace bw
