// LoginLimiter: counts failed sign-ins per key ("user:alice", "addr:10.0.0.1")
// in a sliding window and says how long a key must wait once it has reached
// its limit.
//
//   if (auto wait = limiter.blocked_for("user:alice", 5, now)) return 429 with Retry-After;
//   limiter.record_failure("user:alice", now);   // after a wrong password
//   limiter.clear("user:alice");                 // after a good one
//
// Bounded: at most `max_keys` keys are tracked; when full, keys whose failures
// have all expired are dropped, then the key with the oldest latest failure.
// Thread-safe (one mutex; every call is O(failures of one key), except the
// rare eviction sweep).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace bw {

class LoginLimiter {
 public:
  LoginLimiter(std::chrono::milliseconds window, std::size_t max_keys = 10000)
      : window_ms_(window.count()), max_keys_(max_keys) {}

  // A new window for every check from now on (failures already recorded
  // are kept and judged by it).
  void set_window(std::chrono::milliseconds window) { window_ms_.store(window.count()); }

  // Seconds to wait (at least 1) when `key` has `limit` failures in the window.
  std::optional<std::int64_t> blocked_for(const std::string& key, int limit, std::int64_t now_ms);
  void record_failure(const std::string& key, std::int64_t now_ms);
  void clear(const std::string& key);

 private:
  void expire(std::deque<std::int64_t>& failures, std::int64_t now_ms) const;
  void make_room(std::int64_t now_ms);

  std::atomic<std::int64_t> window_ms_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<std::int64_t>> failures_;  // guarded by mutex_
};

}  // namespace bw
