// RateLimitedLog: a warning log that a hostile or broken feed cannot flood.
// At most `burst` lines per `window`; lines past that are counted, and the
// next line let through says how many were suppressed.
//
//   RateLimitedLog log("ingest", std::chrono::seconds(10), /*burst=*/10);
//   log.warn(now_ms, "source poly: skipped frame: malformed json");
//   // → "... (37 similar messages suppressed)" once the window turns over
//
// The decision (allow()) is separate from the writing so it is unit-tested
// without a logger. Thread-safe: a small mutex around the window state; the
// spdlog lookup happens only for lines that are written.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "rules/quote.hpp"

namespace bw {

class RateLimitedLog {
 public:
  RateLimitedLog(const char* module, std::chrono::milliseconds window, std::uint32_t burst);

  // Whether a line at `now_ms` may be written; on true, `suppressed` is the
  // number of lines dropped since the last one written (then reset to 0).
  bool allow(TimestampMs now_ms, std::uint64_t& suppressed);

  // Writes `message` at warning level when allowed.
  void warn(TimestampMs now_ms, std::string_view message);

  // Lines dropped so far in total (for tests and diagnostics).
  std::uint64_t suppressed_total() const;

 private:
  const char* module_;
  const std::chrono::milliseconds window_;
  const std::uint32_t burst_;
  mutable std::mutex mutex_;
  TimestampMs window_start_ms_ = 0;       // guarded by mutex_
  std::uint32_t written_in_window_ = 0;   // guarded by mutex_
  std::uint64_t pending_suppressed_ = 0;  // guarded by mutex_
  std::uint64_t suppressed_total_ = 0;    // guarded by mutex_
};

}  // namespace bw
