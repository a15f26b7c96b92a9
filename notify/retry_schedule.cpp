#include "notify/retry_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace bw {

RetrySchedule RetrySchedule::standard_webhooks() {
  using namespace std::chrono;
  return RetrySchedule{{seconds(5), minutes(5), minutes(30), hours(2), hours(5), hours(10),
                        hours(14), hours(20), hours(24)},
                       0.2};
}

std::optional<std::chrono::milliseconds> RetrySchedule::delay_after(int attempts,
                                                                    double uniform01) const {
  if (attempts < 1 || attempts > static_cast<int>(delays.size())) return std::nullopt;
  const double base = static_cast<double>(delays[static_cast<std::size_t>(attempts - 1)].count());
  const double u = std::clamp(uniform01, 0.0, 1.0);
  const double factor = 1.0 + jitter * (2.0 * u - 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(base * factor)));
}

}  // namespace bw
