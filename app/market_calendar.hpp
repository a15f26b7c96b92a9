// The engine's SessionCalendar from the [market] table of the config, and a
// holder that the backtest route reads while a reload replaces it.
//
//   SessionCalendar calendar = market_calendar(config.market);
//
// market_calendar is pure; CalendarHolder is thread-safe.
#pragma once

#include <mutex>

#include "config/config.hpp"
#include "rules/session_calendar.hpp"

namespace bw {

// The config loader has already validated every date.
SessionCalendar market_calendar(const MarketConfig& market);

class CalendarHolder {
 public:
  void set(SessionCalendar calendar) {
    std::lock_guard lock(mutex_);
    calendar_ = std::move(calendar);
  }
  SessionCalendar get() const {
    std::lock_guard lock(mutex_);
    return calendar_;
  }

 private:
  mutable std::mutex mutex_;
  SessionCalendar calendar_;  // guarded by mutex_
};

}  // namespace bw
