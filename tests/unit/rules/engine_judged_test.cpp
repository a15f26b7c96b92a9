// The engine with directly judged conditions (window moves, spread, compounds):
// arming, editing, removing, policies and expiry.
#include <catch2/catch.hpp>

#include <vector>

#include "rules/condition_spec.hpp"
#include "rules/engine.hpp"

using namespace bw;

namespace {

Price px(std::string_view text) {
  auto price = Price::parse(text);
  REQUIRE(price.has_value());
  return *price;
}

Alert move_alert(AlertId id, std::string_view amount, DurationMs window_ms,
                 TriggerPolicy trigger = {}) {
  Alert alert;
  alert.id = id;
  alert.user_id = 7;
  alert.symbol = "MSFT";
  alert.condition = Condition{ConditionType::moving_up, px(amount)};
  alert.condition.window_ms = window_ms;
  alert.trigger = trigger;
  return alert;
}

std::vector<Fire> at(Engine& engine, std::string_view price, TimestampMs ts) {
  std::vector<Fire> fires;
  engine.on_quote(Quote::trade("MSFT", px(price), 10, ts), fires);
  return fires;
}

}  // namespace

TEST_CASE("The engine refuses a judged condition with invalid parameters", "[rules]") {
  Engine engine;
  Status s = engine.add(move_alert(1, "1", 0));
  CHECK_FALSE(s.ok());
  CHECK(s.error() == "condition.window: must be a positive duration up to 1d");
  CHECK(engine.alert_count() == 0);
}

TEST_CASE("A repeating window move fires again after its cooldown", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(move_alert(1, "1", 60'000, {TriggerMode::every_time, 10'000, {}})).ok());
  CHECK(at(engine, "100", 0).empty());
  auto first = at(engine, "101", 1'000);
  REQUIRE(first.size() == 1);
  CHECK(first[0].state_after == AlertState::armed);
  CHECK(first[0].user_id == 7);
  CHECK(at(engine, "101.5", 5'000).empty());  // cooldown
  CHECK(at(engine, "101.5", 11'000).size() == 1);
  CHECK(engine.policy_state(1)->last_fired_at == 11'000);
}

TEST_CASE("Editing an alert that keeps its window keeps the window's history", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(move_alert(1, "5", 60'000)).ok());
  CHECK(at(engine, "100", 0).empty());
  REQUIRE(engine.add(move_alert(1, "2", 60'000)).ok());  // replaced, same window
  CHECK(at(engine, "102", 1'000).size() == 1);           // 2 above the 100 seen before
}

TEST_CASE("Removing the last alert on a window forgets its history", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(move_alert(1, "2", 60'000)).ok());
  CHECK(at(engine, "100", 0).empty());
  CHECK(engine.remove(1));
  CHECK_FALSE(engine.remove(1));
  REQUIRE(engine.add(move_alert(2, "2", 60'000)).ok());
  CHECK(at(engine, "102", 1'000).empty());  // a fresh window: only 102 in it
  CHECK(at(engine, "104", 2'000).size() == 1);
}

TEST_CASE("Alerts with the same window share it; another window is separate", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(move_alert(1, "2", 10'000)).ok());
  REQUIRE(engine.add(move_alert(2, "2", 10'000)).ok());
  REQUIRE(engine.add(move_alert(3, "2", 1'000)).ok());
  CHECK(at(engine, "100", 0).empty());
  auto fires = at(engine, "102", 5'000);  // the 1 s window no longer holds 100
  REQUIRE(fires.size() == 2);
  CHECK(engine.alert_count() == 1);  // 1 and 2 fired (once); 3 waits
  CHECK(engine.policy_state(3).has_value());
}

TEST_CASE("A judged alert never fires at or after its expiry and leaves the engine", "[rules]") {
  Engine engine;
  Alert alert = move_alert(1, "1", 60'000, {TriggerMode::every_time, 0, {}});
  alert.expires_at = 2'000;
  REQUIRE(engine.add(alert).ok());
  CHECK(at(engine, "100", 0).empty());
  CHECK(at(engine, "101", 1'999).size() == 1);
  CHECK(at(engine, "102", 2'000).empty());
  CHECK(engine.alert_count() == 0);
}

TEST_CASE("A rearm band is ignored for a judged condition", "[rules]") {
  Engine engine;
  Alert alert =
      move_alert(1, "1", 60'000, {TriggerMode::every_time, 0, RearmBand::by_amount(px("0.5"))});
  alert.rearm_wait = RearmWait::below;
  REQUIRE(engine.add(alert).ok());
  CHECK(engine.policy_state(1)->rearm_wait == RearmWait::none);
  CHECK(at(engine, "100", 0).empty());
  auto fires = at(engine, "101", 1);
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].rearm_wait == RearmWait::none);
}

TEST_CASE("Judged alerts and indexed alerts of a symbol fire on the same quote", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(move_alert(1, "1", 60'000)).ok());
  Alert line;
  line.id = 2;
  line.symbol = "MSFT";
  line.condition = Condition{ConditionType::crossing_up, px("100.5")};
  REQUIRE(engine.add(line).ok());
  CHECK(at(engine, "100", 0).empty());
  CHECK(at(engine, "101", 1).size() == 2);
  CHECK(engine.last_price("MSFT") == px("101"));
}

TEST_CASE("A judged fire carries the quote's previous close, like an indexed one", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(move_alert(1, "2", 60'000)));
  std::vector<Fire> fires;
  Quote first = Quote::trade("MSFT", px("100"), 10, 1'000);
  first.prev_close = px("98");
  engine.on_quote(first, fires);
  REQUIRE(fires.empty());
  Quote second = Quote::trade("MSFT", px("102.5"), 10, 2'000);
  second.prev_close = px("98");
  engine.on_quote(second, fires);
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].prev_close == px("98"));
}
