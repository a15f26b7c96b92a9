// DayTracker: per symbol, the session day (America/New York date) of the
// newest quote, its last price and cumulative volume, and the previous day's
// last price (the reference for day-change conditions when the feed sends no
// previous close).
//
//   DayTracker day;
//   day.on_quote(quote);                 // before judging the quote
//   day.state().volume                   // the day's volume, this quote included
//   day.reference(quote)                 // quote.prev_close, else the previous day's last
//
// A quote of a later day rolls the day: the last price becomes the previous
// close and the volume restarts. A quote of an earlier day (out of order
// across midnight) changes nothing. Weekends and holidays need no calendar:
// the previous day is the most recent earlier day that had quotes. The state
// is persisted with the symbol's last price (store/price_repository.hpp).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "rules/price.hpp"
#include "rules/quote.hpp"

namespace bw {

struct DayState {
  std::int64_t day = 0;     // New York date, days since 1970-01-01; 0 with no quote yet
  Price last;               // the day's last price
  Price previous_close;     // the last price of the previous day with quotes; zero: unknown
  std::int64_t volume = 0;  // the day's cumulative volume

  bool operator==(const DayState&) const = default;
};

class DayTracker {
 public:
  void on_quote(const Quote& quote);
  void restore(const DayState& state);
  const DayState& state() const { return state_; }
  // The day-change reference for this quote: its prev_close when the feed
  // gives one, else the tracked previous close; empty when neither is known.
  std::optional<Price> reference(const Quote& quote) const;

 private:
  void enter_day(std::int64_t day);

  DayState state_;
  bool seen_ = false;
  // UTC bounds of the tracked day, so most quotes need no date arithmetic.
  TimestampMs day_start_ = 0;
  TimestampMs day_end_ = 0;
};

}  // namespace bw
