// Specification of bw::AlertRepository: alerts as rows, every query scoped by
// owner.
#include <catch2/catch.hpp>

#include <vector>

#include "store/alert_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::kNow;
using bw::testing::px;
using bw::testing::TwoUsers;

namespace {

std::vector<AlertId> ids(const std::vector<Alert>& alerts) {
  std::vector<AlertId> out;
  for (const Alert& alert : alerts) out.push_back(alert.id);
  return out;
}

}  // namespace

TEST_CASE("insert assigns an id and created_at and keeps every field", "[store]") {
  TwoUsers store;
  Alert draft;
  draft.id = 999;        // ignored: the database assigns ids
  draft.created_at = 5;  // ignored: `now` is the creation time
  draft.user_id = store.alice;
  draft.symbol = "BRK.B";
  draft.name = "buy the dip";
  draft.condition = Condition{ConditionType::crossing_down, px("462.12345678")};

  Alert saved = store.alerts.insert(draft, kNow);
  CHECK(saved.id > 0);
  CHECK(saved.id != 999);
  CHECK(saved.created_at == kNow);

  std::optional<Alert> found = store.alerts.find(store.alice, saved.id);
  REQUIRE(found);
  CHECK(found->id == saved.id);
  CHECK(found->user_id == store.alice);
  CHECK(found->symbol == "BRK.B");
  CHECK(found->name == "buy the dip");
  CHECK(found->condition == draft.condition);
  CHECK(found->trigger.mode == TriggerMode::once);
  CHECK(found->state == AlertState::armed);
  CHECK(found->created_at == kNow);
  CHECK_FALSE(found->last_fired_at);
}

TEST_CASE("every condition type survives a round trip through the store", "[store]") {
  TwoUsers store;
  for (ConditionType type : {ConditionType::above, ConditionType::below, ConditionType::crossing,
                             ConditionType::crossing_up, ConditionType::crossing_down}) {
    Alert saved = store.armed(store.alice, "AAPL", type, "150.10");
    std::optional<Alert> found = store.alerts.find(store.alice, saved.id);
    REQUIRE(found);
    CHECK(found->condition.type == type);
    CHECK(found->condition.price == px("150.10"));
  }
}

TEST_CASE("inserted alerts get increasing ids", "[store]") {
  TwoUsers store;
  AlertId first = store.armed(store.alice).id;
  AlertId second = store.armed(store.bob).id;
  AlertId third = store.armed(store.alice).id;
  CHECK(first < second);
  CHECK(second < third);
}

TEST_CASE("list_for_user returns only that user's alerts in id order", "[store]") {
  TwoUsers store;
  AlertId a1 = store.armed(store.alice, "AAPL").id;
  AlertId b1 = store.armed(store.bob, "MSFT").id;
  AlertId a2 = store.armed(store.alice, "NVDA").id;

  CHECK(ids(store.alerts.list_for_user(store.alice)) == std::vector<AlertId>{a1, a2});
  CHECK(ids(store.alerts.list_for_user(store.bob)) == std::vector<AlertId>{b1});
  CHECK(store.alerts.list_for_user(UserId{9999}).empty());
}

TEST_CASE("page_for_user reads the alerts after the cursor id, at most limit of them", "[store]") {
  TwoUsers store;
  AlertId a1 = store.armed(store.alice, "AAPL").id;
  store.armed(store.bob, "MSFT");
  AlertId a2 = store.armed(store.alice, "NVDA").id;
  AlertId a3 = store.armed(store.alice, "TSLA").id;

  CHECK(ids(store.alerts.page_for_user(store.alice, std::nullopt, 2)) ==
        std::vector<AlertId>{a1, a2});
  CHECK(ids(store.alerts.page_for_user(store.alice, a2, 2)) == std::vector<AlertId>{a3});
  CHECK(store.alerts.page_for_user(store.alice, a3, 2).empty());
  // A cursor past another user's row skips it without showing it.
  CHECK(ids(store.alerts.page_for_user(store.alice, a1, 10)) == std::vector<AlertId>{a2, a3});
  CHECK(store.alerts.page_for_user(store.bob, a3, 10).empty());
}

TEST_CASE("another user's alert is not found", "[store]") {
  TwoUsers store;
  Alert mine = store.armed(store.alice);
  CHECK(store.alerts.find(store.alice, mine.id));
  CHECK_FALSE(store.alerts.find(store.bob, mine.id));
  CHECK_FALSE(store.alerts.find(store.alice, mine.id + 100));
}

TEST_CASE("remove deletes the owner's alert", "[store]") {
  TwoUsers store;
  Alert mine = store.armed(store.alice);
  CHECK(store.alerts.remove(store.alice, mine.id));
  CHECK_FALSE(store.alerts.find(store.alice, mine.id));
  CHECK_FALSE(store.alerts.remove(store.alice, mine.id));  // already gone
}

TEST_CASE("another user's alert is not removed", "[store]") {
  TwoUsers store;
  Alert mine = store.armed(store.alice);
  CHECK_FALSE(store.alerts.remove(store.bob, mine.id));
  CHECK(store.alerts.find(store.alice, mine.id));
}

TEST_CASE("list_armed returns every user's armed alerts and no triggered ones", "[store]") {
  TwoUsers store;
  Alert a1 = store.armed(store.alice, "AAPL");
  Alert b1 = store.armed(store.bob, "MSFT");
  Alert a2 = store.armed(store.alice, "NVDA");
  REQUIRE(store.notifications.record_fires({store.fire_of(b1)}).size() == 1);

  CHECK(ids(store.alerts.list_armed()) == std::vector<AlertId>{a1.id, a2.id});
}

TEST_CASE("an alert inserted in another state is not armed", "[store]") {
  TwoUsers store;
  Alert paused;
  paused.user_id = store.alice;
  paused.symbol = "AAPL";
  paused.condition = Condition{ConditionType::above, px("1")};
  paused.state = AlertState::paused;
  Alert saved = store.alerts.insert(paused, kNow);
  CHECK(store.alerts.find(store.alice, saved.id)->state == AlertState::paused);
  CHECK(store.alerts.list_armed().empty());
}

TEST_CASE("alerts survive a restart", "[store]") {
  TwoUsers store;
  Alert mine = store.armed(store.alice);
  store.temp.reopen();
  AlertRepository reopened(store.temp.db());
  REQUIRE(reopened.find(store.alice, mine.id));
  CHECK(reopened.list_armed().size() == 1);
}

TEST_CASE("window moves, spreads and compounds survive a round trip through the store", "[store]") {
  TwoUsers store;
  Condition move{ConditionType::moving_down_pct, px("2.5")};
  move.window_ms = 300'000;
  Condition compound{ConditionType::any_of, Price{}};
  compound.terms = {Condition{ConditionType::entering_channel, px("140"), px("150")}, move,
                    Condition{ConditionType::spread_above_bps, px("12.5")}};
  for (const Condition& condition : {move, compound}) {
    Alert draft;
    draft.user_id = store.alice;
    draft.symbol = "AAPL";
    draft.condition = condition;
    Alert saved = store.alerts.insert(draft, kNow);
    std::optional<Alert> found = store.alerts.find(store.alice, saved.id);
    REQUIRE(found);
    CHECK(found->condition == condition);
    // An edit to a plain line clears the stored spec.
    std::optional<Alert> edited = store.alerts.modify(store.alice, saved.id, kNow, [](Alert& a) {
      a.condition = Condition{ConditionType::above, px("10")};
      return true;
    });
    REQUIRE(edited);
    CHECK(store.alerts.find(store.alice, saved.id)->condition ==
          Condition{ConditionType::above, px("10")});
  }
}
