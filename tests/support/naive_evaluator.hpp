// NaiveEvaluator: a deliberately simple reference for bw::Engine, used by the
// differential tests. For each quote it loops over every armed alert of the
// symbol and applies the rule of docs/RULES.md with plain comparisons; no
// index, no ranges, no de-duplication tricks.
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
    alerts_[alert.symbol][alert.id] = alert;
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
    std::vector<AlertId> fired;
    for (const auto& [id, alert] : alerts_[quote.symbol]) {
      std::optional<Direction> direction = judge(alert.condition, previous, quote);
      if (!direction) continue;
      fires.push_back(Fire{id, alert.user_id, alert.symbol, alert.condition, *direction,
                           reported_price(alert.condition, *direction, quote), quote.ts_ms});
      fired.push_back(id);
    }
    for (AlertId id : fired) remove(id);  // trigger mode `once`
    last_[quote.symbol] = quote.price;
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
    }
    return std::nullopt;
  }

  // The close when the close itself meets the condition; otherwise the bar's
  // extreme in the fire's direction (a merged spike).
  static Price reported_price(const Condition& condition, Direction direction, const Quote& quote) {
    const Price t = condition.price;
    const Price close = quote.price;
    const bool strict =
        condition.type == ConditionType::above || condition.type == ConditionType::below;
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
