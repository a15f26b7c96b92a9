// NotificationPruner: the retention thread. Every `interval` it deletes
// notifications older than `retention`, in batches of `batch` rows so the
// store's writer is never held for long.
//
//   NotificationPruner pruner(db, clock, 90 * 24h, 10min, &pruned_counter);
//   pruner.start();  ...  pruner.stop();   // stop() wakes and joins it
//   pruner.prune_now();                    // one full pass on the caller's thread (tests)
//
// start/stop from the owning thread; prune_now from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "metrics/metrics.hpp"
#include "rules/clock.hpp"
#include "store/database.hpp"

namespace bw {

class NotificationPruner {
 public:
  NotificationPruner(Database& db, const Clock& clock, std::chrono::milliseconds retention,
                     std::chrono::milliseconds interval, Counter* pruned = nullptr,
                     std::size_t batch = 1000);
  ~NotificationPruner();
  NotificationPruner(const NotificationPruner&) = delete;
  NotificationPruner& operator=(const NotificationPruner&) = delete;

  void start();
  void stop();
  // Deletes every notification past retention; returns how many.
  std::size_t prune_now();

 private:
  void run();
  bool stopping() const;

  Database& db_;
  const Clock& clock_;
  const std::chrono::milliseconds retention_;
  const std::chrono::milliseconds interval_;
  Counter* const pruned_;
  const std::size_t batch_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
};

}  // namespace bw
