// The worked examples of docs/RULES.md, one TEST_CASE each, named after the
// example. When an example in the document changes, change its test here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "rules/engine.hpp"

using namespace bw;

namespace {

Price px(std::string_view text) {
  auto price = Price::parse(text);
  REQUIRE(price.has_value());
  return *price;
}

Alert make_alert(AlertId id, ConditionType type, std::string_view threshold) {
  Alert alert;
  alert.id = id;
  alert.user_id = 1;
  alert.symbol = "AAPL";
  alert.condition = Condition{type, px(threshold)};
  return alert;
}

void arm(Engine& engine, AlertId id, ConditionType type, std::string_view threshold) {
  REQUIRE(engine.add(make_alert(id, type, threshold)).ok());
}

std::vector<Fire> sorted(std::vector<Fire> fires) {
  std::sort(fires.begin(), fires.end(),
            [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
  return fires;
}

std::vector<Fire> on_trade(Engine& engine, std::string_view price) {
  std::vector<Fire> fires;
  engine.on_quote(Quote::trade("AAPL", px(price), 100, 1'000), fires);
  return sorted(fires);
}

Quote merged(std::initializer_list<std::string_view> prices) {
  std::optional<Quote> bar;
  TimestampMs ts = 1'000;
  for (std::string_view price : prices) {
    Quote trade = Quote::trade("AAPL", px(price), 100, ts++);
    if (bar) {
      bar->merge(trade);
    } else {
      bar = trade;
    }
  }
  return *bar;
}

std::vector<Fire> on_bar(Engine& engine, const Quote& bar) {
  std::vector<Fire> fires;
  engine.on_quote(bar, fires);
  return sorted(fires);
}

std::vector<AlertId> ids(const std::vector<Fire>& fires) {
  std::vector<AlertId> out;
  for (const Fire& fire : fires) out.push_back(fire.alert_id);
  return out;
}

}  // namespace

TEST_CASE("Example: 150.1, 150.10 and the double 150.1 are the same price", "[rules]") {
  REQUIRE(px("150.1") == px("150.10"));
  REQUIRE(Price::from_double(150.1) == px("150.10"));
  REQUIRE(px("150.10").units() == 15'010'000'000);
  REQUIRE(px("150.1").to_string() == "150.10");
}

TEST_CASE("Example: equality at the threshold fires crossing_up but not above", "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::above, "150");
  arm(engine, 2, ConditionType::crossing_up, "150");
  arm(engine, 3, ConditionType::crossing, "150");
  arm(engine, 4, ConditionType::crossing_down, "150");
  REQUIRE(on_trade(engine, "149").empty());
  auto at_line = on_trade(engine, "150");
  REQUIRE(ids(at_line) == std::vector<AlertId>{2, 3});
  REQUIRE(at_line[1].direction == Direction::up);
  REQUIRE(at_line[0].price == px("150"));
  auto above_line = on_trade(engine, "150.01");
  REQUIRE(ids(above_line) == std::vector<AlertId>{1});
  REQUIRE(above_line[0].price == px("150.01"));
  REQUIRE(engine.alert_count() == 1);  // crossing_down: 150 -> 150.01 is not a fall to 150
}

TEST_CASE("Example: a gap from 149 to 155 crosses 150 and reports 155", "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_up, "150");
  REQUIRE(on_trade(engine, "149").empty());
  auto fired = on_trade(engine, "155");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
  REQUIRE(fired[0].price == px("155"));
}

TEST_CASE("Example: the first quote of a symbol never crosses", "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_up, "150");
  arm(engine, 2, ConditionType::crossing_down, "150");
  arm(engine, 3, ConditionType::above, "150");
  // 151 is above 150, but with nothing before it there is no move to cross with.
  REQUIRE(ids(on_trade(engine, "151")) == std::vector<AlertId>{3});
  REQUIRE(engine.last_price("AAPL") == px("151"));
  REQUIRE(ids(on_trade(engine, "149")) == std::vector<AlertId>{2});
  REQUIRE(ids(on_trade(engine, "150")) == std::vector<AlertId>{1});
}

TEST_CASE("Example: a restart restores the last price so a crossing across it fires", "[rules]") {
  Engine before_restart;
  (void)on_trade(before_restart, "149");
  const Price persisted = *before_restart.last_price("AAPL");

  Engine after_restart;
  after_restart.restore_last_price("AAPL", persisted);
  arm(after_restart, 1, ConditionType::crossing_up, "150");
  auto fired = on_trade(after_restart, "150.5");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].price == px("150.5"));
}

TEST_CASE("Example: without the restored price the first trade after a restart does not cross",
          "[rules]") {
  Engine after_restart;
  arm(after_restart, 1, ConditionType::crossing_up, "150");
  REQUIRE(on_trade(after_restart, "150.5").empty());
}

TEST_CASE("Example: a spike merged into a mini-bar still fires and reports the high", "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_up, "150");
  arm(engine, 2, ConditionType::above, "150");
  REQUIRE(on_trade(engine, "149").empty());
  const Quote bar = merged({"149.5", "151", "149.8"});
  REQUIRE(bar.open == px("149.5"));
  REQUIRE(bar.high == px("151"));
  REQUIRE(bar.low == px("149.5"));
  REQUIRE(bar.price == px("149.8"));
  auto fired = on_bar(engine, bar);
  REQUIRE(ids(fired) == std::vector<AlertId>{1, 2});
  for (const Fire& fire : fired) {
    REQUIRE(fire.direction == Direction::up);
    REQUIRE(fire.price == px("151"));
    REQUIRE(fire.ts_ms == 1'002);
  }
  REQUIRE(engine.last_price("AAPL") == px("149.8"));
}

TEST_CASE("Example: a merged bar whose order is unknown fires crossing_up conservatively",
          "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_up, "150");
  REQUIRE(on_trade(engine, "151").empty());
  auto fired = on_bar(engine, merged({"152", "149"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
  REQUIRE(fired[0].price == px("152"));
}

TEST_CASE("Example: the same trades delivered one by one do not fire crossing_up", "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_up, "150");
  REQUIRE(on_trade(engine, "151").empty());
  REQUIRE(on_trade(engine, "152").empty());
  REQUIRE(on_trade(engine, "149").empty());
}

TEST_CASE("Example: a merged bar that only rose still fires crossing_down at a line inside it",
          "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_down, "150");
  REQUIRE(on_trade(engine, "149").empty());
  auto fired = on_bar(engine, merged({"149", "150.5", "151"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::down);
  REQUIRE(fired[0].price == px("149"));  // the bar's low, which was its open
}

TEST_CASE("Example: a crossing alert fires once on a bar that crosses both ways, as up",
          "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing, "150");
  REQUIRE(on_trade(engine, "149").empty());
  auto fired = on_bar(engine, merged({"149", "151", "148"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
  REQUIRE(fired[0].price == px("151"));
  REQUIRE(engine.alert_count() == 0);
}

TEST_CASE("Example: a fire reports the traded price, not the threshold", "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_down, "100");
  REQUIRE(on_trade(engine, "101").empty());
  auto fired = on_trade(engine, "97.5");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].price == px("97.5"));
  REQUIRE(fired[0].condition.price == px("100"));
}

TEST_CASE("Example: a mini-bar whose close meets the condition reports the close", "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::crossing_up, "150");
  REQUIRE(on_trade(engine, "149").empty());
  auto fired = on_bar(engine, merged({"149", "153", "151"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].price == px("151"));
}

TEST_CASE("Example: a mini-bar whose close does not meet the condition reports the extreme",
          "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::below, "100");
  REQUIRE(on_trade(engine, "101").empty());
  auto fired = on_bar(engine, merged({"100.5", "99.2", "100.4"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::down);
  REQUIRE(fired[0].price == px("99.2"));
}

TEST_CASE("Example: a once alert fires on the first qualifying quote and then leaves the engine",
          "[rules]") {
  Engine engine;
  arm(engine, 1, ConditionType::above, "150");
  REQUIRE(on_trade(engine, "151").size() == 1);
  REQUIRE(engine.alert_count() == 0);
  REQUIRE(on_trade(engine, "149").empty());
  REQUIRE(on_trade(engine, "152").empty());
}

TEST_CASE("Example: only an armed alert can be added to the engine", "[rules]") {
  Engine engine;
  Alert paused = make_alert(1, ConditionType::above, "150");
  paused.state = AlertState::paused;
  REQUIRE_FALSE(engine.add(paused).ok());
  REQUIRE(engine.alert_count() == 0);
}
