// Specification of the outbox (bw::DeliveryRepository, with ChannelRepository
// and NotificationRepository::record_fires): deliveries are born with their
// notification, claimed when due, and move through their states by attempts.
#include <catch2/catch.hpp>

#include <set>

#include "store/channel_repository.hpp"
#include "store/delivery_repository.hpp"
#include "store/user_settings_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::kNow;
using bw::testing::TwoUsers;

namespace {

struct Outbox : TwoUsers {
  ChannelRepository channels{temp.db()};
  DeliveryRepository deliveries{temp.db()};

  ChannelId webhook(UserId user, std::string url = "https://example.com/hook") {
    Channel c;
    c.user_id = user;
    c.type = ChannelType::webhook;
    c.target = std::move(url);
    c.secret = "whsec_c2VjcmV0";
    return channels.insert(c, kNow).id;
  }

  // A fired alert of `user` that notifies `ids`; returns the notification id.
  NotificationId fire(UserId user, const std::vector<ChannelId>& ids) {
    Alert alert = armed(user);
    channels.link_alert(alert.id, ids);
    auto stored = notifications.record_fires({fire_of(alert)});
    REQUIRE(stored.size() == 1);
    return stored[0].id;
  }

  std::vector<DueDelivery> due(TimestampMs at, std::size_t limit = 100) {
    return deliveries.claim_due(at, limit, {});
  }
};

AttemptOutcome outcome(DeliveryId id, DeliveryStatus status, std::string error = "",
                       TimestampMs next = 0) {
  AttemptOutcome o;
  o.id = id;
  o.status = status;
  o.error = std::move(error);
  o.next_attempt_at = next;
  return o;
}

}  // namespace

TEST_CASE("record_fires creates one pending delivery per channel of the alert", "[store]") {
  Outbox box;
  ChannelId a = box.webhook(box.alice);
  ChannelId b = box.webhook(box.alice, "https://example.org/other");
  NotificationId n = box.fire(box.alice, {a, b});

  auto list = box.deliveries.list_for_notification(box.alice, n);
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].channel_id == a);
  CHECK((*list)[1].channel_id == b);
  for (const Delivery& d : *list) {
    CHECK(d.status == DeliveryStatus::pending);
    CHECK(d.attempts == 0);
  }
}

TEST_CASE("record_fires tells how many deliveries each batch wrote", "[store]") {
  Outbox box;
  const ChannelId a = box.webhook(box.alice);
  const ChannelId b = box.webhook(box.alice, "https://example.org/other");
  Alert two = box.armed(box.alice), none = box.armed(box.alice), one = box.armed(box.alice);
  box.channels.link_alert(two.id, {a, b});
  box.channels.link_alert(one.id, {b});
  auto stored =
      box.notifications.record_fires({box.fire_of(two), box.fire_of(none), box.fire_of(one)});
  REQUIRE(stored.size() == 3);
  for (const StoredNotification& n : stored) CHECK(n.batch_deliveries == 3);
  auto alone = box.notifications.record_fires({box.fire_of(box.armed(box.alice))});
  REQUIRE(alone.size() == 1);
  CHECK(alone[0].batch_deliveries == 0);  // no channels: nothing for the dispatcher
}

TEST_CASE("an alert without channels gets a notification and no delivery", "[store]") {
  Outbox box;
  NotificationId n = box.fire(box.alice, {});
  auto list = box.deliveries.list_for_notification(box.alice, n);
  REQUIRE(list);
  CHECK(list->empty());
  CHECK(box.due(kNow + 10000).empty());
}

TEST_CASE("claim_due returns due deliveries with channel, notification and alert", "[store]") {
  Outbox box;
  ChannelId a = box.webhook(box.alice);
  NotificationId n = box.fire(box.alice, {a});

  auto due = box.due(kNow + 1000);
  REQUIRE(due.size() == 1);
  CHECK(due[0].notification.id == n);
  CHECK(due[0].channel.target == "https://example.com/hook");
  CHECK(due[0].channel.secret == "whsec_c2VjcmV0");
  CHECK(due[0].alert.exists);
  CHECK(due[0].notification.content.symbol == "AAPL");
  // Not due before its time, and in-flight ids are skipped.
  CHECK(box.due(kNow + 999).empty());
  CHECK(box.deliveries.claim_due(kNow + 1000, 10, {due[0].delivery.id}).empty());
}

TEST_CASE("a failed attempt schedules a retry and keeps the delivery id", "[store]") {
  Outbox box;
  box.fire(box.alice, {box.webhook(box.alice)});
  DeliveryId id = box.due(kNow + 1000).at(0).delivery.id;

  auto finished = box.deliveries.record_attempts(
      {outcome(id, DeliveryStatus::retrying, "HTTP 500", kNow + 6000)}, kNow + 1000);
  CHECK(finished.empty());
  CHECK(box.due(kNow + 5999).empty());
  auto again = box.due(kNow + 6000);
  REQUIRE(again.size() == 1);
  CHECK(again[0].delivery.id == id);
  CHECK(again[0].delivery.attempts == 1);
  CHECK(again[0].delivery.status == DeliveryStatus::retrying);
  CHECK(again[0].delivery.last_error == "HTTP 500");
}

TEST_CASE("next_due is the earliest open delivery's time, not counting those in flight",
          "[store]") {
  Outbox box;
  ChannelId a = box.webhook(box.alice);
  box.fire(box.alice, {a});
  box.fire(box.alice, {a});
  auto due = box.due(kNow + 1000);
  REQUIRE(due.size() == 2);
  const DeliveryId first = due[0].delivery.id, second = due[1].delivery.id;
  (void)box.deliveries.record_attempts(
      {outcome(second, DeliveryStatus::retrying, "HTTP 500", kNow + 6000)}, kNow + 1000);

  CHECK(box.deliveries.next_due({}) == due[0].delivery.next_attempt_at);
  CHECK(box.deliveries.next_due({first}) == kNow + 6000);
  CHECK(box.deliveries.next_due({first, second}) == std::nullopt);
  (void)box.deliveries.record_attempts({outcome(first, DeliveryStatus::delivered)}, kNow + 1100);
  CHECK(box.deliveries.next_due({}) == kNow + 6000);
}

TEST_CASE("a shard claims and waits for its own channels only", "[store]") {
  Outbox box;
  std::vector<ChannelId> channels;
  for (int i = 0; i < 4; ++i) {
    channels.push_back(box.webhook(box.alice));
    box.fire(box.alice, {channels.back()});
  }
  std::set<ChannelId> seen;
  for (std::size_t index = 0; index < 2; ++index) {
    const DeliveryShard shard{index, 2};
    auto due = box.deliveries.claim_due(kNow + 1000, 100, {}, shard);
    CHECK(due.size() == 2);
    for (const DueDelivery& d : due) {
      CHECK(d.channel.id % 2 == static_cast<ChannelId>(index));
      CHECK(shard.owns(d.channel.id));
      seen.insert(d.channel.id);
    }
    std::set<DeliveryId> taken;
    for (const DueDelivery& d : due) taken.insert(d.delivery.id);
    CHECK(box.deliveries.next_due({}, shard).has_value());
    CHECK(box.deliveries.next_due(taken, shard) == std::nullopt);  // the other shard's are not its
  }
  CHECK(seen == std::set<ChannelId>(channels.begin(), channels.end()));
}

TEST_CASE("a delivered delivery is never claimed again", "[store]") {
  Outbox box;
  box.fire(box.alice, {box.webhook(box.alice)});
  DeliveryId id = box.due(kNow + 1000).at(0).delivery.id;
  (void)box.deliveries.record_attempts({outcome(id, DeliveryStatus::delivered)}, kNow + 1100);
  CHECK(box.due(kNow + 100000).empty());
  auto d = box.deliveries.find(box.alice, id);
  REQUIRE(d);
  CHECK(d->status == DeliveryStatus::delivered);
  CHECK(d->delivered_at == kNow + 1100);
  CHECK(box.deliveries.count(DeliveryStatus::delivered) == 1);
}

TEST_CASE("a dead delivery is reported and can be retried by its owner only", "[store]") {
  Outbox box;
  box.fire(box.alice, {box.webhook(box.alice)});
  DeliveryId id = box.due(kNow + 1000).at(0).delivery.id;
  auto finished =
      box.deliveries.record_attempts({outcome(id, DeliveryStatus::dead, "HTTP 503")}, kNow + 2000);
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].status == DeliveryStatus::dead);
  CHECK(finished[0].user_id == box.alice);
  CHECK(box.due(kNow + 100000).empty());

  CHECK_FALSE(box.deliveries.retry_now(box.bob, id, kNow + 3000));
  auto retried = box.deliveries.retry_now(box.alice, id, kNow + 3000);
  REQUIRE(retried);
  CHECK(retried->status == DeliveryStatus::retrying);
  CHECK(box.due(kNow + 3000).size() == 1);
}

TEST_CASE("410 disables the channel and fails its other open deliveries", "[store]") {
  Outbox box;
  ChannelId a = box.webhook(box.alice);
  box.fire(box.alice, {a});
  box.fire(box.alice, {a});
  auto due = box.due(kNow + 1000);
  REQUIRE(due.size() == 2);
  AttemptOutcome gone = outcome(due[0].delivery.id, DeliveryStatus::failed, "HTTP 410 Gone");
  gone.disable_channel = true;
  auto finished = box.deliveries.record_attempts({gone}, kNow + 1000);
  REQUIRE(finished.size() == 1);
  CHECK_FALSE(box.channels.find(box.alice, a)->enabled);
  CHECK(box.due(kNow + 100000).empty());
  CHECK(box.deliveries.find(box.alice, due[1].delivery.id)->status == DeliveryStatus::failed);
  // Retrying into a disabled channel is refused with a reason.
  auto retry = box.deliveries.retry_now(box.alice, due[1].delivery.id, kNow + 2000);
  REQUIRE_FALSE(retry);
  CHECK(retry.error().find("disabled") != std::string::npos);
  // A fire after the channel is disabled creates no delivery for it.
  NotificationId later = box.fire(box.alice, {a});
  CHECK(box.deliveries.list_for_notification(box.alice, later)->empty());
}

TEST_CASE("users see only their own channels and deliveries", "[store]") {
  Outbox box;
  ChannelId a = box.webhook(box.alice);
  NotificationId n = box.fire(box.alice, {a});
  CHECK_FALSE(box.channels.find(box.bob, a));
  CHECK(box.channels.not_owned(box.bob, {a}) == std::vector<ChannelId>{a});
  CHECK(box.channels.not_owned(box.alice, {a}).empty());
  CHECK_FALSE(box.deliveries.list_for_notification(box.bob, n));
  CHECK_FALSE(box.channels.remove(box.bob, a));
  CHECK(box.channels.remove(box.alice, a));
  CHECK(box.deliveries.list_for_notification(box.alice, n)->empty());
}

TEST_CASE("a delivery held for quiet hours is due again when they end", "[store][quiet]") {
  Outbox box;
  box.fire(box.alice, {box.webhook(box.alice)});
  DeliveryId id = box.due(kNow + 1000).at(0).delivery.id;
  box.deliveries.defer({{id, kNow + 60000}}, kNow + 1000);
  CHECK(box.due(kNow + 59999).empty());
  auto later = box.due(kNow + 60000);
  REQUIRE(later.size() == 1);
  CHECK(later[0].delivery.attempts == 0);
  CHECK(later[0].delivery.status == DeliveryStatus::pending);
}

TEST_CASE("changing quiet hours releases only that user's held deliveries", "[store][quiet]") {
  Outbox box;
  UserSettingsRepository settings(box.temp.db());
  box.fire(box.alice, {box.webhook(box.alice)});
  box.fire(box.bob, {box.webhook(box.bob)});
  std::vector<DueDelivery> both = box.due(kNow + 1000);
  REQUIRE(both.size() == 2);
  box.deliveries.defer({{both[0].delivery.id, kNow + 60000}, {both[1].delivery.id, kNow + 60000}},
                       kNow + 1000);
  CHECK(settings.save_quiet_hours(box.alice, std::nullopt, kNow + 2000) == 1);
  auto due = box.due(kNow + 2000);
  REQUIRE(due.size() == 1);
  CHECK(due[0].delivery.user_id == box.alice);
  // Released once: a second change finds nothing left to release.
  CHECK(settings.save_quiet_hours(box.alice, std::nullopt, kNow + 3000) == 0);
}

TEST_CASE("quiet hours are stored per user and can be cleared", "[store][quiet]") {
  TwoUsers store;
  UserSettingsRepository settings(store.temp.db());
  CHECK_FALSE(settings.quiet_hours(store.alice));
  const QuietHoursRow row{22 * 60, 7 * 60, "America/New_York"};
  settings.save_quiet_hours(store.alice, row, kNow);
  CHECK(settings.quiet_hours(store.alice) == row);
  CHECK_FALSE(settings.quiet_hours(store.bob));
  settings.save_quiet_hours(store.alice, std::nullopt, kNow);
  CHECK_FALSE(settings.quiet_hours(store.alice));
}

TEST_CASE("first attempts are recorded once, with their start, for restoring rate limits",
          "[store][throttle]") {
  Outbox box;
  ChannelId a = box.webhook(box.alice);
  ChannelId b = box.webhook(box.bob);
  box.fire(box.alice, {a});
  box.fire(box.bob, {b});
  box.fire(box.alice, {a});  // never attempted: not a spent token
  auto due = box.due(kNow + 1000);
  REQUIRE(due.size() == 3);
  AttemptOutcome first = outcome(due[0].delivery.id, DeliveryStatus::retrying, "HTTP 500", kNow);
  first.started_at = kNow + 500;
  AttemptOutcome second = outcome(due[1].delivery.id, DeliveryStatus::delivered);  // no start
  (void)box.deliveries.record_attempts({first, second}, kNow + 1000);
  // A retry is not a first attempt: the first start stays.
  AttemptOutcome retry = outcome(due[0].delivery.id, DeliveryStatus::delivered);
  retry.started_at = kNow + 9000;
  (void)box.deliveries.record_attempts({retry}, kNow + 9000);

  auto spent = box.deliveries.first_attempts_since(kNow, 10);
  REQUIRE(spent.size() == 2);
  CHECK(spent[0].channel_id == due[1].channel.id);  // newest first
  CHECK(spent[0].at == kNow + 1000);                // no start: the record time
  CHECK(spent[1].channel_id == due[0].channel.id);
  CHECK(spent[1].at == kNow + 500);
  CHECK(box.deliveries.first_attempts_since(kNow + 600, 10).size() == 1);
  CHECK(box.deliveries.first_attempts_since(kNow, 1).size() == 1);
}

TEST_CASE("a first attempt stamped when it begins counts before its outcome and keeps its start",
          "[store][throttle]") {
  Outbox box;
  ChannelId a = box.webhook(box.alice);
  box.fire(box.alice, {a});
  box.fire(box.alice, {a});
  auto due = box.due(kNow + 1000);
  REQUIRE(due.size() == 2);
  CHECK_FALSE(due[0].first_attempt_at);

  // Begun, not finished (as at a kill -9): the token is already on record,
  // and the delivery is still due, now showing its started first attempt.
  box.deliveries.mark_first_attempts({due[0].delivery.id}, kNow + 700);
  auto spent = box.deliveries.first_attempts_since(kNow, 10);
  REQUIRE(spent.size() == 1);
  CHECK(spent[0].channel_id == a);
  CHECK(spent[0].at == kNow + 700);
  auto again = box.due(kNow + 1000);
  REQUIRE(again.size() == 2);
  CHECK(again[0].delivery.status == DeliveryStatus::pending);
  CHECK(again[0].delivery.attempts == 0);
  CHECK(again[0].first_attempt_at == kNow + 700);
  CHECK_FALSE(again[1].first_attempt_at);

  // Stamping again (the resent attempt) and the outcome keep the first start.
  box.deliveries.mark_first_attempts({due[0].delivery.id}, kNow + 5000);
  AttemptOutcome done = outcome(due[0].delivery.id, DeliveryStatus::delivered);
  done.started_at = kNow + 5000;
  (void)box.deliveries.record_attempts({done}, kNow + 6000);
  spent = box.deliveries.first_attempts_since(kNow, 10);
  REQUIRE(spent.size() == 1);
  CHECK(spent[0].at == kNow + 700);
}
