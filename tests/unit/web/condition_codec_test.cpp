// The JSON of window moves, spreads and compound conditions: decoding names
// the wrong field (also inside a compound), encoding gives back what was sent.
#include <catch2/catch.hpp>

#include <string>

#include "web/json_codec.hpp"

using namespace bw;
using nlohmann::json;

namespace {

std::string condition_error(const json& condition) {
  Result<AlertDraft> draft = decode_alert(json{{"symbol", "AAPL"}, {"condition", condition}});
  REQUIRE_FALSE(draft.ok());
  return draft.error();
}

Condition decoded(const json& condition) {
  Result<Condition> result = decode_condition(condition);
  INFO((result.ok() ? std::string() : result.error()));
  REQUIRE(result.ok());
  return *result;
}

}  // namespace

TEST_CASE("window moves decode and encode with their amount or percent and window", "[web]") {
  const json up = {{"type", "moving_up"}, {"amount", 2.5}, {"window", "30s"}};
  Condition condition = decoded(up);
  CHECK(condition.type == ConditionType::moving_up);
  CHECK(condition.price == *Price::parse("2.5"));
  CHECK(condition.window_ms == 30'000);
  CHECK(encode_condition(condition) == up);
  const json pct = {{"type", "moving_down_pct"}, {"percent", 1.5}, {"window", "5m"}};
  CHECK(encode_condition(decoded(pct)) == pct);
  CHECK(decoded(json{{"type", "moving_up_pct"}, {"percent", "0.25"}, {"window", "1h"}}).window_ms ==
        3'600'000);
}

TEST_CASE("a window move names its wrong field", "[web]") {
  CHECK(condition_error({{"type", "moving_up"}, {"window", "30s"}}) ==
        "condition.amount: is required for moving_up");
  CHECK(condition_error({{"type", "moving_up"}, {"amount", 1}}) ==
        "condition.window: is required for moving_up");
  for (json bad : {json("0s"), json("30"), json(30), json("-5m"), json("1w")}) {
    INFO(bad.dump());
    CHECK(condition_error({{"type", "moving_down"}, {"amount", 1}, {"window", bad}}) ==
          "condition.window: must be a positive duration like \"30s\", \"5m\" or \"1h\"");
  }
  CHECK(condition_error({{"type", "moving_down"}, {"amount", 1}, {"window", "2d"}}) ==
        "condition.window: must be a positive duration up to 1d");
  CHECK(condition_error({{"type", "moving_up"}, {"amount", 0}, {"window", "1m"}}) ==
        "condition.amount: must be greater than zero");
  CHECK(condition_error({{"type", "moving_down_pct"}, {"percent", 101}, {"window", "1m"}}) ==
        "condition.percent: must be at most 100");
  CHECK(condition_error({{"type", "moving_up_pct"}, {"amount", 1}, {"window", "1m"}}) ==
        "condition.amount: unknown field");
  CHECK(condition_error({{"type", "moving_up"}, {"price", 1}, {"window", "1m"}}) ==
        "condition.price: unknown field");
}

TEST_CASE("spread_above_bps decodes its bps and refuses a price", "[web]") {
  const json spread = {{"type", "spread_above_bps"}, {"bps", 25}};
  CHECK(encode_condition(decoded(spread)) == spread);
  CHECK(condition_error({{"type", "spread_above_bps"}}) == "condition.bps: is required");
  CHECK(condition_error({{"type", "spread_above_bps"}, {"bps", 25}, {"price", 1}}) ==
        "condition.price: unknown field");
  CHECK(condition_error({{"type", "spread_above_bps"}, {"bps", 20000}}) ==
        "condition.bps: must be below 20000");
}

TEST_CASE("all_of and any_of decode nested conditions and encode them back", "[web]") {
  const json body = {{"type", "any_of"},
                     {"conditions",
                      {{{"type", "crossing_up"}, {"price", 150}},
                       {{"type", "all_of"},
                        {"conditions",
                         {{{"type", "inside_channel"}, {"lower", 140}, {"upper", 145}},
                          {{"type", "moving_down_pct"}, {"percent", 2}, {"window", "15m"}}}}}}}};
  Condition condition = decoded(body);
  REQUIRE(condition.terms.size() == 2);
  CHECK(condition.terms[1].terms[1].window_ms == 900'000);
  CHECK(encode_condition(condition) == body);
}

TEST_CASE("a compound names the wrong field of its inner condition", "[web]") {
  CHECK(condition_error({{"type", "all_of"}}) == "condition.conditions: is required for all_of");
  CHECK(condition_error({{"type", "all_of"}, {"conditions", json::array()}}) ==
        "condition.conditions: must be an array of 1 to 16 conditions");
  CHECK(condition_error({{"type", "any_of"}, {"conditions", {{{"type", "above"}}}}}) ==
        "condition.conditions[0].price: is required");
  CHECK(condition_error({{"type", "any_of"},
                         {"conditions",
                          {{{"type", "above"}, {"price", 1}},
                           {{"type", "entering_channel"}, {"lower", 150}, {"upper", 140}}}}}) ==
        "condition.conditions[1].upper: must be greater than condition.conditions[1].lower");
  json deep = {{"type", "above"}, {"price", 1}};
  for (int i = 0; i < 3; ++i) deep = {{"type", "all_of"}, {"conditions", {deep}}};
  CHECK(condition_error(deep) ==
        "condition.conditions[0].conditions[0].conditions: compound conditions nest at most 2 "
        "levels deep");
}

TEST_CASE("a rearm band is refused with judged conditions, naming trigger.rearm", "[web]") {
  Result<AlertDraft> draft = decode_alert(
      json{{"symbol", "AAPL"},
           {"condition", {{"type", "moving_up"}, {"amount", 1}, {"window", "1m"}}},
           {"trigger", {{"mode", "every_time"}, {"cooldown", "1m"}, {"rearm", {{"amount", 1}}}}}});
  REQUIRE_FALSE(draft.ok());
  CHECK(draft.error() == "trigger.rearm: not supported with moving_up conditions");
}

TEST_CASE("day change takes a signed percent and volume_above a whole volume", "[web]") {
  const json down = {{"type", "day_change_pct_below"}, {"percent", -2.5}};
  CHECK(encode_condition(decoded(down)) == down);
  const json flat = {{"type", "day_change_pct_above"}, {"percent", 0}};
  CHECK(encode_condition(decoded(flat)) == flat);
  const json volume = {{"type", "volume_above"}, {"volume", 1'000'000}};
  Condition condition = decoded(volume);
  CHECK(condition.volume == 1'000'000);
  CHECK(encode_condition(condition) == volume);
  CHECK(condition_error({{"type", "day_change_pct_above"}, {"percent", -100}}) ==
        "condition.percent: must be above -100 and at most 10000");
  CHECK(condition_error({{"type", "day_change_pct_above"}, {"percent", "x"}}) ==
        "condition.percent: must be a number (a signed percent, e.g. -2.5)");
  CHECK(condition_error({{"type", "volume_above"}, {"volume", 1.5}}) ==
        "condition.volume: must be a whole number");
  CHECK(condition_error({{"type", "volume_above"}, {"volume", 0}}) ==
        "condition.volume: must be a whole number from 1 to 1000000000000000");
  CHECK(condition_error({{"type", "volume_above"}}) ==
        "condition.volume: is required for volume_above");
}

TEST_CASE("volume_spike decodes factor, window and baseline and encodes them back", "[web]") {
  const json spike = {
      {"type", "volume_spike"}, {"factor", 3}, {"window", "5m"}, {"baseline", "1h"}};
  const Condition condition = decoded(spike);
  CHECK(condition.window_ms == 300'000);
  CHECK(condition.baseline_ms == 3'600'000);
  CHECK(encode_condition(condition) == spike);
  CHECK(condition_error(
            {{"type", "volume_spike"}, {"factor", 1}, {"window", "5m"}, {"baseline", "1h"}}) ==
        "condition.factor: must be above 1 and at most 1000");
  CHECK(condition_error(
            {{"type", "volume_spike"}, {"factor", 2}, {"window", "5x"}, {"baseline", "1h"}}) ==
        "condition.window: must be a positive duration like \"30s\", \"5m\" or \"1h\"");
  CHECK(condition_error(
            {{"type", "volume_spike"}, {"factor", 2}, {"window", "5m"}, {"baseline", "7m"}})
            .starts_with("condition.baseline: must be a whole multiple of the window"));
  CHECK(condition_error({{"type", "volume_spike"}, {"factor", 2}, {"window", "5m"}}) ==
        "condition.baseline: is required for volume_spike");
}

TEST_CASE("indicators decode interval, period and the RSI value and encode them back", "[web]") {
  const json sma = {{"type", "sma_crossing_up"}, {"interval", "1m"}, {"period", 20}};
  const json rsi = {{"type", "rsi_below"}, {"interval", "1d"}, {"period", 14}, {"value", 30}};
  CHECK(encode_condition(decoded(sma)) == sma);
  CHECK(encode_condition(decoded(rsi)) == rsi);
  CHECK(decoded(rsi).interval_ms == 86'400'000);
  CHECK(condition_error({{"type", "ema_crossing_down"}, {"interval", "7m"}, {"period", 20}})
            .starts_with("condition.interval: must be one of 1m"));
  CHECK(condition_error({{"type", "ema_crossing_down"}, {"interval", "5m"}, {"period", 1}}) ==
        "condition.period: must be a whole number from 2 to 500");
  CHECK(condition_error({{"type", "ema_crossing_down"}, {"interval", "5m"}, {"period", 2.5}}) ==
        "condition.period: must be a whole number from 2 to 500");
  CHECK(condition_error(
            {{"type", "rsi_above"}, {"interval", "5m"}, {"period", 14}, {"value", 100}}) ==
        "condition.value: must be above 0 and below 100");
  CHECK(condition_error(
            {{"type", "sma_crossing_up"}, {"interval", "5m"}, {"period", 14}, {"value", 5}}) ==
        "condition.value: unknown field");
  CHECK(
      condition_error(
          {{"type", "all_of"},
           {"conditions",
            {sma, {{"type", "rsi_above"}, {"interval", "1m"}, {"period", 600}, {"value", 70}}}}}) ==
      "condition.conditions[1].period: must be a whole number from 2 to 500");
}
