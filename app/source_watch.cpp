#include "app/source_watch.hpp"

#include "log/module_logger.hpp"
#include "store/system_notifications.hpp"

namespace bw {

SourceWatch::SourceWatch(const SourceBoard& board, Database& db, const Clock& clock,
                         Deliver deliver, std::chrono::milliseconds period,
                         std::chrono::milliseconds min_interval)
    : board_(board),
      db_(db),
      clock_(clock),
      deliver_(std::move(deliver)),
      period_(period),
      min_interval_(min_interval) {}

SourceWatch::~SourceWatch() {
  stop();
}

void SourceWatch::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      try {
        check();
      } catch (const std::exception& error) {  // the store is busy or gone: try next time
        module_logger("ingest")->error("source watch: {}", error.what());
      }
      lock.lock();
    }
  });
}

void SourceWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SourceWatch::check() {
  const TimestampMs now = clock_.now_ms();
  for (const SourceHealth& h : board_.health(now)) {
    const auto previous = last_state_.find(h.name);
    const bool changed = previous == last_state_.end() || previous->second != h.state;
    last_state_[h.name] = h.state;
    if (!changed || (h.state != SourceState::stale && h.state != SourceState::down)) continue;
    // The server stopping a feed, or a replay reaching its end, is no news.
    if (h.state == SourceState::down &&
        (h.last_error == "stopped" || h.last_error.starts_with("finished"))) {
      continue;
    }
    std::string message =
        "source " + h.name + " (" + h.type + ") is " + std::string(to_string(h.state));
    message += h.state == SourceState::stale ? ": no message within its stale_after"
                                             : (h.last_error.empty() ? "" : ": " + h.last_error);
    module_logger("ingest")->warn("{}", message);
    auto sent = last_sent_.find(h.name);
    if (sent != last_sent_.end() && now - sent->second < min_interval_.count()) continue;
    last_sent_[h.name] = now;
    for (const StoredNotification& n : record_admin_notification(db_, message, now)) deliver_(n);
  }
  if (extra_) extra_(now);
}

}  // namespace bw
