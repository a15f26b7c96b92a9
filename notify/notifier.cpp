#include "notify/notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "log/module_logger.hpp"
#include "notify/message.hpp"
#include "notify/message_template.hpp"
#include "platform/thread_setup.hpp"

namespace bw {

Notifier::Notifier(NotificationRepository& repository, const Clock& clock,
                   std::vector<NotificationSink*> sinks, std::size_t max_pending,
                   std::size_t max_batch)
    : repository_(repository),
      clock_(clock),
      sinks_(std::move(sinks)),
      max_pending_(max_pending),
      max_batch_(std::max<std::size_t>(max_batch, 1)) {}

Notifier::~Notifier() {
  stop();
}

void Notifier::set_metrics(NotifierMetrics metrics) {
  metrics_ = metrics;
}

void Notifier::start() {
  thread_ = std::thread([this] {
    setup_thread("bw-notify", ThreadRole::latency_path);
    run();
  });
}

void Notifier::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  room_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Notifier::submit(std::vector<Fire> fires) {
  std::vector<Queued> rendered;
  rendered.reserve(fires.size());
  for (Fire& fire : fires) {
    std::string message = render_message(fire);
    rendered.push_back(Queued{std::move(fire), std::move(message)});
  }
  std::unique_lock lock(mutex_);
  for (Queued& queued : rendered) {
    if (pending_.size() >= max_pending_) ready_.notify_one();  // let it drain what is queued
    room_.wait(lock, [&] { return stopping_ || pending_.size() < max_pending_; });
    pending_.push_back(std::move(queued));
    ++submitted_;
  }
  ready_.notify_one();
  return submitted_;
}

void Notifier::wait_until_processed(std::uint64_t ticket) {
  std::unique_lock lock(mutex_);
  processed_cv_.wait(lock, [&] { return processed_ >= ticket || exited_; });
}

std::uint64_t Notifier::committed_count() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

bool Notifier::stopping_requested() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void Notifier::run() {
  std::vector<Queued> batch;
  std::unique_lock lock(mutex_);
  while (true) {
    ready_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    // On stop, drain what was already submitted before leaving.
    if (pending_.empty()) {
      exited_ = true;
      processed_cv_.notify_all();
      return;
    }
    const auto take = static_cast<std::ptrdiff_t>(std::min(pending_.size(), max_batch_));
    batch.assign(std::make_move_iterator(pending_.begin()),
                 std::make_move_iterator(pending_.begin() + take));
    pending_.erase(pending_.begin(), pending_.begin() + take);
    room_.notify_all();
    lock.unlock();
    commit_and_deliver(batch);
    lock.lock();
  }
}

void Notifier::record_commit(std::chrono::steady_clock::duration took, std::size_t rows) {
  if (metrics_.commit_seconds) {
    metrics_.commit_seconds->observe(std::chrono::duration<double>(took).count());
  }
  if (metrics_.batch_size) metrics_.batch_size->observe(static_cast<double>(rows));
  if (metrics_.committed) metrics_.committed->inc(rows);
}

void Notifier::commit_and_deliver(std::vector<Queued>& batch) {
  std::vector<NewNotification> fresh;
  fresh.reserve(batch.size());
  const TimestampMs now = clock_.now_ms();
  for (Queued& queued : batch) {
    const Fire& fire = queued.fire;
    fresh.push_back({fire.alert_id, fire.user_id, fire.symbol, fire.price,
                     std::move(queued.message), now, fire.state_after, fire.rearm_wait,
                     fire.revision, fire.ts_ms, "", ""});
  }
  std::vector<StoredNotification> stored;
  // Retry until the store takes the batch: these fires already left the
  // engine, so giving up here would lose them.
  for (int attempt = 0;; ++attempt) {
    try {
      const auto started = std::chrono::steady_clock::now();
      stored = repository_.record_fires(
          fresh, [&batch](std::size_t index, const AlertTexts& texts, NewNotification& out) {
            render_alert_texts(batch[index].fire, texts, out);
          });
      record_commit(std::chrono::steady_clock::now() - started, stored.size());
      break;
    } catch (const std::exception& error) {
      module_logger("notify")->error("notify: commit of {} notifications failed (attempt {}): {}",
                                     fresh.size(), attempt + 1, error.what());
      if (stopping_requested() && attempt >= 10) {
        module_logger("notify")->critical(
            "notify: giving up on {} fires at shutdown; their alerts stay armed", fresh.size());
        break;
      }
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 4))));
    }
  }
  {
    std::lock_guard lock(mutex_);
    committed_ += stored.size();
    processed_ += batch.size();
  }
  processed_cv_.notify_all();
  for (const StoredNotification& notification : stored) {
    for (NotificationSink* sink : sinks_) sink->deliver(notification);
  }
}

}  // namespace bw
