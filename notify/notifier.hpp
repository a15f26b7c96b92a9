// Notifier: turns engine fires into committed notifications and hands them to
// the channels. submit() renders each fire's default message on the caller's
// thread; the notifier's own thread takes every fire queued so far, commits
// them in one transaction (group commit; alerts with message templates are
// rendered there, as that needs their templates), and only then delivers
// them: nothing reaches a channel that is not durable. Rendering before the
// queue keeps the single writer thread — the throughput limit — on SQLite
// work alone.
//
//   Notifier notifier(repository, clock, {&sse_sink});
//   notifier.start();
//   notifier.submit(fires);   // from the engine thread; never blocks on SQLite
//   notifier.stop();          // drains what was submitted, then joins
//
// Bound: at most `max_pending` fires wait; beyond that submit() waits for
// room (back-pressure on the engine rather than loss). One transaction takes
// at most `max_batch` fires, so a burst becomes several short commits (each a
// few ms) rather than one long one that holds the writer and delays the first
// notification of the burst. 256 keeps a commit at 2-3.7 ms of CPU (p50-p99,
// 10-13 us per fire with its outbox row; docs/BENCHMARKS.md, "Group commit:
// the alert state index and kept statements"), under the 5 ms p99 target.
// Thread-safe: submit() from any thread; start/stop from the owner.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics.hpp"
#include "notify/notification_sink.hpp"
#include "rules/clock.hpp"
#include "rules/engine.hpp"

namespace bw {

// Where the notifier records; null members are not recorded.
struct NotifierMetrics {
  Histogram* commit_seconds = nullptr;  // one group commit (record_fires)
  Histogram* batch_size = nullptr;      // fires per group commit
  Counter* committed = nullptr;         // notifications committed
};

class Notifier {
 public:
  Notifier(NotificationRepository& repository, const Clock& clock,
           std::vector<NotificationSink*> sinks, std::size_t max_pending = 100000,
           std::size_t max_batch = 256);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void set_metrics(NotifierMetrics metrics);  // before start
  void start();
  void stop();
  // Queues the fires; returns a ticket for wait_until_processed().
  std::uint64_t submit(std::vector<Fire> fires);
  // Blocks until every fire up to `ticket` is committed (or dropped as stale).
  // The engine calls it before saving last prices, so a saved price never
  // runs ahead of the notifications its quote caused.
  void wait_until_processed(std::uint64_t ticket);

  std::uint64_t committed_count() const;

 private:
  // A fire and its default message, rendered at submit().
  struct Queued {
    Fire fire;
    std::string message;
  };

  void run();
  void commit_and_deliver(std::vector<Queued>& batch);
  void record_commit(std::chrono::steady_clock::duration took, std::size_t rows);
  bool stopping_requested() const;

  NotificationRepository& repository_;
  const Clock& clock_;
  const std::vector<NotificationSink*> sinks_;
  const std::size_t max_pending_;
  NotifierMetrics metrics_;  // constant after start
  const std::size_t max_batch_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::condition_variable processed_cv_;
  std::deque<Queued> pending_;   // guarded by mutex_
  bool stopping_ = false;        // guarded by mutex_
  bool exited_ = false;          // guarded by mutex_: run() has returned
  std::uint64_t committed_ = 0;  // guarded by mutex_
  std::uint64_t submitted_ = 0;  // guarded by mutex_: fires ever submitted
  std::uint64_t processed_ = 0;  // guarded by mutex_: fires committed or dropped
};

}  // namespace bw
