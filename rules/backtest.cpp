#include "rules/backtest.hpp"

namespace bw {

Backtester::Backtester(SessionCalendar calendar) {
  engine_.set_calendar(std::move(calendar));
}

Status Backtester::add(const Alert& alert) {
  if (engine_.policy_state(alert.id)) {
    return Error{"alert " + std::to_string(alert.id) + " is already in the backtest"};
  }
  return engine_.add(alert);
}

void Backtester::feed(const Quote& quote) {
  ++ticks_;
  if (!first_ts_) first_ts_ = quote.ts_ms;
  last_ts_ = quote.ts_ms;
  engine_.on_quote(quote, fires_);
}

}  // namespace bw
