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
//
// Restart: the buckets live in memory, so the dispatcher rebuilds them at
// start from the first attempts the outbox recorded in the last full refill
// period (`restore_window()`), so tokens spent before a restart stay spent.
#pragma once

#include <chrono>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

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
  // How far back spends can still matter: an untouched bucket is full again
  // after burst × refill (0 when disabled).
  std::int64_t restore_window() const { return static_cast<std::int64_t>(burst_) * refill_ms_; }
  // Rebuilds buckets from tokens taken before a restart: (key, when) pairs,
  // in any order. Each key's bucket is replayed from full at its earliest
  // spend (a spend that found no token, e.g. under a smaller burst, leaves it
  // at zero), then refilled to `now`; keys that come out full get no bucket,
  // and no more than max_keys are kept (the rest start full). Spends after
  // `now` count as taken at `now`.
  void restore(std::vector<std::pair<std::int64_t, TimestampMs>> spends, TimestampMs now);

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
