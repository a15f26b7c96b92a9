#include "ingest/source_health.hpp"

namespace bw {

std::string_view to_string(SourceState state) {
  switch (state) {
    case SourceState::connecting:
      return "connecting";
    case SourceState::live:
      return "live";
    case SourceState::stale:
      return "stale";
    case SourceState::down:
      return "down";
  }
  return "down";
}

SourceMonitor::SourceMonitor(std::string name, std::string type)
    : name_(std::move(name)), type_(std::move(type)) {}

void SourceMonitor::connecting() {
  std::lock_guard lock(mutex_);
  state_ = SourceState::connecting;
}

void SourceMonitor::live() {
  std::lock_guard lock(mutex_);
  state_ = SourceState::live;
}

void SourceMonitor::down(std::string reason) {
  std::lock_guard lock(mutex_);
  state_ = SourceState::down;
  last_error_ = std::move(reason);
}

void SourceMonitor::reconnecting() {
  std::lock_guard lock(mutex_);
  ++reconnects_;
  state_ = SourceState::connecting;
}

void SourceMonitor::message(TimestampMs now_ms) {
  messages_.fetch_add(1, std::memory_order_relaxed);
  last_message_ms_.store(now_ms, std::memory_order_relaxed);
}

void SourceMonitor::messages(TimestampMs now_ms, std::uint64_t count) {
  messages_.fetch_add(count, std::memory_order_relaxed);
  last_message_ms_.store(now_ms, std::memory_order_relaxed);
}

void SourceMonitor::rejected(std::string_view reason) {
  rejected_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  auto it = reasons_.find(reason);
  if (it != reasons_.end()) {
    ++it->second;
  } else if (reasons_.size() < kMaxReasons) {
    reasons_.emplace(std::string(reason), 1);
  } else {
    ++reasons_["other"];
  }
}

SourceHealth SourceMonitor::snapshot(TimestampMs now_ms,
                                     std::chrono::milliseconds stale_after) const {
  SourceHealth h;
  h.name = name_;
  h.type = type_;
  h.messages = messages_.load(std::memory_order_relaxed);
  h.rejected = rejected_.load(std::memory_order_relaxed);
  h.last_message_ms = last_message_ms_.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  h.state = state_;
  const TimestampMs since_live = h.last_message_ms ? now_ms - h.last_message_ms : now_ms;
  if (state_ == SourceState::live && h.last_message_ms != 0 && since_live > stale_after.count()) {
    h.state = SourceState::stale;
  }
  h.last_error = last_error_;
  h.reconnects = reconnects_;
  h.rejected_by_reason.insert(reasons_.begin(), reasons_.end());
  if (window_start_ms_ == 0) {
    window_start_ms_ = now_ms;
    window_start_count_ = h.messages;
  } else if (now_ms - window_start_ms_ >= 1000) {
    last_rate_ = static_cast<double>(h.messages - window_start_count_) * 1000.0 /
                 static_cast<double>(now_ms - window_start_ms_);
    window_start_ms_ = now_ms;
    window_start_count_ = h.messages;
  }
  h.messages_per_s = last_rate_;
  return h;
}

}  // namespace bw
