// SourceWatch: tells the admins when a feed goes stale or down. A thread
// reads the SourceBoard every `period`; when a source enters `stale` or
// `down` (other than stopped by the server or a replay that finished), it
// stores a system notification for every enabled admin (committed first)
// and then hands each to `deliver` (their event streams).
//
//   SourceWatch watch(board, db, clock, [&](const StoredNotification& n) { sse_sink.deliver(n); });
//   watch.start();  ...  watch.stop();
//
// Rate limit: at most one notification per source per `min_interval`
// (default 5 minutes); a flapping feed is reported once per interval, the
// transitions between are only logged.
// start/stop from the owning thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "app/source_board.hpp"
#include "store/database.hpp"
#include "store/notification_repository.hpp"

namespace bw {

class SourceWatch {
 public:
  using Deliver = std::function<void(const StoredNotification&)>;

  SourceWatch(const SourceBoard& board, Database& db, const Clock& clock, Deliver deliver,
              std::chrono::milliseconds period = std::chrono::seconds(1),
              std::chrono::milliseconds min_interval = std::chrono::minutes(5));
  ~SourceWatch();

  // Also runs `extra` (with the time) at every look, after the sources;
  // call before start(). The [ingest] symbol_silence check rides here.
  void also_check(std::function<void(TimestampMs)> extra) { extra_ = std::move(extra); }

  void start();
  void stop();
  // One look at the board (the thread's loop body; public for tests).
  void check();

 private:
  const SourceBoard& board_;
  Database& db_;
  const Clock& clock_;
  const Deliver deliver_;
  const std::chrono::milliseconds period_;
  const std::chrono::milliseconds min_interval_;
  std::map<std::string, SourceState> last_state_;  // check() only
  std::map<std::string, TimestampMs> last_sent_;   // check() only
  std::function<void(TimestampMs)> extra_;         // set before start()
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
};

}  // namespace bw
