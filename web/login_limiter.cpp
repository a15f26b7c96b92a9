#include "web/login_limiter.hpp"

#include <algorithm>

namespace bw {

void LoginLimiter::expire(std::deque<std::int64_t>& failures, std::int64_t now_ms) const {
  while (!failures.empty() && failures.front() <= now_ms - window_ms_) failures.pop_front();
}

std::optional<std::int64_t> LoginLimiter::blocked_for(const std::string& key, int limit,
                                                      std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return std::nullopt;
  expire(it->second, now_ms);
  if (static_cast<int>(it->second.size()) < limit) return std::nullopt;
  // Free again when enough of the oldest failures leave the window.
  const std::int64_t until = it->second[it->second.size() - limit] + window_ms_;
  return std::max<std::int64_t>(1, (until - now_ms + 999) / 1000);
}

void LoginLimiter::record_failure(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (!failures_.count(key) && failures_.size() >= max_keys_) make_room(now_ms);
  std::deque<std::int64_t>& failures = failures_[key];
  expire(failures, now_ms);
  failures.push_back(now_ms);
  // A key never needs more entries than the largest limit; cap memory per key.
  if (failures.size() > 1000) failures.pop_front();
}

void LoginLimiter::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

void LoginLimiter::make_room(std::int64_t now_ms) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    expire(it->second, now_ms);
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
  if (failures_.size() < max_keys_) return;
  auto oldest = std::min_element(
      failures_.begin(), failures_.end(),
      [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
  failures_.erase(oldest);
}

}  // namespace bw
