#include "ingest/rate_limited_log.hpp"

#include "log/module_logger.hpp"

namespace bw {

RateLimitedLog::RateLimitedLog(const char* module, std::chrono::milliseconds window,
                               std::uint32_t burst)
    : module_(module), window_(window), burst_(burst) {}

bool RateLimitedLog::allow(TimestampMs now_ms, std::uint64_t& suppressed) {
  std::lock_guard lock(mutex_);
  if (window_start_ms_ == 0 || now_ms - window_start_ms_ >= window_.count() ||
      now_ms < window_start_ms_) {
    window_start_ms_ = now_ms;
    written_in_window_ = 0;
  }
  if (written_in_window_ >= burst_) {
    ++pending_suppressed_;
    ++suppressed_total_;
    return false;
  }
  ++written_in_window_;
  suppressed = pending_suppressed_;
  pending_suppressed_ = 0;
  return true;
}

void RateLimitedLog::warn(TimestampMs now_ms, std::string_view message) {
  std::uint64_t suppressed = 0;
  if (!allow(now_ms, suppressed)) return;
  if (suppressed == 0) {
    module_logger(module_)->warn("{}", message);
  } else {
    module_logger(module_)->warn("{} ({} similar messages suppressed)", message, suppressed);
  }
}

std::uint64_t RateLimitedLog::suppressed_total() const {
  std::lock_guard lock(mutex_);
  return suppressed_total_;
}

}  // namespace bw
