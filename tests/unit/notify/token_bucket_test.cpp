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

TEST_CASE("restore keeps tokens spent before a restart spent", "[notify][throttle][restore]") {
  // Before the restart: 3 of a burst of 3 taken at 0, one more at 1000.
  TokenBuckets before(3, 1000ms);
  for (TimestampMs t : {0, 0, 0, 1000}) CHECK(before.try_take(7, t));
  TokenBuckets after(3, 1000ms);
  after.restore({{7, 1000}, {7, 0}, {7, 0}, {7, 0}}, 1500);
  // Both agree from here on: nothing at 1500, one token at 2000, then none.
  for (TimestampMs t : {1500, 1999, 2000, 2000, 2500, 3000}) {
    CHECK(before.try_take(7, t) == after.try_take(7, t));
  }
  // Unlike a fresh bucket, which would let the burst through.
  TokenBuckets fresh(3, 1000ms);
  CHECK(fresh.try_take(7, 1500));
  TokenBuckets restored(3, 1000ms);
  restored.restore({{7, 0}, {7, 0}, {7, 0}, {7, 1000}}, 1500);
  CHECK_FALSE(restored.try_take(7, 1500));
}

TEST_CASE("restore refills up to now and forgets full buckets", "[notify][throttle][restore]") {
  TokenBuckets buckets(2, 1000ms);
  buckets.restore({{1, 0}, {1, 0}, {2, 0}}, 1000);
  CHECK(buckets.size() == 1);  // key 2 has refilled completely
  CHECK(buckets.try_take(1, 1000));
  CHECK_FALSE(buckets.try_take(1, 1000));
  CHECK(buckets.try_take(2, 1000));
  CHECK(buckets.try_take(2, 1000));
  CHECK_FALSE(buckets.try_take(2, 1000));
  CHECK(buckets.restore_window() == 2000);
}

TEST_CASE("restore clamps at zero and keys stay separate", "[notify][throttle][restore]") {
  TokenBuckets buckets(1, 1000ms);
  // More spends than tokens (an earlier, larger burst): empty, not negative.
  buckets.restore({{1, 0}, {1, 0}, {1, 0}, {3, 0}}, 0);
  CHECK_FALSE(buckets.try_take(1, 999));
  CHECK(buckets.try_take(1, 1000));
  CHECK_FALSE(buckets.try_take(3, 500));
  CHECK(buckets.try_take(4, 0));
}

TEST_CASE("restore respects max_keys and does nothing when disabled",
          "[notify][throttle][restore]") {
  TokenBuckets bounded(1, 1000ms, 2);
  bounded.restore({{1, 0}, {2, 0}, {3, 0}}, 0);
  CHECK(bounded.size() == 2);
  TokenBuckets off(0, 1000ms);
  off.restore({{1, 0}}, 0);
  CHECK(off.size() == 0);
  CHECK(off.try_take(1, 0));
}
