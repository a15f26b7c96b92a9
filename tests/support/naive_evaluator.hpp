// NaiveEvaluator: a deliberately simple reference for bw::Engine, used by the
// differential tests. For each quote it loops over every armed alert of the
// symbol and applies the rule of docs/RULES.md with plain comparisons; no
// index, no ranges, no de-duplication tricks. Trigger policies the same way:
// every waiting alert is checked for its re-arm level, then the condition,
// then the expiry and the time gate, spelled out here rather than shared.
//
//   bw::testing::NaiveEvaluator naive;
//   naive.add(alert);
//   std::vector<bw::Fire> fires;
//   naive.on_quote(quote, fires);   // the same fires as bw::Engine, by alert id
//
// Fires are appended in alert-id order. Not thread-safe; test code only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "rules/condition.hpp"
#include "rules/engine.hpp"
#include "rules/price.hpp"
#include "rules/quote.hpp"

namespace bw::testing {

class NaiveEvaluator {
 public:
  // Arms `alert`, replacing one with the same id; false when it is not armed.
  bool add(const Alert& alert) {
    if (alert.state != AlertState::armed) return false;
    remove(alert.id);
    Alert copy = alert;
    if (copy.trigger.mode == TriggerMode::once || copy.trigger.rearm.kind == RearmKind::none ||
        is_channel(copy.condition.type))
      copy.rearm_wait = RearmWait::none;
    alerts_[alert.symbol][alert.id] = copy;
    symbol_of_[alert.id] = alert.symbol;
    return true;
  }

  // Disarms; false when the id was not armed.
  bool remove(AlertId id) {
    auto it = symbol_of_.find(id);
    if (it == symbol_of_.end()) return false;
    alerts_[it->second].erase(id);
    symbol_of_.erase(it);
    return true;
  }

  void restore_last_price(const Symbol& symbol, Price price) { last_[symbol] = price; }

  std::optional<Price> last_price(const Symbol& symbol) const {
    auto it = last_.find(symbol);
    if (it == last_.end()) return std::nullopt;
    return it->second;
  }

  std::size_t alert_count() const { return symbol_of_.size(); }

  void on_quote(const Quote& quote, std::vector<Fire>& fires) {
    // No previous price: the bar starts at its own open, so a single trade
    // never crosses.
    const Price previous = last_price(quote.symbol).value_or(quote.open);
    std::vector<AlertId> gone;
    for (auto& [id, alert] : alerts_[quote.symbol]) {
      rearm_if_back(alert, quote);
      if (alert.rearm_wait != RearmWait::none) continue;
      std::optional<Direction> direction = judge(alert.condition, previous, quote);
      if (!direction) continue;
      if (alert.expires_at && quote.ts_ms >= *alert.expires_at) {
        gone.push_back(id);
        continue;
      }
      if (!gate_open(alert.trigger, alert.last_fired_at, quote.ts_ms)) continue;
      Fire fire{id,           alert.user_id,
                alert.symbol, alert.condition,
                *direction,   reported_price(alert.condition, *direction, quote),
                quote.ts_ms};
      fire.revision = alert.revision;
      alert.last_fired_at = quote.ts_ms;
      if (alert.trigger.mode == TriggerMode::once) {
        gone.push_back(id);
      } else {
        fire.state_after = AlertState::armed;
        if (alert.trigger.rearm.kind != RearmKind::none && !is_channel(alert.condition.type))
          alert.rearm_wait = *direction == Direction::up ? RearmWait::below : RearmWait::above;
        fire.rearm_wait = alert.rearm_wait;
      }
      fires.push_back(fire);
    }
    for (AlertId id : gone) remove(id);
    last_[quote.symbol] = quote.price;
  }

  // Ids of armed alerts waiting to re-arm (for comparing with the engine).
  std::optional<Alert> find(AlertId id) const {
    auto it = symbol_of_.find(id);
    if (it == symbol_of_.end()) return std::nullopt;
    return alerts_.at(it->second).at(id);
  }

  // The band: the amount, or floor(line * percent / 100) in 1e-8 units.
  static std::int64_t band_units(const RearmBand& band, Price line) {
    if (band.kind == RearmKind::amount) return band.value.units();
    if (band.kind == RearmKind::percent) {
      const long double exact = static_cast<long double>(line.units()) * band.value.units();
      // Exact for the magnitudes the tests use (products below 2^64).
      return static_cast<std::int64_t>(exact / (100.0L * Price::kScale));
    }
    return 0;
  }

  static void rearm_if_back(Alert& alert, const Quote& quote) {
    const std::int64_t band = band_units(alert.trigger.rearm, alert.condition.price);
    const std::int64_t line = alert.condition.price.units();
    if (alert.rearm_wait == RearmWait::below && quote.low.units() <= line - band)
      alert.rearm_wait = RearmWait::none;
    if (alert.rearm_wait == RearmWait::above && quote.high.units() >= line + band)
      alert.rearm_wait = RearmWait::none;
  }

  static bool gate_open(const TriggerPolicy& policy, std::optional<TimestampMs> last,
                        TimestampMs ts) {
    if (!last || policy.mode == TriggerMode::once) return true;
    if (policy.mode == TriggerMode::every_time) return ts - *last >= policy.interval_ms;
    // once_per: a later epoch-aligned window (floor division, negative ts too).
    auto window = [&](TimestampMs t) {
      TimestampMs w = t / policy.interval_ms;
      if (t % policy.interval_ms < 0) --w;
      return w;
    };
    return window(ts) > window(*last);
  }

  // The documented rule, with P the previous price and the quote's L and H.
  static std::optional<Direction> judge(const Condition& condition, Price previous,
                                        const Quote& quote) {
    const Price t = condition.price;
    const Price low = quote.low;
    const Price high = quote.high;
    const bool crosses_up = std::min(previous, low) < t && t <= high;
    const bool crosses_down = low <= t && t < std::max(previous, high);
    switch (condition.type) {
      case ConditionType::above:
        if (high > t) return Direction::up;
        return std::nullopt;
      case ConditionType::below:
        if (low < t) return Direction::down;
        return std::nullopt;
      case ConditionType::crossing_up:
        if (crosses_up) return Direction::up;
        return std::nullopt;
      case ConditionType::crossing_down:
        if (crosses_down) return Direction::down;
        return std::nullopt;
      case ConditionType::crossing:
        // A bar that crosses both ways fires once, in the direction of its
        // first crossing: away from the side the previous price was on.
        if (crosses_up && crosses_down) {
          if (previous < t) return Direction::up;
          if (previous > t) return Direction::down;
          return quote.price < previous ? Direction::down : Direction::up;
        }
        if (crosses_up) return Direction::up;
        if (crosses_down) return Direction::down;
        return std::nullopt;
      default:
        return judge_channel(condition, previous, quote);
    }
    return std::nullopt;
  }

  // Channels [a, b]: edges belong to the channel. Up wins when both qualify.
  static std::optional<Direction> judge_channel(const Condition& condition, Price previous,
                                                const Quote& quote) {
    const Price a = condition.price;
    const Price b = condition.upper;
    const Price low = quote.low;
    const Price high = quote.high;
    const Price lowest = std::min(previous, low);
    const Price highest = std::max(previous, high);
    bool up = false;
    bool down = false;
    switch (condition.type) {
      case ConditionType::entering_channel:
        up = lowest < a && a <= high;    // came up into the channel
        down = low <= b && b < highest;  // came down into it
        break;
      case ConditionType::exiting_channel:
        up = lowest <= b && b < high;    // left it upward
        down = low < a && a <= highest;  // left it downward
        break;
      case ConditionType::inside_channel:
        up = high >= a && low <= b;
        break;
      case ConditionType::outside_channel:
        up = high > b;
        down = low < a;
        break;
      default:
        break;
    }
    if (up) return Direction::up;
    if (down) return Direction::down;
    return std::nullopt;
  }

  // The close when the close itself meets the condition; otherwise the bar's
  // extreme in the fire's direction (a merged spike).
  static Price reported_price(const Condition& condition, Direction direction, const Quote& quote) {
    Price t = condition.price;
    const Price close = quote.price;
    bool strict = condition.type == ConditionType::above || condition.type == ConditionType::below;
    if (condition.type == ConditionType::inside_channel) {
      const Price a = condition.price;
      const Price b = condition.upper;
      if (a <= close && close <= b) return close;
      if (a <= quote.low && quote.low <= b) return quote.low;
      if (a <= quote.high && quote.high <= b) return quote.high;
      if (a <= quote.open && quote.open <= b) return quote.open;
      return close;
    }
    if (condition.type == ConditionType::entering_channel && direction == Direction::down)
      t = condition.upper;
    if (condition.type == ConditionType::exiting_channel ||
        condition.type == ConditionType::outside_channel) {
      strict = true;
      if (direction == Direction::up) t = condition.upper;
    }
    if (direction == Direction::up) {
      const bool close_meets = strict ? close > t : close >= t;
      return close_meets ? close : quote.high;
    }
    const bool close_meets = strict ? close < t : close <= t;
    return close_meets ? close : quote.low;
  }

 private:
  std::map<Symbol, std::map<AlertId, Alert>> alerts_;  // armed alerts by symbol, then id
  std::map<AlertId, Symbol> symbol_of_;
  std::map<Symbol, Price> last_;
};

}  // namespace bw::testing
