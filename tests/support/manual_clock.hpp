// ManualClock: a bw::Clock whose time moves only when a test says so.
//
//   bw::testing::ManualClock clock(1'764'169'200'000);
//   clock.advance(std::chrono::seconds(5));
//   clock.now_ms() == 1'764'169'205'000
//
// Thread-safe: now_ms() may be read from worker threads while the test sets it.
#pragma once

#include <atomic>
#include <chrono>

#include "rules/clock.hpp"

namespace bw::testing {

class ManualClock : public Clock {
 public:
  // 2025-11-26T15:00:00Z: a fixed, readable default.
  static constexpr TimestampMs kDefaultStart = 1'764'169'200'000;

  explicit ManualClock(TimestampMs start = kDefaultStart) : now_(start) {}

  TimestampMs now_ms() const override { return now_.load(); }

  void set(TimestampMs ms) { now_.store(ms); }
  void advance(std::chrono::milliseconds by) { now_.fetch_add(by.count()); }

 private:
  std::atomic<TimestampMs> now_;
};

}  // namespace bw::testing
