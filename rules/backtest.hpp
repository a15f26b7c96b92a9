// Backtester: runs alerts over a sequence of quotes through a fresh Engine
// (the very code that judges live quotes: conditions, trigger policies, rearm,
// expiry, sessions) and collects what would have fired.
//
//   Backtester run(calendar);
//   if (Status s = run.add(alert); !s) ...   // armed alerts; ids must be distinct
//   for (const Quote& q : ticks) run.feed(q);
//   for (const Fire& f : run.fires()) ...    // in tick order
//
// Time is the quotes' event time only, as in live trading. The first quote of
// a symbol has no previous price (docs/RULES.md, "Backtest").
// Not thread-safe: one thread owns a Backtester.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "rules/engine.hpp"
#include "rules/session_calendar.hpp"

namespace bw {

class Backtester {
 public:
  explicit Backtester(SessionCalendar calendar = {});

  Status add(const Alert& alert);
  void feed(const Quote& quote);

  const std::vector<Fire>& fires() const { return fires_; }
  std::size_t ticks() const { return ticks_; }
  // Event times of the first and last tick fed; empty before the first.
  std::optional<TimestampMs> first_ts() const { return first_ts_; }
  std::optional<TimestampMs> last_ts() const { return last_ts_; }

 private:
  Engine engine_;
  std::vector<Fire> fires_;
  std::size_t ticks_ = 0;
  std::optional<TimestampMs> first_ts_;
  std::optional<TimestampMs> last_ts_;
};

}  // namespace bw
