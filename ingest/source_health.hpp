// Source health: what every quote source reports about itself, and the
// thread-safe recorder (SourceMonitor) a source updates as it runs.
//
//   SourceMonitor monitor("polygon", "polygon_ws");
//   monitor.connecting();                       // dialling
//   monitor.live();                             // subscribed
//   monitor.message(clock.now_ms());            // every frame/row/line taken in
//   monitor.rejected("price: must be greater than zero");   // a bad quote, skipped
//   monitor.down("auth failed: invalid key");   // lost; reconnect pending
//   monitor.reconnecting();                     // counts a reconnect, back to connecting
//   SourceHealth h = monitor.snapshot(now, std::chrono::seconds(10));
//
// A live source with no message for `stale_after` reports `stale`.
// messages_per_s is the rate over the last completed ~1 s window.
// All members are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "rules/quote.hpp"

namespace bw {

enum class SourceState { connecting, live, stale, down };

std::string_view to_string(SourceState state);

struct SourceHealth {
  std::string name;
  std::string type;
  SourceState state = SourceState::connecting;
  TimestampMs last_message_ms = 0;  // wall clock of the last message; 0: none yet
  double messages_per_s = 0;
  std::uint64_t messages = 0;  // frames, rows or lines taken in
  std::uint64_t rejected = 0;  // quotes skipped as malformed or invalid
  std::map<std::string, std::uint64_t> rejected_by_reason;  // reason → count
  std::uint64_t reconnects = 0;  // reconnect attempts after the first connect (docs/SOURCES.md)
  std::string last_error;        // empty: none
};

class SourceMonitor {
 public:
  SourceMonitor(std::string name, std::string type);

  void connecting();
  void live();
  void down(std::string reason);
  void reconnecting();
  void message(TimestampMs now_ms);
  // `count` messages taken in at once (one atomic add for a read's lines).
  void messages(TimestampMs now_ms, std::uint64_t count);
  // `reason` is a short category ("malformed json", "price: must be ...");
  // distinct reasons are capped so a hostile feed cannot grow the map.
  void rejected(std::string_view reason);

  SourceHealth snapshot(TimestampMs now_ms, std::chrono::milliseconds stale_after) const;

 private:
  static constexpr std::size_t kMaxReasons = 64;

  const std::string name_;
  const std::string type_;
  mutable std::mutex mutex_;
  SourceState state_ = SourceState::connecting;                // guarded by mutex_
  std::string last_error_;                                     // guarded by mutex_
  std::map<std::string, std::uint64_t, std::less<>> reasons_;  // guarded by mutex_
  std::uint64_t reconnects_ = 0;                               // guarded by mutex_
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<TimestampMs> last_message_ms_{0};
  // Rate window: messages counted at the start of the current window.
  mutable TimestampMs window_start_ms_ = 0;       // guarded by mutex_
  mutable std::uint64_t window_start_count_ = 0;  // guarded by mutex_
  mutable double last_rate_ = 0;                  // guarded by mutex_
};

}  // namespace bw
