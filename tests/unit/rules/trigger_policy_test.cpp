// Specification of trigger policies (rules/trigger_policy.hpp) and the worked
// examples of docs/RULES.md, "Trigger policies", one TEST_CASE each, named
// after the example.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "rules/engine.hpp"
#include "rules/trigger_policy.hpp"

using namespace bw;

namespace {

constexpr TimestampMs kOpen = 1'764'167'400'000;  // 2025-11-26T14:30:00Z, a minute boundary

Price px(std::string_view text) {
  auto price = Price::parse(text);
  REQUIRE(price.has_value());
  return *price;
}

Alert policy_alert(ConditionType type, std::string_view line, TriggerPolicy policy) {
  Alert alert;
  alert.id = 1;
  alert.user_id = 1;
  alert.symbol = "AAPL";
  alert.condition = Condition{type, px(line)};
  alert.trigger = policy;
  return alert;
}

TriggerPolicy every_time(DurationMs cooldown, RearmBand rearm = {}) {
  return TriggerPolicy{TriggerMode::every_time, cooldown, rearm};
}

// Feeds one trade; returns how many fires it caused.
std::size_t trade(Engine& engine, std::string_view price, TimestampMs ts) {
  std::vector<Fire> fires;
  engine.on_quote(Quote::trade("AAPL", px(price), 1, ts), fires);
  return fires.size();
}

std::vector<Fire> feed(Engine& engine, const Quote& quote) {
  std::vector<Fire> fires;
  engine.on_quote(quote, fires);
  return fires;
}

}  // namespace

TEST_CASE("policy durations read whole numbers with ms, s, m, h or d", "[rules]") {
  CHECK(parse_policy_duration("500ms") == 500);
  CHECK(parse_policy_duration("30s") == 30'000);
  CHECK(parse_policy_duration("5m") == 300'000);
  CHECK(parse_policy_duration("1h") == 3'600'000);
  CHECK(parse_policy_duration("1d") == 86'400'000);
  CHECK(parse_policy_duration("0s") == 0);
  for (const char* bad : {"", "s", "5", "1.5m", "-1s", "5 m", "5M", "5min", "1w"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_policy_duration(bad));
  }
}

TEST_CASE("policy durations are written in their largest whole unit", "[rules]") {
  CHECK(format_policy_duration(90'000) == "90s");
  CHECK(format_policy_duration(300'000) == "5m");
  CHECK(format_policy_duration(86'400'000) == "1d");
  CHECK(format_policy_duration(1'500) == "1500ms");
  CHECK(format_policy_duration(0) == "0ms");
}

TEST_CASE("a percent rearm band is floor(line * percent / 100)", "[rules]") {
  CHECK(RearmBand::by_percent(px("0.2")).width_at(px("150")) == px("0.3").units());
  CHECK(RearmBand::by_amount(px("0.5")).width_at(px("150")) == px("0.5").units());
  CHECK(RearmBand::by_percent(px("0.00000001")).width_at(px("1")) == 0);
  CHECK(RearmBand{}.width_at(px("150")) == 0);
  // Large lines do not overflow.
  CHECK(RearmBand::by_percent(px("100")).width_at(px("10000000000")) == px("10000000000").units());
}

TEST_CASE("the once_per gate opens in the next epoch-aligned window", "[rules]") {
  TriggerPolicy policy{TriggerMode::once_per, 60'000, {}};
  CHECK(policy.allows(std::nullopt, kOpen));
  CHECK_FALSE(policy.allows(kOpen + 10'000, kOpen + 59'999));
  CHECK(policy.allows(kOpen + 59'999, kOpen + 60'000));
  CHECK_FALSE(policy.allows(kOpen + 60'000, kOpen + 30'000));  // an earlier window
  // Before 1970 the windows are aligned the same way (floor division).
  CHECK_FALSE(policy.allows(-1, -60'000 + 1));
  CHECK(policy.allows(-60'001, -1));
}

TEST_CASE("Example: every_time with a 30s cooldown fires again 30s after its last fire",
          "[rules]") {
  Engine engine;
  REQUIRE(engine.add(policy_alert(ConditionType::above, "150", every_time(30'000))).ok());
  CHECK(trade(engine, "151", kOpen) == 1);
  CHECK(trade(engine, "152", kOpen + 10'000) == 0);  // within the cooldown
  CHECK(trade(engine, "149", kOpen + 20'000) == 0);  // condition not met
  CHECK(trade(engine, "151", kOpen + 30'000) == 1);  // exactly 30s later counts
  CHECK(engine.alert_count() == 1);                  // a repeating alert stays armed
}

TEST_CASE("Example: once_per 1m fires at most once in each clock minute", "[rules]") {
  Engine engine;
  REQUIRE(engine
              .add(policy_alert(ConditionType::above, "150",
                                TriggerPolicy{TriggerMode::once_per, 60'000, {}}))
              .ok());
  CHECK(trade(engine, "151", kOpen + 10'000) == 1);
  CHECK(trade(engine, "151", kOpen + 50'000) == 0);
  CHECK(trade(engine, "151", kOpen + 60'000) == 1);  // 14:31:00 opens a new window
  CHECK(trade(engine, "151", kOpen + 61'000) == 0);
}

TEST_CASE("Example: crossing_up with every_time fires on each new crossing", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(policy_alert(ConditionType::crossing_up, "150", every_time(0))).ok());
  CHECK(trade(engine, "149", kOpen) == 0);
  CHECK(trade(engine, "151", kOpen + 1) == 1);
  CHECK(trade(engine, "152", kOpen + 2) == 0);  // still above: no new crossing
  CHECK(trade(engine, "149", kOpen + 3) == 0);
  CHECK(trade(engine, "150", kOpen + 4) == 1);  // reaching the line counts
}

TEST_CASE("Example: a crossing alert with every_time fires both ways, once per quote", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(policy_alert(ConditionType::crossing, "150", every_time(0))).ok());
  CHECK(trade(engine, "149", kOpen) == 0);
  std::vector<Fire> up = feed(engine, Quote::trade("AAPL", px("151"), 1, kOpen + 1));
  REQUIRE(up.size() == 1);
  CHECK(up[0].direction == Direction::up);
  CHECK(up[0].state_after == AlertState::armed);
  std::vector<Fire> down = feed(engine, Quote::trade("AAPL", px("149"), 1, kOpen + 2));
  REQUIRE(down.size() == 1);
  CHECK(down[0].direction == Direction::down);
}

TEST_CASE("Example: a rearm band of 0.5 keeps above 150 quiet until the price is back at 149.5",
          "[rules]") {
  Engine engine;
  REQUIRE(engine
              .add(policy_alert(ConditionType::above, "150",
                                every_time(0, RearmBand::by_amount(px("0.5")))))
              .ok());
  std::vector<Fire> first = feed(engine, Quote::trade("AAPL", px("151"), 1, kOpen));
  REQUIRE(first.size() == 1);
  CHECK(first[0].rearm_wait == RearmWait::below);
  CHECK(trade(engine, "149.8", kOpen + 1) == 0);  // not back through the band
  CHECK(trade(engine, "151", kOpen + 2) == 0);
  CHECK(trade(engine, "149.5", kOpen + 3) == 0);  // reaching 149.5 re-arms
  CHECK(engine.policy_state(1)->rearm_wait == RearmWait::none);
  CHECK(trade(engine, "150.5", kOpen + 4) == 1);
}

TEST_CASE("Example: a 0.2 percent rearm band at 150 re-arms at 149.70", "[rules]") {
  Engine engine;
  REQUIRE(engine
              .add(policy_alert(ConditionType::crossing_up, "150",
                                every_time(0, RearmBand::by_percent(px("0.2")))))
              .ok());
  CHECK(trade(engine, "149", kOpen) == 0);
  CHECK(trade(engine, "150.1", kOpen + 1) == 1);
  CHECK(trade(engine, "149.71", kOpen + 2) == 0);
  CHECK(trade(engine, "150.2", kOpen + 3) == 0);  // crossed, but still waiting
  CHECK(trade(engine, "149.7", kOpen + 4) == 0);  // re-armed
  CHECK(trade(engine, "150", kOpen + 5) == 1);
}

TEST_CASE("Example: a mini-bar that reaches the band and the line re-arms and fires", "[rules]") {
  Engine engine;
  REQUIRE(engine
              .add(policy_alert(ConditionType::above, "150",
                                every_time(0, RearmBand::by_amount(px("0.5")))))
              .ok());
  CHECK(trade(engine, "151", kOpen) == 1);
  Quote bar = Quote::trade("AAPL", px("149.4"), 1, kOpen + 1);
  bar.merge(Quote::trade("AAPL", px("150.6"), 1, kOpen + 2));
  CHECK(feed(engine, bar).size() == 1);
}

TEST_CASE("Example: an alert never fires at or after its expires_at and leaves the engine",
          "[rules]") {
  Engine engine;
  Alert alert = policy_alert(ConditionType::above, "150", every_time(0));
  alert.expires_at = kOpen + 2'000;
  REQUIRE(engine.add(alert).ok());
  CHECK(trade(engine, "151", kOpen + 1'999) == 1);
  CHECK(trade(engine, "151", kOpen + 2'000) == 0);
  CHECK(engine.alert_count() == 0);
  CHECK(trade(engine, "151", kOpen + 1'000) == 0);  // an older tick cannot revive it
}

TEST_CASE("Example: after a restart an alert keeps its cooldown and its re-arm wait", "[rules]") {
  Engine engine;
  Alert alert = policy_alert(ConditionType::above, "150",
                             every_time(60'000, RearmBand::by_amount(px("0.5"))));
  alert.last_fired_at = kOpen;          // from the store
  alert.rearm_wait = RearmWait::below;  // from the store
  REQUIRE(engine.add(alert).ok());
  CHECK(trade(engine, "151", kOpen + 120'000) == 0);  // still waiting to re-arm
  CHECK(trade(engine, "149", kOpen + 121'000) == 0);  // re-armed
  CHECK(trade(engine, "151", kOpen + 122'000) == 1);

  Engine cooled;
  alert.rearm_wait = RearmWait::none;
  alert.last_fired_at = kOpen + 100'000;
  REQUIRE(cooled.add(alert).ok());
  CHECK(trade(cooled, "151", kOpen + 120'000) == 0);  // 20s after the stored fire
  CHECK(trade(cooled, "151", kOpen + 160'000) == 1);
}

TEST_CASE("Example: an out-of-order tick inside the cooldown does not fire", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(policy_alert(ConditionType::above, "150", every_time(30'000))).ok());
  CHECK(trade(engine, "151", kOpen + 60'000) == 1);
  CHECK(trade(engine, "151", kOpen + 10'000) == 0);  // event time before the last fire
  CHECK(trade(engine, "151", kOpen + 90'000) == 1);
}

TEST_CASE("a once alert reports that it left the engine; a repeating one that it stays",
          "[rules]") {
  Engine engine;
  Alert once = policy_alert(ConditionType::above, "150", TriggerPolicy{});
  once.revision = 7;
  REQUIRE(engine.add(once).ok());
  std::vector<Fire> fires = feed(engine, Quote::trade("AAPL", px("151"), 1, kOpen));
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].state_after == AlertState::triggered);
  CHECK(fires[0].revision == 7);
  CHECK_FALSE(engine.policy_state(1));
}

TEST_CASE("re-arms are reported once through take_rearmed", "[rules]") {
  Engine engine;
  REQUIRE(engine
              .add(policy_alert(ConditionType::above, "150",
                                every_time(0, RearmBand::by_amount(px("1")))))
              .ok());
  CHECK(trade(engine, "151", kOpen) == 1);
  CHECK(trade(engine, "148", kOpen + 1) == 0);
  std::vector<AlertId> rearmed;
  engine.take_rearmed(rearmed);
  CHECK(rearmed == std::vector<AlertId>{1});
  rearmed.clear();
  engine.take_rearmed(rearmed);
  CHECK(rearmed.empty());
}

TEST_CASE("removing an alert that waits to re-arm clears it from the index", "[rules]") {
  Engine engine;
  REQUIRE(engine
              .add(policy_alert(ConditionType::above, "150",
                                every_time(0, RearmBand::by_amount(px("1")))))
              .ok());
  CHECK(trade(engine, "151", kOpen) == 1);
  CHECK(engine.remove(1));
  CHECK(trade(engine, "148", kOpen + 1) == 0);
  std::vector<AlertId> rearmed;
  engine.take_rearmed(rearmed);
  CHECK(rearmed.empty());
}

namespace {

Alert channel_alert(AlertId id, ConditionType type, std::string_view lower,
                    std::string_view upper) {
  Alert alert;
  alert.id = id;
  alert.user_id = 1;
  alert.symbol = "AAPL";
  alert.condition = Condition{type, px(lower), px(upper)};
  return alert;
}

std::optional<Fire> single(const std::vector<Fire>& fires) {
  if (fires.size() != 1) return std::nullopt;
  return fires[0];
}

}  // namespace

TEST_CASE("Example: entering_channel fires on reaching an edge from outside, not from inside",
          "[rules]") {
  Engine engine;
  REQUIRE(engine.add(channel_alert(1, ConditionType::entering_channel, "140", "150")).ok());
  CHECK(trade(engine, "139", kOpen) == 0);
  std::optional<Fire> in = single(feed(engine, Quote::trade("AAPL", px("140"), 1, kOpen + 1)));
  REQUIRE(in);  // the lower edge belongs to the channel
  CHECK(in->direction == Direction::up);
  CHECK(in->price == px("140"));

  Engine from_inside;
  REQUIRE(from_inside.add(channel_alert(1, ConditionType::entering_channel, "140", "150")).ok());
  CHECK(trade(from_inside, "145", kOpen) == 0);
  CHECK(trade(from_inside, "149", kOpen + 1) == 0);
  CHECK(trade(from_inside, "151", kOpen + 2) == 0);
  std::optional<Fire> down =
      single(feed(from_inside, Quote::trade("AAPL", px("150"), 1, kOpen + 3)));
  REQUIRE(down);
  CHECK(down->direction == Direction::down);
}

TEST_CASE("Example: exiting_channel fires only past an edge", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(channel_alert(1, ConditionType::exiting_channel, "140", "150")).ok());
  CHECK(trade(engine, "145", kOpen) == 0);
  CHECK(trade(engine, "150", kOpen + 1) == 0);  // on the edge: still inside
  std::optional<Fire> out = single(feed(engine, Quote::trade("AAPL", px("150.01"), 1, kOpen + 2)));
  REQUIRE(out);
  CHECK(out->direction == Direction::up);
  CHECK(out->price == px("150.01"));
}

TEST_CASE(
    "Example: inside_channel fires on a bar that touches the channel and reports a price in it",
    "[rules]") {
  Engine engine;
  REQUIRE(engine.add(channel_alert(1, ConditionType::inside_channel, "140", "150")).ok());
  CHECK(trade(engine, "151", kOpen) == 0);
  Quote bar = Quote::trade("AAPL", px("152"), 1, kOpen + 1);
  bar.merge(Quote::trade("AAPL", px("149.5"), 1, kOpen + 2));
  bar.merge(Quote::trade("AAPL", px("153"), 1, kOpen + 3));
  std::optional<Fire> fire = single(feed(engine, bar));
  REQUIRE(fire);
  CHECK(fire->price == px("149.5"));  // the close is outside; the low is inside
}

TEST_CASE("Example: outside_channel fires strictly past either edge", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(channel_alert(1, ConditionType::outside_channel, "140", "150")).ok());
  CHECK(trade(engine, "140", kOpen) == 0);
  CHECK(trade(engine, "150", kOpen + 1) == 0);
  std::optional<Fire> fire = single(feed(engine, Quote::trade("AAPL", px("139.99"), 1, kOpen + 2)));
  REQUIRE(fire);
  CHECK(fire->direction == Direction::down);
}

TEST_CASE("a channel alert that fires leaves every line of the index", "[rules]") {
  Engine engine;
  REQUIRE(engine.add(channel_alert(1, ConditionType::exiting_channel, "140", "150")).ok());
  REQUIRE(engine.add(channel_alert(2, ConditionType::entering_channel, "140", "150")).ok());
  REQUIRE(engine.add(channel_alert(3, ConditionType::outside_channel, "140", "150")).ok());
  REQUIRE(engine.add(channel_alert(4, ConditionType::inside_channel, "140", "150")).ok());
  CHECK(trade(engine, "145", kOpen) == 1);      // inside
  CHECK(trade(engine, "155", kOpen + 1) == 2);  // exiting and outside
  CHECK(trade(engine, "145", kOpen + 2) == 1);  // entering
  CHECK(engine.alert_count() == 0);
  CHECK(trade(engine, "135", kOpen + 3) == 0);
  CHECK(trade(engine, "145", kOpen + 4) == 0);
}

TEST_CASE("next_allowed is the first event time the time gate lets through", "[rules]") {
  // allows() is monotone in the quote's time: false before next_allowed, true from it.
  const TimestampMs kLast = 1'700'000'012'345;
  for (TriggerPolicy policy : {TriggerPolicy{TriggerMode::every_time, 30'000, {}},
                               TriggerPolicy{TriggerMode::every_time, 0, {}},
                               TriggerPolicy{TriggerMode::once_per, 60'000, {}},
                               TriggerPolicy{TriggerMode::once_per, 1, {}}}) {
    const TimestampMs next = policy.next_allowed(kLast);
    CHECK_FALSE(policy.allows(kLast, next - 1));
    CHECK(policy.allows(kLast, next));
    CHECK(policy.allows(kLast, next + 1));
  }
  CHECK(TriggerPolicy{TriggerMode::once_per, 60'000, {}}.next_allowed(-1) == 0);
  CHECK(TriggerPolicy{TriggerMode::every_time, 1000, {}}.next_allowed(
            std::numeric_limits<TimestampMs>::max() - 10) ==
        std::numeric_limits<TimestampMs>::max());
}
