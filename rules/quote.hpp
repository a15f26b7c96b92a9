// Quote: one market update for a symbol, as the engine sees it.
//
// A single trade has open == high == low == price. When ingest merges several
// updates of a symbol (conflation under load) the quote becomes a mini-bar: the
// first price as `open`, the extremes as `high`/`low`, the last as `price`, the
// volumes summed. The engine judges crossings against high and low, so a spike
// that was merged away still fires. `bid`/`ask` (the last known top of book)
// and `prev_close` (the previous session's close, when the feed provides it)
// are zero when unknown; a merge keeps the latest known value.
//
// A plain value type.
#pragma once

#include <cstdint>

#include "rules/price.hpp"
#include "rules/symbol.hpp"

namespace bw {

// Milliseconds since the Unix epoch (UTC): event time, carried by the quote.
using TimestampMs = std::int64_t;

struct Quote {
  Symbol symbol;
  Price price;  // last (close) price
  Price open;
  Price high;
  Price low;
  std::int64_t volume = 0;
  TimestampMs ts_ms = 0;
  Price bid;         // zero: unknown
  Price ask;         // zero: unknown
  Price prev_close;  // zero: unknown

  bool has_bid_ask() const { return bid.units() > 0 && ask.units() > 0; }

  // A single trade: open, high and low equal the price.
  static Quote trade(Symbol symbol, Price price, std::int64_t volume, TimestampMs ts_ms) {
    return Quote{std::move(symbol), price, price, price, price, volume, ts_ms, {}, {}, {}};
  }

  // Folds a later update into this one (this becomes a mini-bar).
  void merge(const Quote& later) {
    if (later.high > high) high = later.high;
    if (later.low < low) low = later.low;
    price = later.price;
    volume += later.volume;
    if (later.ts_ms > ts_ms) ts_ms = later.ts_ms;
    if (later.has_bid_ask()) {
      bid = later.bid;
      ask = later.ask;
    }
    if (later.prev_close.units() > 0) prev_close = later.prev_close;
  }
};

}  // namespace bw
