// Clock: where the edges get "now" from. rules/ never reads a clock itself (time
// arrives with the quote); ingest, notify and web take a Clock& so tests can
// put a ManualClock (tests/support) in its place.
//
// Implementations must be safe to call from any thread.
#pragma once

#include "rules/quote.hpp"

namespace bw {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, milliseconds since the Unix epoch (UTC).
  virtual TimestampMs now_ms() const = 0;
};

}  // namespace bw
