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
// Channels [lower, upper] (edges inside the channel), with A = lower, B = upper:
//   inside_channel    fires when H >= A and L <= B (the bar touches the channel)
//   outside_channel   fires when H > B (up) or L < A (down)
//   entering_channel  fires when min(P, L) < A <= H (up) or L <= B < max(P, H) (down)
//   exiting_channel   fires when min(P, L) <= B < H (up) or L < A <= max(P, H) (down)
// A channel alert fires at most once per quote; when both edges qualify the
// direction is up.
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
#include "rules/trigger_policy.hpp"

namespace bw {

enum class ConditionType {
  above,
  below,
  crossing,
  crossing_up,
  crossing_down,
  entering_channel,
  exiting_channel,
  inside_channel,
  outside_channel,
};

// True for the four channel types (they use `price` as lower and `upper`).
constexpr bool is_channel(ConditionType type) {
  return type == ConditionType::entering_channel || type == ConditionType::exiting_channel ||
         type == ConditionType::inside_channel || type == ConditionType::outside_channel;
}

struct Condition {
  constexpr Condition() = default;
  constexpr Condition(ConditionType type_, Price price_, Price upper_ = Price{})
      : type(type_), price(price_), upper(upper_) {}

  ConditionType type = ConditionType::above;
  Price price;  // the line; the lower edge of a channel
  Price upper;  // the upper edge of a channel; zero for the other types

  bool operator==(const Condition&) const = default;
};

enum class AlertState { armed, triggered, paused, expired };

using AlertId = std::int64_t;
using UserId = std::int64_t;

struct Alert {
  AlertId id = 0;
  UserId user_id = 0;
  Symbol symbol;
  std::string name;
  Condition condition;
  TriggerPolicy trigger;
  AlertState state = AlertState::armed;
  TimestampMs created_at = 0;
  // Event time of the newest fire (the cooldown and once-per-window gate).
  std::optional<TimestampMs> last_fired_at;
  // Never fires on a quote with ts >= expires_at; the store marks it `expired`.
  std::optional<TimestampMs> expires_at;
  // Set by a fire of an alert with a rearm band; cleared when the price comes back.
  RearmWait rearm_wait = RearmWait::none;
  // Bumped by every edit, so a fire of an older version is never recorded.
  std::int64_t revision = 0;
  // Alerts as code: the alerts.d file (name within the directory) and the id
  // within it of an alert the server keeps in line with that file; empty for
  // alerts made through the API. Managed alerts are read-only through the API.
  std::string managed_file;
  std::string managed_key;
};

// Which way the price went when an alert fired.
enum class Direction { up, down };

std::string_view condition_type_name(ConditionType type);
std::optional<ConditionType> parse_condition_type(std::string_view name);
std::string_view alert_state_name(AlertState state);
std::optional<AlertState> parse_alert_state(std::string_view name);

}  // namespace bw
