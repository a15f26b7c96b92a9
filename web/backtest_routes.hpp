// POST /api/v1/alerts/backtest: a candidate alert (the body of
// POST /api/v1/alerts, validated the same way) judged by a fresh engine over
// the recent ticks the server keeps for its symbol (ingest/recent_ticks.hpp).
// Nothing is stored or armed. docs/API.md has the response shape.
//
//   BacktestContext backtest{recent_ticks, [&] { return calendar(); }};
//   ApiResponse r = post_alert_backtest(backtest, context.clock, user, body);
//
// Bounds: the ticks are those the ring holds (at most ticks_per_symbol); at
// most kMaxBacktestFires fires are returned (`truncated` says so); at most
// kMaxConcurrentBacktests run at once, beyond that a 429 with Retry-After.
// Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <string_view>

#include "ingest/recent_ticks.hpp"
#include "rules/clock.hpp"
#include "rules/session_calendar.hpp"
#include "store/accounts.hpp"
#include "web/problem.hpp"

namespace bw {

inline constexpr std::size_t kMaxBacktestFires = 1000;
inline constexpr int kMaxConcurrentBacktests = 2;

struct BacktestContext {
  const RecentTicks& ticks;
  // The exchange calendar in force (it changes on reload).
  std::function<SessionCalendar()> calendar;
  std::atomic<int> running{0};
};

ApiResponse post_alert_backtest(BacktestContext& context, const Clock& clock, const User& user,
                                std::string_view body);

}  // namespace bw
