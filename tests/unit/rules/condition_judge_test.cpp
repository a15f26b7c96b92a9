// judge_condition, PriceWindow, condition validation and the stored spec.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "rules/condition_judge.hpp"
#include "rules/condition_spec.hpp"
#include "rules/engine.hpp"
#include "rules/price_window.hpp"

using namespace bw;

namespace {

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

}  // namespace

TEST_CASE("PriceWindow keeps the exact minimum and maximum of the window", "[rules]") {
  std::mt19937_64 random(7);
  for (DurationMs length : {1, 50, 1'000}) {
    PriceWindow window(length);
    std::vector<std::pair<TimestampMs, Price>> seen;
    TimestampMs ts = 0;
    for (int i = 0; i < 5'000; ++i) {
      ts += static_cast<TimestampMs>(random() % 20);
      const Price price = Price::from_units(static_cast<std::int64_t>(random() % 50) + 1);
      window.push(Quote::trade("X", price, 1, ts));
      seen.emplace_back(ts, price);
      Price low = price;
      Price high = price;
      for (const auto& [t, p] : seen) {
        if (t < ts - length) continue;
        low = std::min(low, p);
        high = std::max(high, p);
      }
      REQUIRE(window.lowest() == low);
      REQUIRE(window.highest() == high);
    }
  }
}

TEST_CASE("PriceWindow stays bounded on a market that only rises", "[rules]") {
  PriceWindow window(kMaxMoveWindowMs);
  for (std::int64_t i = 1; i <= static_cast<std::int64_t>(PriceWindow::kMaxPoints) + 10; ++i)
    window.push(Quote::trade("X", Price::from_units(i), 1, i));
  CHECK(window.points() <= PriceWindow::kMaxPoints + 1);
}

TEST_CASE("judge_condition agrees with the engine's index on line conditions", "[rules]") {
  std::mt19937_64 random(11);
  const ConditionType types[] = {ConditionType::above,           ConditionType::below,
                                 ConditionType::crossing,        ConditionType::crossing_up,
                                 ConditionType::crossing_down,   ConditionType::entering_channel,
                                 ConditionType::exiting_channel, ConditionType::inside_channel,
                                 ConditionType::outside_channel};
  const auto price_at = [&](int range) {
    return Price::from_units(100 + static_cast<std::int64_t>(random() % range));
  };
  Engine engine;
  std::vector<Alert> alerts;
  for (AlertId id = 1; id <= 60; ++id) {
    Alert alert;
    alert.id = id;
    alert.symbol = std::string(1, 'X');  // not = "X": GCC 12's false -Wrestrict (ASan build)
    alert.trigger = TriggerPolicy{TriggerMode::every_time, 0, {}};
    alert.condition.type = types[id % 9];
    alert.condition.price = price_at(20);
    if (is_channel(alert.condition.type))
      alert.condition.upper = Price::from_units(alert.condition.price.units() + 1 + random() % 5);
    REQUIRE(engine.add(alert).ok());
    alerts.push_back(alert);
  }
  std::optional<Price> previous;
  for (int i = 0; i < 20'000; ++i) {
    Quote quote = Quote::trade("X", price_at(22), 1, i);
    if (random() % 3 == 0) quote.merge(Quote::trade("X", price_at(22), 1, i));
    std::vector<Fire> fires;
    engine.on_quote(quote, fires);
    std::sort(fires.begin(), fires.end(),
              [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
    std::vector<Fire> expected;
    const JudgeInput input{previous.value_or(quote.open), quote, nullptr};
    for (const Alert& alert : alerts) {
      if (auto verdict = judge_condition(alert.condition, input)) {
        expected.push_back(Fire{alert.id, 0, "X", alert.condition, verdict->direction,
                                verdict->price, quote.ts_ms});
      }
    }
    REQUIRE(fires.size() == expected.size());
    for (std::size_t k = 0; k < fires.size(); ++k) {
      REQUIRE(fires[k].alert_id == expected[k].alert_id);
      REQUIRE(fires[k].direction == expected[k].direction);
      REQUIRE(fires[k].price == expected[k].price);
    }
    previous = quote.price;
  }
}

TEST_CASE("spread_above compares exactly in basis points of the mid", "[rules]") {
  Quote quote = Quote::trade("X", px("100"), 1, 0);
  CHECK_FALSE(spread_above(quote, px("0.00000001")));  // no bid/ask
  quote.bid = px("99.95");
  quote.ask = px("100.05");
  CHECK_FALSE(spread_above(quote, px("10")));
  CHECK(spread_above(quote, px("9.99999999")));
  quote.bid = quote.ask;
  CHECK_FALSE(spread_above(quote, px("0.00000001")));  // a zero spread is above nothing
}

TEST_CASE("A moving_up_pct alert fires on exactly the percent, not a unit less", "[rules]") {
  WindowSet windows;
  windows.acquire(1'000);
  windows.push(Quote::trade("X", px("200"), 1, 0));
  Quote quote = Quote::trade("X", px("203"), 1, 10);  // 1.5 % of 200
  windows.push(quote);
  const JudgeInput input{px("200"), quote, &windows};
  CHECK(judge_condition(move(ConditionType::moving_up_pct, "1.5", 1'000), input));
  CHECK_FALSE(judge_condition(move(ConditionType::moving_up_pct, "1.50000001", 1'000), input));
}

TEST_CASE("A window move without its window never fires", "[rules]") {
  Quote quote = Quote::trade("X", px("200"), 1, 0);
  WindowSet other;
  other.acquire(5'000);
  other.push(quote);
  CHECK_FALSE(judge_condition(move(ConditionType::moving_down, "0.01", 1'000),
                              JudgeInput{px("300"), quote, &other}));
}

TEST_CASE("validate_condition names the field that is wrong", "[rules]") {
  CHECK(validate_condition(move(ConditionType::moving_up, "1", 0)).error() ==
        "condition.window: must be a positive duration up to 1d");
  CHECK(validate_condition(move(ConditionType::moving_up, "1", kMaxMoveWindowMs + 1)).error() ==
        "condition.window: must be a positive duration up to 1d");
  CHECK(validate_condition(move(ConditionType::moving_down_pct, "100.5", 1'000)).error() ==
        "condition.percent: must be at most 100");
  CHECK(validate_condition(Condition{ConditionType::spread_above_bps, px("20000")}).error() ==
        "condition.bps: must be below 20000");
  CHECK(validate_condition(Condition{ConditionType::moving_up, Price{}}).error() ==
        "condition.amount: must be greater than zero");
  CHECK(validate_condition(compound(ConditionType::all_of, {})).error() ==
        "condition.conditions: must hold 1 to 16 conditions");
  const Condition nested =
      compound(ConditionType::any_of,
               {Condition{ConditionType::above, px("1")},
                compound(ConditionType::all_of, {move(ConditionType::moving_up, "1", 0)})});
  CHECK(validate_condition(nested).error() ==
        "condition.conditions[1].conditions[0].window: must be a positive duration up to 1d");
  const Condition too_deep = compound(
      ConditionType::all_of,
      {compound(ConditionType::all_of,
                {compound(ConditionType::all_of, {Condition{ConditionType::above, px("1")}})})});
  CHECK(validate_condition(too_deep).error() ==
        "condition.conditions: compound conditions nest at most 2 levels deep");
  std::vector<Condition> many(
      16, compound(ConditionType::any_of, {Condition{ConditionType::above, px("1")}}));
  CHECK(validate_condition(compound(ConditionType::all_of, many)).error() ==
        "condition.conditions: at most 32 conditions in one alert");
  CHECK(validate_condition(move(ConditionType::moving_up_pct, "10000", 1)).ok());
}

TEST_CASE("The stored condition spec reads back every field", "[rules]") {
  const Condition condition = compound(
      ConditionType::any_of,
      {Condition{ConditionType::entering_channel, px("140"), px("150.5")},
       compound(ConditionType::all_of, {move(ConditionType::moving_down_pct, "2.5", 300'000),
                                        Condition{ConditionType::spread_above_bps, px("12")}})});
  const std::string text = format_condition_spec(condition);
  CHECK(text ==
        "any_of[entering_channel:14000000000:15050000000:0:0;all_of[moving_down_pct:250000000:0:"
        "300000:0;spread_above_bps:1200000000:0:0:0]]");
  Result<Condition> back = parse_condition_spec(text);
  REQUIRE(back.ok());
  CHECK(*back == condition);
}

TEST_CASE("A damaged condition spec is an error, not a guess", "[rules]") {
  for (const char* text :
       {"", "above", "moving_up:1:0", "moving_up:100:0:0:0", "all_of[]", "all_of[above:1:0:0:0",
        "above:1:0:0", "nope:1:0:0:0", "above:1:0:0:0x", "all_of[all_of[all_of[above:1:0:0:0]]]"}) {
    INFO(text);
    CHECK_FALSE(parse_condition_spec(text).ok());
  }
}
