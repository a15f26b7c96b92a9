// The worked examples of docs/RULES.md, "Volume spikes" and "Indicators on
// bars", one TEST_CASE each, named after the example; then the series'
// bounds, saving and restoring.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "rules/condition_spec.hpp"
#include "rules/engine.hpp"
#include "rules/indicators.hpp"
#include "rules/market_time.hpp"
#include "rules/series_set.hpp"
#include "rules/volume_window.hpp"

using namespace bw;

namespace {

// 2023-11-14 22:14:00 UTC: a whole minute, so minute m is [kM0 + m min, ...).
constexpr TimestampMs kM0 = 1'700'000'040'000;
constexpr DurationMs kMin = 60'000;

Price px(std::string_view text) {
  auto price = Price::parse(text);
  REQUIRE(price.has_value());
  return *price;
}

// "m:ss" after kM0.
TimestampMs t(int minute, int second = 0) {
  return kM0 + minute * kMin + second * 1'000;
}

Condition spike(std::string_view factor, DurationMs window, DurationMs baseline) {
  Condition condition{ConditionType::volume_spike, px(factor)};
  condition.window_ms = window;
  condition.baseline_ms = baseline;
  return condition;
}

Condition indicator(ConditionType type, int period, DurationMs interval = kMin,
                    std::string_view value = "0") {
  Condition condition{type, px(value)};
  condition.interval_ms = interval;
  condition.period = period;
  return condition;
}

const TriggerPolicy kEveryTime{TriggerMode::every_time, 0, {}};

void arm(Engine& engine, AlertId id, Condition condition) {
  Alert alert;
  alert.id = id;
  alert.user_id = 1;
  alert.symbol = "AAPL";
  alert.condition = std::move(condition);
  alert.trigger = kEveryTime;
  Status s = engine.add(alert);
  INFO(s.error());
  REQUIRE(s.ok());
}

std::vector<Fire> on_quote(Engine& engine, const Quote& quote) {
  std::vector<Fire> fires;
  engine.on_quote(quote, fires);
  std::sort(fires.begin(), fires.end(),
            [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
  return fires;
}

std::vector<Fire> trade(Engine& engine, std::string_view price, TimestampMs ts,
                        std::int64_t volume = 100) {
  return on_quote(engine, Quote::trade("AAPL", px(price), volume, ts));
}

std::vector<AlertId> ids(const std::vector<Fire>& fires) {
  std::vector<AlertId> out;
  for (const Fire& fire : fires) out.push_back(fire.alert_id);
  return out;
}

// SMA(3) on 1m bars with closes 10, 11, 12: the average is 11 from 3:00.
void warm_up_sma(Engine& engine) {
  CHECK(trade(engine, "10", t(0)).empty());
  CHECK(trade(engine, "11", t(1)).empty());
  CHECK(trade(engine, "12", t(2)).empty());
  CHECK(trade(engine, "10", t(3)).empty());  // closes bar 2: SMA 11, but no previous average
}

}  // namespace

TEST_CASE("Example: volume_spike 3 fires when a 1m window reaches 3x the average of the 3 before",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, spike("3", kMin, 3 * kMin));
  CHECK(trade(engine, "10", t(0, 10), 100).empty());  // window 0: partial, never baseline
  CHECK(trade(engine, "10", t(1), 100).empty());
  CHECK(trade(engine, "10", t(2), 200).empty());
  CHECK(trade(engine, "10", t(3), 1200).empty());      // baseline 0..2 holds the partial window
  CHECK(trade(engine, "10", t(4, 10), 1000).empty());  // 1000 * 3 < 3 * 1500
  auto fires = trade(engine, "10.5", t(4, 20), 500);   // 1500 * 3 == 3 * 1500
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].direction == Direction::up);
  CHECK(fires[0].price == px("10.5"));
  CHECK(trade(engine, "10.5", t(4, 30), 1).size() == 1);  // still at or above the line
}

TEST_CASE("Example: a volume_spike over a quiet baseline never fires", "[rules][examples]") {
  Engine engine;
  arm(engine, 1, spike("2", kMin, 3 * kMin));
  CHECK(trade(engine, "10", t(0), 100).empty());
  CHECK(trade(engine, "10", t(1), 100).empty());
  CHECK(trade(engine, "10", t(9), 5000).empty());  // windows 6, 7, 8 had no quotes: S = 0
  CHECK(trade(engine, "10", t(10), 1).empty());    // S = 5000 (window 9), 1 * 3 < 2 * 5000
  CHECK(trade(engine, "10", t(10, 5), 3332).empty());
  CHECK(trade(engine, "10", t(10, 6), 1).size() == 1);  // 3334 * 3 >= 2 * 5000
}

TEST_CASE("Example: a volume_spike window counts an out-of-order quote in the current window",
          "[rules][examples]") {
  VolumeWindow window(kMin, 2 * kMin);
  window.push(Quote::trade("AAPL", px("10"), 10, t(0)));
  window.push(Quote::trade("AAPL", px("10"), 10, t(1)));
  window.push(Quote::trade("AAPL", px("10"), 10, t(2)));
  window.push(Quote::trade("AAPL", px("10"), 10, t(3)));
  window.push(Quote::trade("AAPL", px("10"), 30, t(1, 30)));  // late: counts in window 3
  CHECK(window.current_volume() == 40);
  CHECK(window.baseline_volume() == 20);
  CHECK(window.spike(px("4")));
  CHECK_FALSE(window.spike(px("4.00000001")));
}

TEST_CASE("Example: sma_crossing_up 3 on 1m bars fires on reaching the average from below",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, indicator(ConditionType::sma_crossing_up, 3));
  arm(engine, 2, indicator(ConditionType::sma_crossing_down, 3));
  warm_up_sma(engine);
  auto fires = trade(engine, "11", t(3, 30));  // P = 10 < 11, 11 >= 11
  REQUIRE(ids(fires) == std::vector<AlertId>{1});
  CHECK(fires[0].price == px("11"));
  CHECK(trade(engine, "12", t(3, 40)).empty());     // P = 11 is on the average, not below
  fires = trade(engine, "9", t(4));                 // closes bar 3 (12): SMA 35/3 = 11.666…
  REQUIRE(ids(fires) == std::vector<AlertId>{2});   // P = 12 > 11 and 9 <= 11.666…
  CHECK(trade(engine, "11.66", t(4, 10)).empty());  // below 35/3: no crossing
  CHECK(ids(trade(engine, "11.67", t(4, 20))) == std::vector<AlertId>{1});
}

TEST_CASE("Example: an SMA crossing is judged against a mini-bar's low and high",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, indicator(ConditionType::sma_crossing_up, 3));
  arm(engine, 2, indicator(ConditionType::sma_crossing_down, 3));
  warm_up_sma(engine);
  CHECK(trade(engine, "12", t(3, 30)).size() == 1);  // the crossing up from 10
  Quote bar = Quote::trade("AAPL", px("12"), 100, t(3, 50));
  bar.low = px("10.5");
  bar.price = px("11.5");  // open 12, low 10.5, high 12, close 11.5
  auto fires = trade(engine, "12", t(3, 45));
  CHECK(fires.empty());
  fires = on_quote(engine, bar);
  REQUIRE(ids(fires) == (std::vector<AlertId>{1, 2}));
  CHECK(fires[0].price == px("11.5"));  // up: the close is at or above 11
  CHECK(fires[1].price == px("10.5"));  // down: the close is not; the low
}

TEST_CASE("Example: ema_crossing_down 3 uses an EMA seeded with the SMA of the first 3 closes",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, indicator(ConditionType::ema_crossing_up, 3));
  arm(engine, 2, indicator(ConditionType::ema_crossing_down, 3));
  CHECK(trade(engine, "10", t(0)).empty());
  CHECK(trade(engine, "11", t(1)).empty());
  CHECK(trade(engine, "12", t(2)).empty());
  CHECK(trade(engine, "14", t(3)).empty());  // EMA 11 (no previous average)
  CHECK(trade(engine, "13", t(4)).empty());  // closes 14: EMA 11 + (14 - 11) * 2 / 4 = 12.5
  CHECK(ids(trade(engine, "12", t(4, 10))) == std::vector<AlertId>{2});  // 13 > 12.5 >= 12
  CHECK(ids(trade(engine, "12.5", t(4, 20))) == std::vector<AlertId>{1});
}

TEST_CASE("Example: an EMA step is rounded to 1e-8 half away from zero", "[rules][examples]") {
  MovingAverage ema(AverageKind::ema, kMin, 3);
  for (int m = 0; m < 3; ++m) ema.push(Quote::trade("AAPL", px("10"), 1, t(m)));
  ema.push(Quote::trade("AAPL", px("10.00000001"), 1, t(3)));  // closes bar 2: EMA 10
  REQUIRE(ema.value());
  CHECK(ema.value()->compare(px("10")) == 0);
  ema.push(Quote::trade("AAPL", px("10"), 1, t(4)));  // closes 10.00000001: step 0.5e-8 → 1e-8
  CHECK(ema.value()->compare(px("10.00000001")) == 0);
}

TEST_CASE("Example: rsi_above 70 and rsi_below 70 are judged on bar closes only",
          "[rules][examples]") {
  Engine engine;
  arm(engine, 1, indicator(ConditionType::rsi_above, 3, kMin, "70"));
  arm(engine, 2, indicator(ConditionType::rsi_below, 3, kMin, "70"));
  CHECK(trade(engine, "10", t(0)).empty());
  CHECK(trade(engine, "11", t(1)).empty());
  CHECK(trade(engine, "12", t(2)).empty());
  CHECK(trade(engine, "11", t(3)).empty());  // 3 closes, 2 changes: warming up
  auto fires = trade(engine, "13", t(4));    // closes 11: G = 2/3, L = 1/3, RSI 66.67
  REQUIRE(ids(fires) == std::vector<AlertId>{2});
  CHECK(fires[0].direction == Direction::down);
  CHECK(trade(engine, "20", t(4, 30)).empty());  // no bar closed: not judged
  CHECK(trade(engine, "13", t(4, 50)).empty());
  fires = trade(engine, "13", t(5));  // closes 13: G 1.11111111, L 0.22222222, RSI 83.33
  REQUIRE(ids(fires) == std::vector<AlertId>{1});
  CHECK(fires[0].price == px("13"));
  CHECK(trade(engine, "13", t(5, 30)).empty());
}

TEST_CASE("Wilder's RSI matches the worked numbers and is 50 on flat closes", "[rules]") {
  WilderRsi rsi(kMin, 3);
  for (auto [m, price] : std::vector<std::pair<int, const char*>>{
           {0, "10"}, {1, "11"}, {2, "12"}, {3, "11"}, {4, "13"}}) {
    rsi.push(Quote::trade("AAPL", px(price), 1, t(m)));
  }
  REQUIRE(rsi.ready());
  // G = 0.66666667, L = 0.33333333: RSI = 66.666667 (rounded averages)
  CHECK(rsi.compare(px("66.666667")) == 0);
  CHECK(rsi.compare(px("66.666666")) > 0);
  WilderRsi flat(kMin, 2);
  for (int m = 0; m < 4; ++m) flat.push(Quote::trade("AAPL", px("10"), 1, t(m)));
  REQUIRE(flat.ready());
  CHECK(flat.compare(px("50")) == 0);
}

TEST_CASE("Bars of 1d are New York session days", "[rules]") {
  // 2023-11-14 23:30 EST and 2023-11-15 00:30 EST are 04:30 and 05:30 UTC.
  const TimestampMs late = 1'700'022'600'000;  // 2023-11-15 04:30 UTC
  CHECK(bar_index(late, kDayInterval) == new_york_day(late));
  CHECK(bar_index(late + 3'600'000, kDayInterval) == bar_index(late, kDayInterval) + 1);
  CHECK(bar_index(t(1), kMin) == bar_index(t(0), kMin) + 1);
  CHECK(bar_index(t(1) - 1, kMin) == bar_index(t(0), kMin));
}

TEST_CASE("Series alerts with the same key share one series", "[rules]") {
  Engine engine;
  arm(engine, 1, indicator(ConditionType::sma_crossing_up, 20));
  arm(engine, 2, indicator(ConditionType::sma_crossing_down, 20));
  arm(engine, 3, indicator(ConditionType::sma_crossing_down, 50));
  CHECK(trade(engine, "10", t(0)).empty());
  REQUIRE(engine.series_states("AAPL"));
  CHECK(engine.series_states("AAPL")->size() == 2);
  engine.remove(1);
  CHECK(engine.series_states("AAPL")->size() == 2);
  engine.remove(2);
  CHECK(engine.series_states("AAPL")->size() == 1);
  engine.remove(3);
  CHECK(engine.series_states("AAPL")->empty());  // still reported: saved rows are replaced
  CHECK_FALSE(engine.series_states("MSFT"));
}

TEST_CASE("A restored series state keeps the warm-up across a restart", "[rules]") {
  Engine before;
  arm(before, 1, indicator(ConditionType::sma_crossing_up, 3));
  arm(before, 2, indicator(ConditionType::rsi_above, 3, kMin, "70"));
  arm(before, 3, spike("3", kMin, 3 * kMin));
  for (int m = 0; m < 3; ++m) trade(before, std::to_string(10 + m), t(m));
  trade(before, "10", t(3));
  const auto saved = before.series_states("AAPL");
  REQUIRE(saved);
  REQUIRE(saved->size() == 3);

  Engine after;
  after.restore_last_price("AAPL", px("10"));
  for (const SeriesState& state : *saved) after.restore_series_state("AAPL", state);
  arm(after, 1, indicator(ConditionType::sma_crossing_up, 3));
  arm(after, 2, indicator(ConditionType::rsi_above, 3, kMin, "70"));
  arm(after, 3, spike("3", kMin, 3 * kMin));
  CHECK(after.series_states("AAPL") == saved);
  CHECK(ids(trade(after, "11", t(3, 30))) == std::vector<AlertId>{1});  // as without a restart
}

TEST_CASE("A bad saved series state is ignored and the series starts empty", "[rules]") {
  SeriesSet set;
  const SeriesKey key{SeriesKind::sma, kMin, 3};
  set.restore({"sma:60000:3", "1 5 100 0 0 4 1 2 3 4"});  // 4 closes for a period of 3
  set.restore({"sma:60000:100000", "0 0 0 0 0 0"});       // not a valid key: dropped
  set.acquire(key);
  REQUIRE(set.save().size() == 1);
  CHECK(set.save()[0].state == "0 0 0 0 0 0");
  CHECK_FALSE(parse_series_key("rsi:1000:14"));  // 1s is not a bar interval
  CHECK(parse_series_key("volume:60000:180000") == SeriesKey{SeriesKind::volume, kMin, 3 * kMin});
}

TEST_CASE("Series conditions are validated with the field named", "[rules]") {
  auto error = [](const Condition& c) {
    Status s = validate_condition(c);
    return s.ok() ? std::string() : s.error();
  };
  CHECK(error(spike("1", kMin, 3 * kMin)) == "condition.factor: must be above 1 and at most 1000");
  CHECK(error(spike("1001", kMin, 3 * kMin)).starts_with("condition.factor:"));
  CHECK(error(spike("2", 500, 3 * kMin)) == "condition.window: must be a duration from 1s to 1d");
  CHECK(error(spike("2", kMin, kMin)).starts_with("condition.baseline: must be a whole multiple"));
  CHECK(error(spike("2", kMin, 90'000)).starts_with("condition.baseline:"));
  CHECK(error(spike("2", kMin, 2 * kMin)).empty());
  CHECK(error(indicator(ConditionType::sma_crossing_up, 1)).starts_with("condition.period:"));
  CHECK(error(indicator(ConditionType::sma_crossing_up, 501)).starts_with("condition.period:"));
  CHECK(error(indicator(ConditionType::ema_crossing_up, 500, 7 * kMin))
            .starts_with("condition.interval: must be one of"));
  CHECK(error(indicator(ConditionType::rsi_above, 14, kMin, "100")) ==
        "condition.value: must be above 0 and below 100");
  CHECK(error(indicator(ConditionType::rsi_below, 14, kMin, "0")).starts_with("condition.value:"));
  CHECK(error(indicator(ConditionType::rsi_below, 14, kDayInterval, "30")).empty());
  Condition stray{ConditionType::above, px("1")};
  stray.period = 3;
  CHECK(error(stray) == "condition.period: not used by this condition");
}

TEST_CASE("Series conditions round-trip through the stored spec text", "[rules]") {
  for (const Condition& condition :
       {spike("2.5", 5 * kMin, 3'600'000), indicator(ConditionType::ema_crossing_down, 21),
        indicator(ConditionType::rsi_above, 14, kDayInterval, "70.5")}) {
    const std::string text = format_condition_spec(condition);
    Result<Condition> back = parse_condition_spec(text);
    INFO(text);
    REQUIRE(back);
    CHECK(*back == condition);
  }
  CHECK(format_condition_spec(indicator(ConditionType::rsi_above, 14, 5 * kMin, "70")) ==
        "rsi_above:7000000000:0:0:0:0:300000:14");
  CHECK(parse_condition_spec("above:100:0:0:0"));  // older rows keep five fields
}
