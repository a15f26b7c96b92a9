#include "app/alert_expiry.hpp"

#include "log/module_logger.hpp"
#include "web/alert_events.hpp"

namespace bw {

AlertExpirySweeper::AlertExpirySweeper(AlertRepository& alerts, AlertEngine& engine,
                                       const Clock& clock, std::chrono::milliseconds interval,
                                       Publish publish)
    : alerts_(alerts),
      engine_(engine),
      clock_(clock),
      interval_(interval),
      publish_(std::move(publish)) {}

AlertExpirySweeper::~AlertExpirySweeper() {
  stop();
}

void AlertExpirySweeper::start() {
  thread_ = std::thread([this] { run(); });
}

void AlertExpirySweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t AlertExpirySweeper::sweep_now() {
  const auto expired = alerts_.expire_due_with_owners(clock_.now_ms());
  for (const auto& [id, user] : expired) {
    engine_.disarm(id);
    if (publish_) publish_(user, alert_expired_event(id));
  }
  return expired.size();
}

void AlertExpirySweeper::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      sweep_now();
    } catch (const std::exception& error) {
      // The next pass tries again; API reads also sweep.
      module_logger("store")->error("store: expiring alerts failed: {}", error.what());
    }
    lock.lock();
  }
}

}  // namespace bw
