// RetrySchedule: when a failed delivery is tried again. After attempt n fails
// (n = 1, 2, ...), the next attempt waits delays[n-1], stretched by a random
// factor in [1 - jitter, 1 + jitter]; once every delay is used the delivery
// is dead. Defaults follow Standard Webhooks: 5 s, 5 min, 30 min, 2 h, 5 h,
// 10 h, 14 h, 20 h, 24 h (ten attempts in about three days).
//
//   RetrySchedule schedule{{5s, 5min}, 0.2};
//   std::optional<ms> wait = schedule.delay_after(attempts, uniform01);  // nullopt: dead
//
// A plain value type; thread-safe when const.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

namespace bw {

struct RetrySchedule {
  std::vector<std::chrono::milliseconds> delays;
  double jitter = 0.2;  // fraction, 0 ≤ jitter < 1

  static RetrySchedule standard_webhooks();
  // Attempts in total: the first plus one per delay.
  int max_attempts() const { return static_cast<int>(delays.size()) + 1; }
  // The wait after `attempts` failed attempts; `uniform01` is a random number
  // in [0, 1). nullopt when no attempt is left.
  std::optional<std::chrono::milliseconds> delay_after(int attempts, double uniform01) const;
};

}  // namespace bw
