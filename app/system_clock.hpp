// SystemClock: the real wall clock behind the Clock interface. Thread-safe.
#pragma once

#include <chrono>

#include "rules/clock.hpp"

namespace bw {

class SystemClock : public Clock {
 public:
  TimestampMs now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace bw
