// SeriesIndex: series alerts grouped per (type, series key), parameterised
// groups sorted by their parameter; and the differential test against
// per-alert judging (the path series alerts took before the index).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "rules/condition_spec.hpp"
#include "rules/engine.hpp"
#include "rules/series_index.hpp"

using namespace bw;

namespace {

constexpr std::int64_t kUnit = Price::kScale;

Price units(std::int64_t whole) {
  return Price::from_units(whole * kUnit);
}

Condition rsi(ConditionType type, std::int64_t value, DurationMs interval = 60'000,
              int period = 2) {
  Condition c{type, units(value)};
  c.interval_ms = interval;
  c.period = period;
  return c;
}

Condition spike(std::int64_t factor_hundredths, DurationMs window = 10'000,
                DurationMs baseline = 20'000) {
  Condition c{ConditionType::volume_spike, Price::from_units(factor_hundredths * kUnit / 100)};
  c.window_ms = window;
  c.baseline_ms = baseline;
  return c;
}

Condition average(ConditionType type, DurationMs interval = 60'000, int period = 2) {
  Condition c{type, Price{}};
  c.interval_ms = interval;
  c.period = period;
  return c;
}

std::vector<AlertId> ids_of(const std::vector<SeriesHit>& hits) {
  std::vector<AlertId> ids;
  for (const SeriesHit& hit : hits) ids.push_back(hit.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Pushes trades at the given prices, one per minute (every one closes a 1m bar).
void push_minutes(SeriesSet& series, const std::vector<int>& prices, TimestampMs& ts) {
  for (int price : prices) series.push(Quote::trade("X", units(price), 10, ts += 60'000));
}

}  // namespace

TEST_CASE("Identical series conditions of a symbol form one group", "[rules]") {
  SeriesIndex index;
  index.insert(1, average(ConditionType::sma_crossing_up));
  index.insert(2, average(ConditionType::sma_crossing_up));
  index.insert(3, average(ConditionType::sma_crossing_down));
  index.insert(4, average(ConditionType::sma_crossing_up, 60'000, 3));
  index.insert(5, rsi(ConditionType::rsi_above, 70));
  index.insert(6, rsi(ConditionType::rsi_above, 60));
  CHECK(index.size() == 6);
  CHECK(index.group_count() == 4);
  CHECK(index.erase(1, average(ConditionType::sma_crossing_up)));
  CHECK_FALSE(index.erase(1, average(ConditionType::sma_crossing_up)));
  CHECK_FALSE(index.erase(5, rsi(ConditionType::rsi_above, 71)));  // not its parameter
  CHECK(index.erase(2, average(ConditionType::sma_crossing_up)));
  CHECK(index.group_count() == 3);
  CHECK(index.size() == 4);
}

TEST_CASE("A bar close fires exactly the rsi_above alerts below the RSI and the rsi_below above it",
          "[rules]") {
  SeriesSet series;
  const SeriesKey key = *series_key(rsi(ConditionType::rsi_above, 50));
  series.acquire(key);
  SeriesIndex index;
  AlertId id = 1;
  for (int value : {10, 30, 50, 66, 67, 90}) {
    index.insert(id++, rsi(ConditionType::rsi_above, value));  // ids 1..6
  }
  for (int value : {10, 30, 50, 66, 67, 90}) {
    index.insert(id++, rsi(ConditionType::rsi_below, value));  // ids 7..12
  }
  // Closes 100, 102, 101 (gains 2, loss 1: RSI 66.67), then a quote that
  // closes the 101 bar.
  TimestampMs ts = 0;
  push_minutes(series, {100, 102, 101, 101}, ts);
  REQUIRE(series.rsi(key)->closed_bar());
  REQUIRE(series.rsi(key)->ready());
  std::vector<SeriesHit> hits;
  const Quote close = Quote::trade("X", units(101), 10, ts);
  index.collect(series, units(101), close, hits);
  CHECK(ids_of(hits) == std::vector<AlertId>{1, 2, 3, 4, 11, 12});
  for (const SeriesHit& hit : hits) {
    CHECK(hit.verdict.price == units(101));
    CHECK(hit.verdict.direction == (hit.id <= 6 ? Direction::up : Direction::down));
  }
  // A quote inside the bar judges nothing.
  series.push(Quote::trade("X", units(150), 10, ts + 1'000));
  hits.clear();
  index.collect(series, units(101), Quote::trade("X", units(150), 10, ts + 1'000), hits);
  CHECK(hits.empty());
}

TEST_CASE("A volume spike fires the alerts whose factor the ratio reaches, the line included",
          "[rules]") {
  SeriesSet series;
  const SeriesKey key = *series_key(spike(200));
  series.acquire(key);
  SeriesIndex index;
  index.insert(1, spike(150));
  index.insert(2, spike(300));  // exactly the ratio: fires
  index.insert(3, spike(301));
  index.insert(4, spike(1000));
  // 10 s windows, baseline 2 windows: window 0 partial, windows 1 and 2 of
  // volume 100 each, then 300 in window 3: V * k = 600 = 3 * S.
  series.push(Quote::trade("X", units(10), 100, 5'000));
  series.push(Quote::trade("X", units(10), 100, 15'000));
  series.push(Quote::trade("X", units(10), 100, 25'000));
  const Quote now = Quote::trade("X", units(11), 300, 35'000);
  series.push(now);
  std::vector<SeriesHit> hits;
  index.collect(series, units(10), now, hits);
  CHECK(ids_of(hits) == std::vector<AlertId>{1, 2});
  for (const SeriesHit& hit : hits) CHECK(hit.verdict.price == units(11));
}

TEST_CASE("A moving-average crossing group is judged once for all its members", "[rules]") {
  SeriesSet series;
  const SeriesKey key = *series_key(average(ConditionType::sma_crossing_up));
  series.acquire(key);
  SeriesIndex index;
  index.insert(1, average(ConditionType::sma_crossing_up));
  index.insert(2, average(ConditionType::sma_crossing_up));
  index.insert(3, average(ConditionType::sma_crossing_down));
  TimestampMs ts = 0;
  push_minutes(series, {100, 100, 100}, ts);  // SMA(2) = 100 once two bars closed
  const Quote above = Quote::trade("X", units(101), 10, ts + 500);
  series.push(above);
  std::vector<SeriesHit> hits;
  index.collect(series, units(100), above, hits);  // from the line, not from below
  CHECK(hits.empty());
  const Quote below = Quote::trade("X", units(99), 10, ts + 1'000);
  series.push(below);
  index.collect(series, units(101), below, hits);
  CHECK(ids_of(hits) == std::vector<AlertId>{3});
  const Quote up = Quote::trade("X", units(101), 10, ts + 2'000);
  series.push(up);
  hits.clear();
  index.collect(series, units(99), up, hits);
  CHECK(ids_of(hits) == std::vector<AlertId>{1, 2});
  for (const SeriesHit& hit : hits) CHECK(hit.verdict.direction == Direction::up);
}

namespace {

// The differential test's workload: a few symbols, a random walk with equal
// prices, gaps, mini-bars, volume bursts and the odd out-of-order tick.
struct Stream {
  std::mt19937_64 rng;
  std::vector<std::int64_t> price;     // units, per symbol
  TimestampMs ts = 1'763'989'200'000;  // 2025-11-24 13:00 UTC, a Monday (pre-market)

  explicit Stream(std::uint64_t seed) : rng(seed), price(3, 100 * kUnit) {}

  static Symbol symbol(std::size_t i) {
    std::string text = "S";  // not "S" + to_string: GCC 12's false -Wrestrict (PR 105329)
    text += std::to_string(i);
    return Symbol(text);
  }

  Quote next() {
    const std::size_t s = rng() % price.size();
    const int roll = static_cast<int>(rng() % 100);
    if (roll < 2) {
      ts += 600'000 + static_cast<TimestampMs>(rng() % 3'600'000);  // a gap
    } else {
      ts += 1'000 + static_cast<TimestampMs>(rng() % 30'000);
    }
    // Out of order: stamped before the newest tick (it counts in the open bar).
    const TimestampMs stamp =
        roll >= 97 ? ts - 5'000 - static_cast<TimestampMs>(rng() % 120'000) : ts;
    const std::int64_t step = static_cast<std::int64_t>(rng() % 5) - 2;  // -2..2, 0: equal
    price[s] = std::max<std::int64_t>(kUnit, price[s] + step * kUnit / 4);
    const std::int64_t volume =
        rng() % 10 == 0 ? 0 : (rng() % 20 == 0 ? 5'000 + rng() % 20'000 : 1 + rng() % 1'000);
    Quote quote = Quote::trade(symbol(s), Price::from_units(price[s]), volume, stamp);
    if (rng() % 5 == 0) {  // a mini-bar: reached further both ways
      quote.high = Price::from_units(price[s] + static_cast<std::int64_t>(rng() % 3) * kUnit / 2);
      quote.low = Price::from_units(
          std::max<std::int64_t>(1, price[s] - static_cast<std::int64_t>(rng() % 3) * kUnit / 2));
      quote.open = Price::from_units(std::clamp<std::int64_t>(
          price[s] + (static_cast<std::int64_t>(rng() % 3) - 1) * kUnit / 4, quote.low.units(),
          quote.high.units()));
    }
    return quote;
  }
};

Condition random_series_condition(std::mt19937_64& rng) {
  constexpr DurationMs kIntervals[] = {60'000, 120'000, 300'000};
  const auto type = static_cast<ConditionType>(static_cast<int>(ConditionType::volume_spike) +
                                               static_cast<int>(rng() % 7));
  if (type == ConditionType::volume_spike) {
    // Factors with ties; 10 s or 20 s windows over 2 to 4 windows.
    const DurationMs window = rng() % 2 ? 10'000 : 20'000;
    return spike(110 + static_cast<std::int64_t>(rng() % 8) * 50, window,
                 window * static_cast<DurationMs>(2 + rng() % 3));
  }
  const DurationMs interval = kIntervals[rng() % 3];
  const int period = 2 + static_cast<int>(rng() % 4);
  if (is_rsi(type))
    return rsi(type, 5 + static_cast<std::int64_t>(rng() % 19) * 5, interval, period);
  return average(type, interval, period);
}

Alert random_alert(AlertId id, std::mt19937_64& rng, TimestampMs now) {
  Alert alert;
  alert.id = id;
  alert.user_id = 1 + id % 3;
  alert.symbol = Stream::symbol(rng() % 3);
  alert.condition = random_series_condition(rng);
  alert.revision = static_cast<std::int64_t>(rng() % 4);
  switch (rng() % 4) {
    case 0:
      break;  // once
    case 1:
      alert.trigger = {TriggerMode::once_per, 60'000 * static_cast<DurationMs>(1 + rng() % 5), {}};
      break;
    case 2:
      alert.trigger = {TriggerMode::every_time, 0, {}};
      break;
    default:
      alert.trigger = {TriggerMode::every_time, 1'000 * static_cast<DurationMs>(rng() % 120), {}};
      break;
  }
  if (rng() % 6 == 0) alert.expires_at = now + static_cast<TimestampMs>(rng() % 7'200'000);
  if (rng() % 5 == 0) alert.sessions = kSessionRegular;
  if (rng() % 10 == 0) alert.last_fired_at = now - static_cast<TimestampMs>(rng() % 60'000);
  return alert;
}

// The same alert, judged one by one: a one-term any_of stays on the engine's
// per-alert path (and judges its term with judge_condition).
Alert judged_one_by_one(Alert alert) {
  Condition wrapper{ConditionType::any_of, Price{}};
  wrapper.terms.push_back(alert.condition);
  alert.condition = std::move(wrapper);
  return alert;
}

using FireKey =
    std::tuple<AlertId, UserId, Symbol, int, std::int64_t, TimestampMs, int, int, std::int64_t>;

std::vector<FireKey> keys_of(const std::vector<Fire>& fires) {
  std::vector<FireKey> keys;
  for (const Fire& f : fires) {
    keys.emplace_back(f.alert_id, f.user_id, f.symbol, static_cast<int>(f.direction),
                      f.price.units(), f.ts_ms, static_cast<int>(f.state_after),
                      static_cast<int>(f.rearm_wait), f.revision);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

TEST_CASE("Grouped series alerts fire exactly what per-alert judging fires, with churn",
          "[rules][differential]") {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    CAPTURE(seed);
    Stream stream(seed);
    std::mt19937_64 rng(seed * 7919);
    Engine grouped;
    Engine direct;
    std::vector<AlertId> known;
    AlertId next_id = 1;
    const auto arm = [&](const Alert& alert) {
      REQUIRE(grouped.add(alert).ok());
      REQUIRE(direct.add(judged_one_by_one(alert)).ok());
    };
    for (int i = 0; i < 300; ++i) {
      known.push_back(next_id);
      arm(random_alert(next_id++, rng, stream.ts));
    }
    std::size_t fired = 0;
    std::map<int, std::size_t> fired_by_type;
    for (int tick = 0; tick < 12'000; ++tick) {
      CAPTURE(tick);
      const int churn = static_cast<int>(rng() % 100);
      if (churn < 3) {  // a new alert, or an edit (PATCH, resume) of a known id
        const bool edit = churn == 0 && !known.empty();
        const AlertId id = edit ? known[rng() % known.size()] : next_id++;
        if (!edit) known.push_back(id);
        arm(random_alert(id, rng, stream.ts));
      } else if (churn < 5 && !known.empty()) {  // a delete or pause
        const AlertId id = known[rng() % known.size()];
        CHECK(grouped.remove(id) == direct.remove(id));
      }
      const Quote quote = stream.next();
      std::vector<Fire> a;
      std::vector<Fire> b;
      grouped.on_quote(quote, a);
      direct.on_quote(quote, b);
      REQUIRE(keys_of(a) == keys_of(b));
      fired += a.size();
      for (const Fire& fire : a) ++fired_by_type[static_cast<int>(fire.condition.type)];
      if (tick % 1'000 == 0) {
        REQUIRE(grouped.alert_count() == direct.alert_count());
        for (AlertId id : known) {
          const std::optional<PolicyState> pa = grouped.policy_state(id);
          const std::optional<PolicyState> pb = direct.policy_state(id);
          REQUIRE(pa.has_value() == pb.has_value());
          if (pa) CHECK(pa->last_fired_at == pb->last_fired_at);
        }
      }
    }
    CHECK(grouped.alert_count() == direct.alert_count());
    // The streams must exercise the rules: each seed fires hundreds of times.
    CHECK(fired > 200);
    for (int t = static_cast<int>(ConditionType::volume_spike);
         t <= static_cast<int>(ConditionType::rsi_below); ++t) {
      CAPTURE(t);
      CHECK(fired_by_type[t] > 0);
    }
  }
}
