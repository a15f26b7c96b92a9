// Specification of bw::Engine: armed alerts and last prices in, fires out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <limits>
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

Alert make_alert(AlertId id, ConditionType type, std::string_view threshold,
                 const Symbol& symbol = "AAPL") {
  Alert alert;
  alert.id = id;
  alert.user_id = 1000 + id;
  alert.symbol = symbol;
  alert.name = "alert " + std::to_string(id);
  alert.condition = Condition{type, px(threshold)};
  return alert;
}

void arm(Engine& engine, const Alert& alert) {
  REQUIRE(engine.add(alert).ok());
}

std::vector<Fire> on_trade(Engine& engine, std::string_view price, TimestampMs ts = 1,
                           const Symbol& symbol = "AAPL") {
  std::vector<Fire> fires;
  engine.on_quote(Quote::trade(symbol, px(price), 1, ts), fires);
  return fires;
}

// A mini-bar of trades merged in order, as ingest conflates them.
Quote merged(std::initializer_list<std::string_view> prices, const Symbol& symbol = "AAPL") {
  std::optional<Quote> bar;
  TimestampMs ts = 1;
  for (std::string_view price : prices) {
    Quote trade = Quote::trade(symbol, px(price), 1, ts++);
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
  return fires;
}

// Fires of a lone alert of `type` at `threshold` for one trade after `previous`.
std::vector<Fire> fires_for(ConditionType type, std::string_view threshold,
                            std::optional<std::string_view> previous, std::string_view price) {
  Engine engine;
  if (previous) engine.restore_last_price("AAPL", px(*previous));
  arm(engine, make_alert(1, type, threshold));
  return on_trade(engine, price);
}

bool fires(ConditionType type, std::string_view threshold, std::string_view previous,
           std::string_view price) {
  return !fires_for(type, threshold, previous, price).empty();
}

}  // namespace

// --- above / below -----------------------------------------------------------

TEST_CASE("above fires only when the price is strictly above the threshold", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::above, "150", "149", "149.99999999"));
  REQUIRE_FALSE(fires(ConditionType::above, "150", "149", "150"));
  REQUIRE(fires(ConditionType::above, "150", "149", "150.00000001"));
}

TEST_CASE("above fires upward and reports the trade price", "[rules]") {
  auto fired = fires_for(ConditionType::above, "150", "149", "150.5");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
  REQUIRE(fired[0].price == px("150.5"));
}

TEST_CASE("above is a level: it fires when the previous price was already above", "[rules]") {
  REQUIRE(fires(ConditionType::above, "150", "155", "156"));
}

TEST_CASE("below fires only when the price is strictly below the threshold", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::below, "150", "151", "150.00000001"));
  REQUIRE_FALSE(fires(ConditionType::below, "150", "151", "150"));
  REQUIRE(fires(ConditionType::below, "150", "151", "149.99999999"));
}

TEST_CASE("below fires downward and reports the trade price", "[rules]") {
  auto fired = fires_for(ConditionType::below, "150", "151", "149.5");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::down);
  REQUIRE(fired[0].price == px("149.5"));
}

TEST_CASE("below is a level: it fires when the previous price was already below", "[rules]") {
  REQUIRE(fires(ConditionType::below, "150", "140", "139"));
}

TEST_CASE("above and below fire on the first quote of a symbol", "[rules]") {
  REQUIRE(!fires_for(ConditionType::above, "150", std::nullopt, "151").empty());
  REQUIRE(!fires_for(ConditionType::below, "150", std::nullopt, "149").empty());
}

TEST_CASE("Negative thresholds and prices compare exactly", "[rules]") {
  REQUIRE(fires(ConditionType::crossing_down, "-1", "0.5", "-1"));
  REQUIRE_FALSE(fires(ConditionType::below, "-1", "0.5", "-1"));
  REQUIRE(fires(ConditionType::below, "-1", "0.5", "-1.00000001"));
}

// --- crossing_up -------------------------------------------------------------

TEST_CASE("crossing_up fires when the price rises to exactly the threshold", "[rules]") {
  auto fired = fires_for(ConditionType::crossing_up, "150", "149", "150");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
  REQUIRE(fired[0].price == px("150"));
}

TEST_CASE("crossing_up does not fire when the price stops just below the threshold", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing_up, "150", "149", "149.99999999"));
}

TEST_CASE("crossing_up fires when the price rises just above the threshold", "[rules]") {
  REQUIRE(fires(ConditionType::crossing_up, "150", "149", "150.00000001"));
  REQUIRE(fires(ConditionType::crossing_up, "150", "149.99999999", "150"));
}

TEST_CASE("crossing_up does not fire when the previous price is already at or above the line",
          "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing_up, "150", "150", "151"));
  REQUIRE_FALSE(fires(ConditionType::crossing_up, "150", "150", "150"));
  REQUIRE_FALSE(fires(ConditionType::crossing_up, "150", "151", "152"));
}

TEST_CASE("crossing_up does not fire on a move down through the line", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing_up, "150", "151", "149"));
  REQUIRE_FALSE(fires(ConditionType::crossing_up, "150", "151", "150"));
}

// --- crossing_down -----------------------------------------------------------

TEST_CASE("crossing_down fires when the price falls to exactly the threshold", "[rules]") {
  auto fired = fires_for(ConditionType::crossing_down, "150", "151", "150");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::down);
  REQUIRE(fired[0].price == px("150"));
}

TEST_CASE("crossing_down does not fire when the price stops just above the threshold", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing_down, "150", "151", "150.00000001"));
}

TEST_CASE("crossing_down fires when the price falls just below the threshold", "[rules]") {
  REQUIRE(fires(ConditionType::crossing_down, "150", "151", "149.99999999"));
  REQUIRE(fires(ConditionType::crossing_down, "150", "150.00000001", "150"));
}

TEST_CASE("crossing_down does not fire when the previous price is already at or below the line",
          "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing_down, "150", "150", "149"));
  REQUIRE_FALSE(fires(ConditionType::crossing_down, "150", "150", "150"));
  REQUIRE_FALSE(fires(ConditionType::crossing_down, "150", "149", "148"));
}

TEST_CASE("crossing_down does not fire on a move up through the line", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing_down, "150", "149", "151"));
  REQUIRE_FALSE(fires(ConditionType::crossing_down, "150", "149", "150"));
}

// --- crossing ----------------------------------------------------------------

TEST_CASE("crossing fires upward when the price rises to the line", "[rules]") {
  auto fired = fires_for(ConditionType::crossing, "150", "149", "150");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
}

TEST_CASE("crossing fires downward when the price falls to the line", "[rules]") {
  auto fired = fires_for(ConditionType::crossing, "150", "151", "150");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::down);
}

TEST_CASE("crossing does not fire when the price moves without reaching the line", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing, "150", "149", "149.99999999"));
  REQUIRE_FALSE(fires(ConditionType::crossing, "150", "151", "150.00000001"));
}

TEST_CASE("crossing does not fire when the price leaves the line it sits on", "[rules]") {
  REQUIRE_FALSE(fires(ConditionType::crossing, "150", "150", "151"));
  REQUIRE_FALSE(fires(ConditionType::crossing, "150", "150", "149"));
  REQUIRE_FALSE(fires(ConditionType::crossing, "150", "150", "150"));
}

TEST_CASE("crossing fires once even if a bar crosses both ways", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing, "150"));
  auto fired = on_bar(engine, merged({"149", "151", "148"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].alert_id == 1);
  REQUIRE(engine.alert_count() == 0);
}

TEST_CASE("A crossing alert hit both ways from above the line is reported downward", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("151"));
  arm(engine, make_alert(1, ConditionType::crossing, "150"));
  auto fired = on_bar(engine, merged({"151", "152", "149"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::down);
  REQUIRE(fired[0].price == px("149"));
}

TEST_CASE("A crossing alert hit both ways from below the line is reported upward", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing, "150"));
  auto fired = on_bar(engine, merged({"149", "148", "151"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
  REQUIRE(fired[0].price == px("151"));
}

// --- gaps, first quote, restart ----------------------------------------------

TEST_CASE("A gap up past the line fires crossing_up at the traded price", "[rules]") {
  auto fired = fires_for(ConditionType::crossing_up, "150", "149", "155");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].price == px("155"));
}

TEST_CASE("A gap down past the line fires crossing_down at the traded price", "[rules]") {
  auto fired = fires_for(ConditionType::crossing_down, "150", "155", "140");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].price == px("140"));
}

TEST_CASE("A gap past several lines fires every line in between", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("100"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "101"));
  arm(engine, make_alert(2, ConditionType::crossing, "105"));
  arm(engine, make_alert(3, ConditionType::crossing_up, "110"));
  arm(engine, make_alert(4, ConditionType::crossing_up, "110.00000001"));
  arm(engine, make_alert(5, ConditionType::crossing_down, "105"));
  auto fired = on_trade(engine, "110");
  std::vector<AlertId> ids;
  for (const Fire& fire : fired) ids.push_back(fire.alert_id);
  std::sort(ids.begin(), ids.end());
  REQUIRE(ids == std::vector<AlertId>{1, 2, 3});
}

TEST_CASE("A first single trade never fires a crossing alert", "[rules]") {
  for (ConditionType type :
       {ConditionType::crossing, ConditionType::crossing_up, ConditionType::crossing_down}) {
    for (const char* price : {"149", "150", "151"}) {
      CAPTURE(condition_type_name(type), price);
      REQUIRE(fires_for(type, "150", std::nullopt, price).empty());
    }
  }
}

TEST_CASE("The second trade of a symbol fires a crossing from the first", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  REQUIRE(on_trade(engine, "149").empty());
  REQUIRE(on_trade(engine, "150").size() == 1);
}

TEST_CASE("A first quote that is a mini-bar crosses from its own open", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  arm(engine, make_alert(2, ConditionType::crossing_down, "148"));
  auto fired = on_bar(engine, merged({"149", "151", "150.5"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].alert_id == 1);
  REQUIRE(fired[0].price == px("150.5"));
}

TEST_CASE("The engine remembers the close of each quote as the symbol's last price", "[rules]") {
  Engine engine;
  REQUIRE_FALSE(engine.last_price("AAPL").has_value());
  (void)on_trade(engine, "149");
  REQUIRE(engine.last_price("AAPL") == px("149"));
  (void)on_bar(engine, merged({"150", "155", "147", "151"}));
  REQUIRE(engine.last_price("AAPL") == px("151"));
}

TEST_CASE("A symbol with armed alerts but no quote has no last price", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::above, "150"));
  REQUIRE_FALSE(engine.last_price("AAPL").has_value());
}

TEST_CASE("restore_last_price makes the next trade cross from the restored price", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  REQUIRE(engine.last_price("AAPL") == px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  REQUIRE(on_trade(engine, "150").size() == 1);
}

TEST_CASE("restore_last_price on the far side of the line lets crossing_down fire", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("151"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  arm(engine, make_alert(2, ConditionType::crossing_down, "150"));
  auto fired = on_trade(engine, "150");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].alert_id == 2);
}

TEST_CASE("restore_last_price replaces a last price the engine already had", "[rules]") {
  Engine engine;
  (void)on_trade(engine, "160");
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  REQUIRE(on_trade(engine, "150").size() == 1);
}

// --- trigger mode once ---------------------------------------------------------

TEST_CASE("A once alert fires only once", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing, "150"));
  REQUIRE(on_trade(engine, "151").size() == 1);
  REQUIRE(on_trade(engine, "149").empty());
  REQUIRE(on_trade(engine, "151").empty());
}

TEST_CASE("A fired alert leaves the engine in the same call", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::above, "150"));
  arm(engine, make_alert(2, ConditionType::above, "200"));
  REQUIRE(engine.alert_count() == 2);
  REQUIRE(on_trade(engine, "151").size() == 1);
  REQUIRE(engine.alert_count() == 1);
  REQUIRE_FALSE(engine.remove(1));
  REQUIRE(engine.remove(2));
}

TEST_CASE("A level alert fires once even while the price stays beyond it", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::above, "150"));
  REQUIRE(on_trade(engine, "151").size() == 1);
  REQUIRE(on_trade(engine, "152").empty());
}

TEST_CASE("Re-adding a fired alert arms it again", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  const Alert alert = make_alert(1, ConditionType::crossing_up, "150");
  arm(engine, alert);
  REQUIRE(on_trade(engine, "150").size() == 1);
  arm(engine, alert);
  REQUIRE(on_trade(engine, "150").empty());  // still on the line: no new crossing
  REQUIRE(on_trade(engine, "149").empty());
  REQUIRE(on_trade(engine, "150").size() == 1);
}

// --- add / remove ----------------------------------------------------------------

TEST_CASE("remove disarms an alert", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  REQUIRE(engine.remove(1));
  REQUIRE(engine.alert_count() == 0);
  REQUIRE(on_trade(engine, "151").empty());
}

TEST_CASE("remove returns false for an id that is not armed", "[rules]") {
  Engine engine;
  REQUIRE_FALSE(engine.remove(42));
  arm(engine, make_alert(42, ConditionType::above, "150"));
  REQUIRE(engine.remove(42));
  REQUIRE_FALSE(engine.remove(42));
}

TEST_CASE("remove leaves other alerts on the same threshold armed", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  arm(engine, make_alert(2, ConditionType::crossing_up, "150"));
  REQUIRE(engine.remove(1));
  auto fired = on_trade(engine, "150");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].alert_id == 2);
}

TEST_CASE("add of an alert that is not armed is an error", "[rules]") {
  for (AlertState state : {AlertState::triggered, AlertState::paused, AlertState::expired}) {
    CAPTURE(alert_state_name(state));
    Engine engine;
    Alert alert = make_alert(7, ConditionType::above, "150");
    alert.state = state;
    Status status = engine.add(alert);
    REQUIRE_FALSE(status.ok());
    REQUIRE(status.error().find('7') != std::string::npos);
    REQUIRE(engine.alert_count() == 0);
    REQUIRE(on_trade(engine, "151").empty());
  }
}

TEST_CASE("A rejected add leaves the armed alert with that id in place", "[rules]") {
  Engine engine;
  arm(engine, make_alert(7, ConditionType::above, "150"));
  Alert paused = make_alert(7, ConditionType::above, "100");
  paused.state = AlertState::paused;
  REQUIRE_FALSE(engine.add(paused).ok());
  REQUIRE(engine.alert_count() == 1);
  REQUIRE(on_trade(engine, "151").size() == 1);
}

TEST_CASE("add of an alert with an armed id replaces it", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "160"));
  REQUIRE(engine.alert_count() == 1);
  REQUIRE(on_trade(engine, "155").empty());
  auto fired = on_trade(engine, "160");
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].condition.price == px("160"));
}

TEST_CASE("add replacing an alert with one on another symbol moves it", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::above, "150", "AAPL"));
  arm(engine, make_alert(1, ConditionType::above, "150", "MSFT"));
  REQUIRE(engine.alert_count() == 1);
  REQUIRE(on_trade(engine, "151", 1, "AAPL").empty());
  REQUIRE(on_trade(engine, "151", 1, "MSFT").size() == 1);
}

TEST_CASE("add replacing an alert with the same condition keeps one alert", "[rules]") {
  Engine engine;
  const Alert alert = make_alert(1, ConditionType::crossing, "150");
  arm(engine, alert);
  arm(engine, alert);
  REQUIRE(engine.alert_count() == 1);
  engine.restore_last_price("AAPL", px("149"));
  REQUIRE(on_trade(engine, "151").size() == 1);
  REQUIRE(engine.alert_count() == 0);
}

// --- several alerts, several symbols -----------------------------------------------

TEST_CASE("One quote fires several alerts, each with its own fields", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::above, "149.5"));
  arm(engine, make_alert(2, ConditionType::crossing_up, "150"));
  arm(engine, make_alert(3, ConditionType::crossing, "150.25"));
  arm(engine, make_alert(4, ConditionType::below, "149"));  // not reached
  std::vector<Fire> fired;
  engine.on_quote(Quote::trade("AAPL", px("150.25"), 10, 1'700'000'000'000), fired);
  std::sort(fired.begin(), fired.end(),
            [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
  REQUIRE(fired.size() == 3);
  for (std::size_t i = 0; i < fired.size(); ++i) {
    const Fire& fire = fired[i];
    CAPTURE(fire.alert_id);
    REQUIRE(fire.alert_id == static_cast<AlertId>(i + 1));
    REQUIRE(fire.user_id == 1000 + fire.alert_id);
    REQUIRE(fire.symbol == "AAPL");
    REQUIRE(fire.direction == Direction::up);
    REQUIRE(fire.price == px("150.25"));
    REQUIRE(fire.ts_ms == 1'700'000'000'000);
  }
  REQUIRE(fired[0].condition == Condition{ConditionType::above, px("149.5")});
  REQUIRE(fired[1].condition == Condition{ConditionType::crossing_up, px("150")});
  REQUIRE(fired[2].condition == Condition{ConditionType::crossing, px("150.25")});
  REQUIRE(engine.alert_count() == 1);
}

TEST_CASE("Every alert sharing a threshold fires on the same quote", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  for (AlertId id = 1; id <= 100; ++id)
    arm(engine, make_alert(id, ConditionType::crossing_up, "150"));
  REQUIRE(on_trade(engine, "150").size() == 100);
  REQUIRE(engine.alert_count() == 0);
}

TEST_CASE("A quote leaves the alerts of other symbols untouched", "[rules]") {
  Engine engine;
  engine.restore_last_price("MSFT", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150", "MSFT"));
  arm(engine, make_alert(2, ConditionType::above, "150", "MSFT"));
  REQUIRE(on_trade(engine, "151", 1, "AAPL").empty());
  REQUIRE(engine.alert_count() == 2);
  REQUIRE(engine.last_price("MSFT") == px("149"));
  REQUIRE(on_trade(engine, "151", 2, "MSFT").size() == 2);
}

TEST_CASE("A quote for a symbol without alerts still records its last price", "[rules]") {
  Engine engine;
  REQUIRE(on_trade(engine, "42", 1, "IBM").empty());
  REQUIRE(engine.last_price("IBM") == px("42"));
}

TEST_CASE("on_quote appends to the fires vector without clearing it", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::above, "150"));
  std::vector<Fire> fired(1);
  fired[0].alert_id = 99;
  engine.on_quote(Quote::trade("AAPL", px("151"), 1, 1), fired);
  REQUIRE(fired.size() == 2);
  REQUIRE(fired[0].alert_id == 99);
  REQUIRE(fired[1].alert_id == 1);
}

// --- mini-bars ---------------------------------------------------------------------

TEST_CASE("A spike merged into a mini-bar fires crossing_up and reports the high", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  auto fired = on_bar(engine, merged({"149.2", "151", "149.5"}));
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].direction == Direction::up);
  REQUIRE(fired[0].price == px("151"));
}

TEST_CASE("A dip merged into a mini-bar fires below and reports the low", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("101"));
  arm(engine, make_alert(1, ConditionType::below, "100"));
  arm(engine, make_alert(2, ConditionType::crossing_down, "100"));
  auto fired = on_bar(engine, merged({"101", "99.5", "100.5"}));
  REQUIRE(fired.size() == 2);
  for (const Fire& fire : fired) {
    REQUIRE(fire.direction == Direction::down);
    REQUIRE(fire.price == px("99.5"));
  }
}

TEST_CASE("A mini-bar whose close meets the condition reports the close", "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  arm(engine, make_alert(2, ConditionType::above, "150"));
  auto fired = on_bar(engine, merged({"149", "153", "151"}));
  REQUIRE(fired.size() == 2);
  for (const Fire& fire : fired) REQUIRE(fire.price == px("151"));
}

TEST_CASE("A mini-bar closing exactly on the line reports the close for crossings only",
          "[rules]") {
  Engine engine;
  engine.restore_last_price("AAPL", px("149"));
  arm(engine, make_alert(1, ConditionType::crossing_up, "150"));
  arm(engine, make_alert(2, ConditionType::above, "150"));
  auto fired = on_bar(engine, merged({"149", "152", "150"}));
  std::sort(fired.begin(), fired.end(),
            [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
  REQUIRE(fired.size() == 2);
  REQUIRE(fired[0].price == px("150"));  // crossing_up: reaching the line counts
  REQUIRE(fired[1].price == px("152"));  // above: 150 is not above 150, the high was
}

TEST_CASE("A fire carries the mini-bar's latest timestamp", "[rules]") {
  Engine engine;
  arm(engine, make_alert(1, ConditionType::above, "150"));
  Quote bar = Quote::trade("AAPL", px("151"), 1, 5'000);
  bar.merge(Quote::trade("AAPL", px("149"), 1, 5'007));
  auto fired = on_bar(engine, bar);
  REQUIRE(fired.size() == 1);
  REQUIRE(fired[0].ts_ms == 5'007);
  REQUIRE(fired[0].price == px("151"));
}

TEST_CASE("The engine refuses an alert whose time is the lowest 64-bit value and keeps the old one",
          "[rules]") {
  // That value stands for "no time" in the engine's 8-byte time fields.
  Engine engine;
  arm(engine, make_alert(1, ConditionType::above, "100"));
  Alert alert = make_alert(1, ConditionType::above, "200");
  alert.expires_at = std::numeric_limits<TimestampMs>::min();
  CHECK_FALSE(engine.add(alert).ok());
  alert.expires_at.reset();
  alert.last_fired_at = std::numeric_limits<TimestampMs>::min();
  CHECK_FALSE(engine.add(alert).ok());
  CHECK(engine.alert_count() == 1);
  CHECK(on_trade(engine, "150").size() == 1);  // still the alert at 100
}

TEST_CASE("A fire carries alert, user and revision ids wider than 32 bits", "[rules]") {
  Engine engine;
  Alert alert = make_alert(AlertId{1} << 40, ConditionType::above, "100");
  alert.user_id = (UserId{1} << 35) + 7;
  alert.revision = (std::int64_t{1} << 33) + 3;
  arm(engine, alert);
  arm(engine, make_alert(0, ConditionType::above, "100"));  // the same low 32 bits
  REQUIRE(engine.policy_state(alert.id));
  CHECK(engine.policy_state(alert.id)->revision == alert.revision);
  std::vector<Fire> fires = on_trade(engine, "101");
  std::sort(fires.begin(), fires.end(),
            [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
  REQUIRE(fires.size() == 2);
  CHECK(fires[1].alert_id == alert.id);
  CHECK(fires[1].user_id == alert.user_id);
  CHECK(fires[1].revision == alert.revision);
  CHECK(fires[0].alert_id == 0);
  CHECK_FALSE(engine.remove(alert.id));  // `once`: it left on firing
}
