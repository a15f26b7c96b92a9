#include "app/retention.hpp"

#include "log/module_logger.hpp"
#include "store/maintenance.hpp"

namespace bw {

NotificationPruner::NotificationPruner(Database& db, const Clock& clock,
                                       std::chrono::milliseconds retention,
                                       std::chrono::milliseconds interval, Counter* pruned,
                                       std::size_t batch)
    : db_(db),
      clock_(clock),
      retention_(retention),
      interval_(interval),
      pruned_(pruned),
      batch_(batch) {}

NotificationPruner::~NotificationPruner() {
  stop();
}

void NotificationPruner::start() {
  thread_ = std::thread([this] { run(); });
}

void NotificationPruner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool NotificationPruner::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::size_t NotificationPruner::prune_now() {
  const TimestampMs cutoff = clock_.now_ms() - retention_.count();
  std::size_t total = 0;
  while (true) {
    const std::size_t deleted = prune_notifications(db_, cutoff, batch_);
    total += deleted;
    if (pruned_) pruned_->inc(deleted);
    // A short batch means nothing older is left; stopping ends the pass early
    // (the next start continues where this one stopped).
    if (deleted < batch_ || stopping()) break;
  }
  return total;
}

void NotificationPruner::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      if (std::size_t n = prune_now(); n > 0) {
        module_logger("store")->info("store: retention deleted {} notifications older than {} h", n,
                                     retention_.count() / 3'600'000.0);
      }
    } catch (const std::exception& error) {
      // Retried at the next interval; the store may be busy or failing.
      module_logger("store")->error("store: retention pass failed: {}", error.what());
    }
    lock.lock();
  }
}

}  // namespace bw
