// Specification of the trigger-policy state in the store: policy columns,
// modify() with revisions, expiry, repeating fires and saved re-arms.
#include <catch2/catch.hpp>

#include <vector>

#include "store/alert_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::kNow;
using bw::testing::px;
using bw::testing::TwoUsers;

namespace {

Alert repeating(TwoUsers& store, UserId user) {
  Alert alert;
  alert.user_id = user;
  alert.symbol = "AAPL";
  alert.condition = Condition{ConditionType::above, px("150")};
  alert.trigger = TriggerPolicy{TriggerMode::every_time, 30'000, RearmBand::by_percent(px("0.2"))};
  alert.expires_at = kNow + 3'600'000;
  return store.alerts.insert(alert, kNow);
}

}  // namespace

TEST_CASE("the trigger policy and expiry survive a round trip through the store", "[store]") {
  TwoUsers store;
  Alert saved = repeating(store, store.alice);
  std::optional<Alert> found = store.alerts.find(store.alice, saved.id);
  REQUIRE(found);
  CHECK(found->trigger == saved.trigger);
  CHECK(found->expires_at == kNow + 3'600'000);
  CHECK(found->rearm_wait == RearmWait::none);
  CHECK(found->revision == 0);
  CHECK(found->condition.upper == Price{});
}

TEST_CASE("a repeating fire keeps the alert armed and stores its event time and re-arm wait",
          "[store]") {
  TwoUsers store;
  Alert alert = repeating(store, store.alice);
  NewNotification fire = store.fire_of(alert);
  fire.state_after = AlertState::armed;
  fire.rearm_wait = RearmWait::below;
  fire.fired_at = kNow + 10;
  REQUIRE(store.notifications.record_fires({fire}).size() == 1);
  std::optional<Alert> after = store.alerts.find(store.alice, alert.id);
  CHECK(after->state == AlertState::armed);
  CHECK(after->last_fired_at == kNow + 10);
  CHECK(after->rearm_wait == RearmWait::below);
  // A second fire of the same repeating alert is recorded too.
  fire.fired_at = kNow + 40'000;
  CHECK(store.notifications.record_fires({fire}).size() == 1);
  CHECK(store.alerts.list_armed().size() == 1);
}

TEST_CASE("modify bumps the revision so a fire of the older version is dropped", "[store]") {
  TwoUsers store;
  Alert alert = repeating(store, store.alice);
  std::optional<Alert> edited = store.alerts.modify(store.alice, alert.id, kNow + 5, [](Alert& a) {
    a.condition.price = px("151");
    return true;
  });
  REQUIRE(edited);
  CHECK(edited->revision == 1);
  CHECK(store.alerts.find(store.alice, alert.id)->condition.price == px("151"));
  NewNotification stale = store.fire_of(alert);  // revision 0
  CHECK(store.notifications.record_fires({stale}).empty());
  NewNotification fresh = store.fire_of(*edited);
  fresh.revision = 1;
  CHECK(store.notifications.record_fires({fresh}).size() == 1);
}

TEST_CASE("modify is scoped by owner and can decline to write", "[store]") {
  TwoUsers store;
  Alert alert = repeating(store, store.alice);
  CHECK_FALSE(store.alerts.modify(store.bob, alert.id, kNow, [](Alert&) { return true; }));
  std::optional<Alert> same = store.alerts.modify(store.alice, alert.id, kNow, [](Alert& a) {
    a.name = "not written";
    return false;
  });
  REQUIRE(same);
  CHECK(store.alerts.find(store.alice, alert.id)->name.empty());
  CHECK(store.alerts.find(store.alice, alert.id)->revision == 0);
}

TEST_CASE("expire_due marks armed and paused alerts past expires_at expired, once", "[store]") {
  TwoUsers store;
  Alert soon = repeating(store, store.alice);
  Alert never = store.armed(store.bob);
  CHECK(store.alerts.expire_due(kNow + 3'599'999).empty());
  CHECK(store.alerts.expire_due(kNow + 3'600'000) == std::vector<AlertId>{soon.id});
  CHECK(store.alerts.find(store.alice, soon.id)->state == AlertState::expired);
  CHECK(store.alerts.find(store.bob, never.id)->state == AlertState::armed);
  CHECK(store.alerts.expire_due(kNow + 4'000'000).empty());
  CHECK(store.alerts.list_armed().size() == 1);
}

TEST_CASE("save_policy_states writes re-arms only at the same revision", "[store]") {
  TwoUsers store;
  Alert alert = repeating(store, store.alice);
  NewNotification fire = store.fire_of(alert);
  fire.state_after = AlertState::armed;
  fire.rearm_wait = RearmWait::below;
  REQUIRE(store.notifications.record_fires({fire}).size() == 1);

  store.alerts.save_policy_states({{alert.id, PolicyState{5, kNow, RearmWait::none}}});
  CHECK(store.alerts.find(store.alice, alert.id)->rearm_wait == RearmWait::below);
  store.alerts.save_policy_states({{alert.id, PolicyState{0, kNow + 1000, RearmWait::none}}});
  CHECK(store.alerts.find(store.alice, alert.id)->rearm_wait == RearmWait::none);
}
