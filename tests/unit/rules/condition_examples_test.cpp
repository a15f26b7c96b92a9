// The worked examples of docs/RULES.md for window moves, spreads and
// compounds (sections "Window moves", "Spread" and "Compound conditions"),
// one TEST_CASE each, named after the example.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "rules/engine.hpp"

using namespace bw;

namespace {

constexpr TimestampMs kT0 = 1'700'000'000'000;

Price px(std::string_view text) {
  auto price = Price::parse(text);
  REQUIRE(price.has_value());
  return *price;
}

Condition move(ConditionType type, std::string_view amount, DurationMs window_ms) {
  Condition condition{type, px(amount)};
  condition.window_ms = window_ms;
  return condition;
}

Condition compound(ConditionType type, std::vector<Condition> terms) {
  Condition condition{type, Price{}};
  condition.terms = std::move(terms);
  return condition;
}

Alert make_alert(AlertId id, Condition condition, TriggerPolicy trigger = {}) {
  Alert alert;
  alert.id = id;
  alert.user_id = 1;
  alert.symbol = "AAPL";
  alert.condition = std::move(condition);
  alert.trigger = trigger;
  return alert;
}

void arm(Engine& engine, AlertId id, Condition condition, TriggerPolicy trigger = {}) {
  Status s = engine.add(make_alert(id, std::move(condition), trigger));
  INFO(s.error());
  REQUIRE(s.ok());
}

std::vector<Fire> on_quote(Engine& engine, Quote quote) {
  std::vector<Fire> fires;
  engine.on_quote(quote, fires);
  std::sort(fires.begin(), fires.end(),
            [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
  return fires;
}

std::vector<Fire> at(Engine& engine, std::string_view price, TimestampMs offset_ms) {
  return on_quote(engine, Quote::trade("AAPL", px(price), 100, kT0 + offset_ms));
}

Quote with_book(std::string_view price, std::string_view bid, std::string_view ask,
                TimestampMs offset_ms = 0) {
  Quote quote = Quote::trade("AAPL", px(price), 100, kT0 + offset_ms);
  quote.bid = px(bid);
  quote.ask = px(ask);
  return quote;
}

const TriggerPolicy kEveryTime{TriggerMode::every_time, 0, {}};

}  // namespace

TEST_CASE("Example: moving_up 2 within 30s fires 2 above the lowest price of the last 30s",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, move(ConditionType::moving_up, "2", 30'000), kEveryTime);
  CHECK(at(engine, "100", 0).empty());
  CHECK(at(engine, "99", 10'000).empty());
  CHECK(at(engine, "100.5", 20'000).empty());
  // Window [5 s, 35 s]: the lowest price is 99 (at 10 s); 101 - 99 = 2.
  auto fires = at(engine, "101", 35'000);
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].direction == Direction::up);
  CHECK(fires[0].price == px("101"));
  // Window [11 s, 41 s]: 99 has left; the lowest is 100.5 and 101.5 is 1 above it.
  CHECK(at(engine, "101.5", 41'000).empty());
}

TEST_CASE("Example: a quote exactly one window after the low still sees it", "[rules][examples]") {
  Engine engine;
  arm(engine, 1, move(ConditionType::moving_up, "2", 30'000));
  arm(engine, 2, move(ConditionType::moving_up, "2", 30'000));
  CHECK(at(engine, "99", 0).empty());
  // 99 at t0 is inside [t0, t0 + 30 s]: both fire.
  CHECK(at(engine, "101", 30'000).size() == 2);

  Engine later;
  arm(later, 1, move(ConditionType::moving_up, "2", 30'000));
  CHECK(at(later, "99", 0).empty());
  CHECK(at(later, "101", 30'001).empty());  // 99 is one millisecond too old
}

TEST_CASE("Example: moving_down_pct 2 fires on a fall of exactly 2 percent from the high",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, move(ConditionType::moving_down_pct, "2", 60'000));
  CHECK(at(engine, "100", 0).empty());
  CHECK(at(engine, "98.01", 10'000).empty());  // 1.99 %
  auto fires = at(engine, "98", 20'000);       // 2 % of 100, exactly
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].direction == Direction::down);
  CHECK(fires[0].price == px("98"));
}

TEST_CASE("Example: a mini-bar's own range counts as a move", "[rules][examples]") {
  Engine engine;
  arm(engine, 1, move(ConditionType::moving_up, "2", 30'000));
  // The symbol's first quote, merged from 101, 100, 102, 101.5: low 100, high 102.
  Quote bar = Quote::trade("AAPL", px("101"), 100, kT0);
  for (const char* price : {"100", "102", "101.5"})
    bar.merge(Quote::trade("AAPL", px(price), 100, kT0 + 1));
  auto fires = on_quote(engine, bar);
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].price == px("102"));  // the close 101.5 is only 1.5 above 100
}

TEST_CASE("Example: an out-of-order tick counts as if it came at the newest time",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, move(ConditionType::moving_up, "2", 30'000));
  CHECK(at(engine, "100", 60'000).empty());
  CHECK(at(engine, "98", 0).empty());      // stamped 60 s earlier: kept as of t0 + 60 s
  auto fires = at(engine, "100", 85'000);  // window [55 s, 85 s] still holds the 98
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].price == px("100"));
}

TEST_CASE("Example: a window starts empty when its first alert is armed", "[rules][examples]") {
  Engine engine;
  CHECK(at(engine, "95", 0).empty());  // no alert uses a window yet: not remembered
  arm(engine, 1, move(ConditionType::moving_up, "2", 30'000));
  CHECK(at(engine, "96", 1'000).empty());
  CHECK(at(engine, "97", 2'000).empty());  // 1 above 96
  CHECK(at(engine, "98", 3'000).size() == 1);
}

TEST_CASE("Example: spread_above_bps 10 fires strictly above 10 bps of the mid",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, Condition{ConditionType::spread_above_bps, px("10")}, kEveryTime);
  CHECK(on_quote(engine, Quote::trade("AAPL", px("100"), 100, kT0)).empty());  // no bid/ask
  CHECK(on_quote(engine, with_book("100", "99.95", "100.05")).empty());        // exactly 10 bps
  auto fires = on_quote(engine, with_book("100", "99.94", "100.06"));          // 12 bps
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].price == px("100"));
  CHECK(fires[0].direction == Direction::up);
}

TEST_CASE("Example: all_of fires only on a quote that meets every condition", "[rules][examples]") {
  Engine engine;
  arm(engine, 1,
      compound(ConditionType::all_of, {Condition{ConditionType::above, px("150")},
                                       Condition{ConditionType::spread_above_bps, px("10")}}));
  CHECK(on_quote(engine, Quote::trade("AAPL", px("151"), 100, kT0)).empty());  // no book
  CHECK(on_quote(engine, with_book("149", "148", "150")).empty());             // not above
  auto fires = on_quote(engine, with_book("151", "150.5", "151.5"));
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].price == px("151"));
  CHECK(fires[0].state_after == AlertState::triggered);
  CHECK(engine.alert_count() == 0);
}

TEST_CASE("Example: any_of reports the first of its conditions that holds", "[rules][examples]") {
  Engine engine;
  arm(engine, 1,
      compound(ConditionType::any_of, {Condition{ConditionType::crossing_down, px("140")},
                                       Condition{ConditionType::crossing_up, px("160")}}),
      kEveryTime);
  CHECK(at(engine, "150", 0).empty());
  auto up = at(engine, "161", 1'000);
  REQUIRE(up.size() == 1);
  CHECK(up[0].direction == Direction::up);
  CHECK(up[0].price == px("161"));
  auto down = at(engine, "139", 2'000);
  REQUIRE(down.size() == 1);
  CHECK(down[0].direction == Direction::down);
  CHECK(down[0].price == px("139"));
}

TEST_CASE("Example: a crossing inside all_of is judged from the symbol's previous price",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1,
      compound(ConditionType::all_of, {Condition{ConditionType::crossing_up, px("150")},
                                       move(ConditionType::moving_up, "3", 60'000)}));
  CHECK(at(engine, "147", 0).empty());
  CHECK(at(engine, "149", 10'000).empty());
  CHECK(at(engine, "151", 20'000).size() == 1);  // crossed 150 and 4 above 147
}

namespace {

Condition day_change(ConditionType type, std::string_view percent) {
  return Condition{type, px(percent)};
}

}  // namespace

TEST_CASE("Example: day_change_pct_above 2 uses the feed's previous close", "[rules][examples]") {
  Engine engine;
  arm(engine, 1, day_change(ConditionType::day_change_pct_above, "2"));
  Quote quote = Quote::trade("AAPL", px("102"), 100, kT0);
  quote.prev_close = px("100");
  CHECK(on_quote(engine, quote).empty());  // exactly +2 %: not above
  quote.price = quote.high = quote.low = quote.open = px("102.01");
  auto fires = on_quote(engine, quote);
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].price == px("102.01"));
}

TEST_CASE("Example: without a feed close the previous session day's last price is the reference",
          "[rules][examples]") {
  // kT0 is 2023-11-14 22:13:20 UTC, 17:13 EST: the session day of November 14.
  Engine engine;
  arm(engine, 1, day_change(ConditionType::day_change_pct_below, "-3"), kEveryTime);
  CHECK(at(engine, "100", 0).empty());
  CHECK(at(engine, "50", 3'600'000).empty());    // 18:13 EST, same day: no reference yet
  CHECK(at(engine, "200", 7'200'000).empty());   // 19:13 EST: the day's last price is 200
  CHECK(at(engine, "194", 86'400'000).empty());  // next day: exactly -3 % of 200
  auto fires = at(engine, "193.99", 86'401'000);
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].direction == Direction::down);
}

TEST_CASE("Example: volume_above counts the day's volume, this quote included",
          "[rules][examples]") {
  Engine engine;
  Condition condition{ConditionType::volume_above, Price{}};
  condition.volume = 250;
  arm(engine, 1, condition);
  CHECK(at(engine, "10", 0).empty());               // 100
  CHECK(at(engine, "10", 1'000).empty());           // 200
  CHECK(at(engine, "10", 86'400'000).empty());      // a new day: 100
  CHECK(at(engine, "10", 86'401'000).empty());      // 200
  CHECK(at(engine, "11", 86'402'000).size() == 1);  // 300 > 250
}
