// Specification of bw::DigestRepository: throttled deliveries are grouped into
// one open digest per channel, claimed after group_wait, and settled together.
#include <catch2/catch.hpp>

#include "store/channel_repository.hpp"
#include "store/digest_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using namespace std::chrono_literals;
using bw::testing::kNow;
using bw::testing::TwoUsers;

namespace {

struct Digests : TwoUsers {
  ChannelRepository channels{temp.db()};
  DeliveryRepository deliveries{temp.db()};
  DigestRepository digests{temp.db()};
  ChannelId channel = webhook(alice);

  ChannelId webhook(UserId user) {
    Channel c;
    c.user_id = user;
    c.type = ChannelType::webhook;
    c.target = "https://example.com/hook";
    c.secret = "whsec_c2VjcmV0";
    return channels.insert(c, kNow).id;
  }

  // Fires `n` alerts notifying `channel`; returns their deliveries (throttled).
  std::vector<ThrottledDelivery> throttled(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Alert alert = armed(alice);
      channels.link_alert(alert.id, {channel});
      REQUIRE(notifications.record_fires({fire_of(alert)}).size() == 1);
    }
    std::vector<ThrottledDelivery> out;
    for (const DueDelivery& d : deliveries.claim_due(kNow + 1000, 1000, {})) {
      out.push_back({d.delivery.id, d.channel.id, d.delivery.user_id});
    }
    REQUIRE(out.size() == n);
    return out;
  }
};

DigestOutcome outcome(const DueDigest& due, DeliveryStatus status) {
  DigestOutcome o;
  o.id = due.digest.id;
  o.status = status;
  for (const DigestMember& m : due.members) o.members.push_back(m.delivery_id);
  return o;
}

}  // namespace

TEST_CASE("throttled deliveries of a channel share one digest, due after group_wait",
          "[store][digest]") {
  Digests box;
  auto throttled = box.throttled(3);
  CHECK(box.digests.group(throttled, kNow + 1000, 30s, 100) == 3);
  // Grouped deliveries are no longer the outbox's to send one by one.
  CHECK(box.deliveries.claim_due(kNow + 100000, 100, {}).empty());
  CHECK(box.digests.claim_due(kNow + 30999, 10, {}, 100).empty());
  auto due = box.digests.claim_due(kNow + 31000, 10, {}, 100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].members.size() == 3);
  CHECK(due[0].channel.id == box.channel);
}

TEST_CASE("next_due is the earliest open digest's time, not counting those in flight",
          "[store][digest]") {
  Digests box;
  CHECK(box.digests.next_due({}) == std::nullopt);
  CHECK(box.digests.group(box.throttled(2), kNow + 1000, 30s, 100) == 2);
  auto due = box.digests.claim_due(kNow + 31000, 10, {}, 100);
  REQUIRE(due.size() == 1);
  CHECK(box.digests.next_due({}) == kNow + 31000);
  CHECK(box.digests.next_due({due[0].digest.id}) == std::nullopt);
}

TEST_CASE("a full digest makes the next throttled delivery open another", "[store][digest]") {
  Digests box;
  auto throttled = box.throttled(3);
  CHECK(box.digests.group(throttled, kNow + 1000, 30s, 2) == 3);
  auto due = box.digests.claim_due(kNow + 31000, 10, {}, 100);
  REQUIRE(due.size() == 2);
  CHECK(due[0].members.size() + due[1].members.size() == 3);
}

TEST_CASE("a delivery is grouped at most once", "[store][digest]") {
  Digests box;
  auto throttled = box.throttled(2);
  CHECK(box.digests.group(throttled, kNow + 1000, 30s, 100) == 2);
  CHECK(box.digests.group(throttled, kNow + 2000, 30s, 100) == 0);
  auto due = box.digests.claim_due(kNow + 100000, 10, {}, 100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].members.size() == 2);
}

TEST_CASE("a delivered digest delivers exactly the members it carried", "[store][digest]") {
  Digests box;
  auto throttled = box.throttled(3);
  box.digests.group(throttled, kNow + 1000, 30s, 100);
  DueDigest due = box.digests.claim_due(kNow + 31000, 10, {}, 100).at(0);
  DigestOutcome o = outcome(due, DeliveryStatus::delivered);
  o.members.pop_back();  // pretend the last one joined after the claim
  CHECK(box.digests.record_attempt(o, kNow + 32000).empty());
  CHECK(box.deliveries.count(DeliveryStatus::delivered) == 2);
  // The member not carried is an ordinary pending delivery again: not lost.
  auto again = box.deliveries.claim_due(kNow + 32000, 10, {});
  REQUIRE(again.size() == 1);
  CHECK(again[0].delivery.id == due.members.back().delivery_id);
  CHECK(box.digests.claim_due(kNow + 100000, 10, {}, 100).empty());
}

TEST_CASE("a failed digest attempt retries with its members still grouped", "[store][digest]") {
  Digests box;
  box.digests.group(box.throttled(2), kNow + 1000, 30s, 100);
  DueDigest due = box.digests.claim_due(kNow + 31000, 10, {}, 100).at(0);
  DigestOutcome o = outcome(due, DeliveryStatus::retrying);
  o.error = "HTTP 500";
  o.next_attempt_at = kNow + 40000;
  box.digests.record_attempt(o, kNow + 32000);
  CHECK(box.digests.claim_due(kNow + 39999, 10, {}, 100).empty());
  auto retry = box.digests.claim_due(kNow + 40000, 10, {}, 100);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].digest.attempts == 1);
  CHECK(retry[0].members.size() == 2);
}

TEST_CASE("a dead digest reports its members dead", "[store][digest]") {
  Digests box;
  box.digests.group(box.throttled(2), kNow + 1000, 30s, 100);
  DueDigest due = box.digests.claim_due(kNow + 31000, 10, {}, 100).at(0);
  auto finished = box.digests.record_attempt(outcome(due, DeliveryStatus::dead), kNow + 32000);
  REQUIRE(finished.size() == 2);
  CHECK(finished[0].status == DeliveryStatus::dead);
  CHECK(finished[0].digest_id == due.digest.id);
}

TEST_CASE("a 410 on a digest disables the channel and fails everything open", "[store][digest]") {
  Digests box;
  box.digests.group(box.throttled(2), kNow + 1000, 30s, 100);
  DueDigest due = box.digests.claim_due(kNow + 31000, 10, {}, 100).at(0);
  DigestOutcome o = outcome(due, DeliveryStatus::failed);
  o.error = "HTTP 410 Gone: endpoint disabled";
  o.disable_channel = true;
  CHECK(box.digests.record_attempt(o, kNow + 32000).size() == 2);
  CHECK_FALSE(box.channels.find(box.alice, box.channel)->enabled);
  CHECK(box.deliveries.count(DeliveryStatus::failed) == 2);
}

TEST_CASE("a grouped delivery cannot be retried by hand", "[store][digest]") {
  Digests box;
  auto throttled = box.throttled(1);
  box.digests.group(throttled, kNow + 1000, 30s, 100);
  Result<Delivery> retried = box.deliveries.retry_now(box.alice, throttled[0].id, kNow + 2000);
  REQUIRE_FALSE(retried);
  CHECK(retried.error().rfind("status: grouped into digest", 0) == 0);
}
