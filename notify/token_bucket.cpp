#include "notify/token_bucket.hpp"

#include <algorithm>

namespace bw {

TokenBuckets::TokenBuckets(std::size_t burst, std::chrono::milliseconds refill,
                           std::size_t max_keys)
    : burst_(burst),
      refill_ms_(std::max<std::int64_t>(refill.count(), 1)),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

void TokenBuckets::refill(Bucket& bucket, TimestampMs now) const {
  if (now <= bucket.updated) return;  // a clock that steps back refills nothing
  const double earned = static_cast<double>(now - bucket.updated) / static_cast<double>(refill_ms_);
  bucket.tokens = std::min(static_cast<double>(burst_), bucket.tokens + earned);
  bucket.updated = now;
}

void TokenBuckets::forget_full(TimestampMs now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= static_cast<double>(burst_) ? buckets_.erase(it) : std::next(it);
  }
}

bool TokenBuckets::try_take(std::int64_t key, TimestampMs now) {
  if (!enabled()) return true;
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) forget_full(now);
    // Still full of busy keys: refuse rather than grow past the bound.
    if (buckets_.size() >= max_keys_) return false;
    it = buckets_.emplace(key, Bucket{static_cast<double>(burst_), now}).first;
  }
  Bucket& bucket = it->second;
  refill(bucket, now);
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

void TokenBuckets::restore(std::vector<std::pair<std::int64_t, TimestampMs>> spends,
                           TimestampMs now) {
  if (!enabled()) return;
  std::sort(spends.begin(), spends.end());  // by key, then time
  for (std::size_t i = 0; i < spends.size();) {
    const std::int64_t key = spends[i].first;
    Bucket bucket{static_cast<double>(burst_), std::min(spends[i].second, now)};
    for (; i < spends.size() && spends[i].first == key; ++i) {
      refill(bucket, std::min(spends[i].second, now));
      bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
    }
    refill(bucket, now);
    if (bucket.tokens >= static_cast<double>(burst_)) {
      buckets_.erase(key);
      continue;
    }
    auto it = buckets_.find(key);
    if (it != buckets_.end()) {
      it->second = bucket;
    } else if (buckets_.size() < max_keys_) {
      buckets_.emplace(key, bucket);
    }
  }
}

}  // namespace bw
