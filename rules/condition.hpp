// Condition and trigger policy of an alert, and the alert itself.
//
//   Condition c{ConditionType::crossing_up, *Price::parse("150")};
//   condition_type_name(c.type) == "crossing_up"
//
// Exact semantics (also in docs/RULES.md), with P the previous price of the
// symbol and a quote's low L, high H:
//   above          fires when H >  T
//   below          fires when L <  T
//   crossing_up    fires when min(P, L) < T <= H   (reaching the line counts)
//   crossing_down  fires when L <= T < max(P, H)
//   crossing       fires when either crossing does
// With no previous price, P is taken as the quote's own open, so a first single
// trade never counts as a crossing.
//
// Plain value types and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/price.hpp"
#include "rules/quote.hpp"
#include "rules/symbol.hpp"

namespace bw {

enum class ConditionType { above, below, crossing, crossing_up, crossing_down };

struct Condition {
  ConditionType type = ConditionType::above;
  Price price;

  bool operator==(const Condition&) const = default;
};

enum class TriggerMode { once };

enum class AlertState { armed, triggered, paused, expired };

using AlertId = std::int64_t;
using UserId = std::int64_t;

struct Alert {
  AlertId id = 0;
  UserId user_id = 0;
  Symbol symbol;
  std::string name;
  Condition condition;
  TriggerMode trigger = TriggerMode::once;
  AlertState state = AlertState::armed;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> last_fired_at;
};

// Which way the price went when an alert fired.
enum class Direction { up, down };

std::string_view condition_type_name(ConditionType type);
std::optional<ConditionType> parse_condition_type(std::string_view name);
std::string_view trigger_mode_name(TriggerMode mode);
std::optional<TriggerMode> parse_trigger_mode(std::string_view name);
std::string_view alert_state_name(AlertState state);
std::optional<AlertState> parse_alert_state(std::string_view name);

}  // namespace bw
