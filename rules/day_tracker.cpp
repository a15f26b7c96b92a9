#include "rules/day_tracker.hpp"

#include "rules/market_time.hpp"

namespace bw {

void DayTracker::enter_day(std::int64_t day) {
  state_.day = day;
  day_start_ = new_york_midnight(day);
  day_end_ = new_york_midnight(day + 1);
}

void DayTracker::on_quote(const Quote& quote) {
  if (seen_ && quote.ts_ms >= day_start_ && quote.ts_ms < day_end_) {
    state_.last = quote.price;
    state_.volume += quote.volume;
    return;
  }
  const std::int64_t day = new_york_day(quote.ts_ms);
  if (seen_ && day < state_.day) return;  // an earlier day: out of order, ignored
  if (seen_) state_.previous_close = state_.last;
  seen_ = true;
  enter_day(day);
  state_.last = quote.price;
  state_.volume = quote.volume;
}

void DayTracker::restore(const DayState& state) {
  if (state.day == 0 && state.last.units() == 0) return;  // nothing was tracked
  state_ = state;
  seen_ = true;
  enter_day(state.day);
}

std::optional<Price> DayTracker::reference(const Quote& quote) const {
  if (quote.prev_close.units() > 0) return quote.prev_close;
  if (state_.previous_close.units() > 0) return state_.previous_close;
  return std::nullopt;
}

}  // namespace bw
