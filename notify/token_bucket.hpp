// TokenBuckets: per-channel rate limits for outgoing deliveries. Each key
// (a channel, and so one user's one endpoint) has a bucket of `burst` tokens
// refilled by one every `refill`; a first attempt takes a token, and a
// delivery that finds none is throttled (grouped into a digest; never
// dropped). Time is passed in, so tests need no clock.
//
//   TokenBuckets buckets(10, std::chrono::seconds(6));   // 10 at once, then 10/min
//   if (!buckets.try_take(channel_id, now)) group_into_digest(d);
//
// Bound: at most `max_keys` buckets; past that, full buckets (idle keys) are
// forgotten first (a forgotten key starts full again, which is what it was).
// Not thread-safe: the dispatcher thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <unordered_map>

#include "rules/quote.hpp"

namespace bw {

class TokenBuckets {
 public:
  // burst 0 disables limiting (try_take always succeeds).
  TokenBuckets(std::size_t burst, std::chrono::milliseconds refill, std::size_t max_keys = 100000);

  bool enabled() const { return burst_ > 0; }
  // Takes a token from `key`'s bucket at `now`; false when it is empty.
  bool try_take(std::int64_t key, TimestampMs now);
  std::size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    TimestampMs updated = 0;
  };
  void refill(Bucket& bucket, TimestampMs now) const;
  void forget_full(TimestampMs now);

  std::size_t burst_;
  std::int64_t refill_ms_;
  std::size_t max_keys_;
  std::unordered_map<std::int64_t, Bucket> buckets_;
};

}  // namespace bw
