// Specification of bw::TokenBuckets: per-key bursts, refill over time, bounds.
#include <catch2/catch.hpp>

#include "notify/token_bucket.hpp"

using namespace bw;
using namespace std::chrono_literals;

TEST_CASE("a bucket allows its burst at once, then refuses", "[notify][throttle]") {
  TokenBuckets buckets(3, 1000ms);
  CHECK(buckets.try_take(1, 0));
  CHECK(buckets.try_take(1, 0));
  CHECK(buckets.try_take(1, 0));
  CHECK_FALSE(buckets.try_take(1, 0));
}

TEST_CASE("a bucket earns one token per refill interval, up to its burst", "[notify][throttle]") {
  TokenBuckets buckets(2, 1000ms);
  CHECK(buckets.try_take(1, 0));
  CHECK(buckets.try_take(1, 0));
  CHECK_FALSE(buckets.try_take(1, 999));
  CHECK(buckets.try_take(1, 1000));
  CHECK_FALSE(buckets.try_take(1, 1000));
  // A long pause refills only to the burst.
  CHECK(buckets.try_take(1, 100000));
  CHECK(buckets.try_take(1, 100000));
  CHECK_FALSE(buckets.try_take(1, 100000));
}

TEST_CASE("keys have separate buckets", "[notify][throttle]") {
  TokenBuckets buckets(1, 1000ms);
  CHECK(buckets.try_take(1, 0));
  CHECK_FALSE(buckets.try_take(1, 0));
  CHECK(buckets.try_take(2, 0));
}

TEST_CASE("a burst of zero disables limiting", "[notify][throttle]") {
  TokenBuckets buckets(0, 1000ms);
  CHECK_FALSE(buckets.enabled());
  for (int i = 0; i < 100; ++i) CHECK(buckets.try_take(1, 0));
}

TEST_CASE("a clock that steps back earns nothing", "[notify][throttle]") {
  TokenBuckets buckets(1, 1000ms);
  CHECK(buckets.try_take(1, 5000));
  CHECK_FALSE(buckets.try_take(1, 0));
  CHECK_FALSE(buckets.try_take(1, 5999));
  CHECK(buckets.try_take(1, 6000));
}

TEST_CASE("past max_keys idle buckets are forgotten, busy ones kept", "[notify][throttle]") {
  TokenBuckets buckets(1, 1000ms, 2);
  CHECK(buckets.try_take(1, 0));
  CHECK(buckets.try_take(2, 0));
  // Both busy: a third key is refused rather than growing the map.
  CHECK_FALSE(buckets.try_take(3, 0));
  CHECK(buckets.size() == 2);
  // Later both refilled (idle): they are forgotten and key 3 gets a bucket.
  CHECK(buckets.try_take(3, 5000));
  CHECK(buckets.size() == 1);
}
