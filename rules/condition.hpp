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
// Window moves (W the window; M the lowest low, X the highest high of the
// symbol's quotes with event time in [t - W, t], this quote included):
//   moving_up      fires when H - M >= amount         (price = amount)
//   moving_down    fires when X - L >= amount
//   moving_up_pct  fires when (H - M) * 100 >= percent * M   (price = percent)
//   moving_down_pct fires when (X - L) * 100 >= percent * X
// Quote: spread_above_bps fires when both bid and ask are known and
//   (ask - bid) * 10000 > bps * (ask + bid) / 2       (price = bps)
// Day: with R the reference (the quote's prev_close, else the last price of
// the previous New York session day with quotes; rules/day_tracker.hpp):
//   day_change_pct_above fires when (H - R) * 100 > percent * R  (signed percent)
//   day_change_pct_below fires when (L - R) * 100 < percent * R
//   volume_above         fires when the day's cumulative volume > volume
// Volume spike (W the window, B = k * W the baseline; docs/RULES.md):
//   volume_spike   fires when V * k >= factor * S and S > 0, V the volume of
//                  the current W-aligned window (this quote included), S the
//                  volume of the k windows before it; only with a full baseline.
// Indicators on bars of `interval` (closes of the closed bars; docs/RULES.md),
// A the average after this quote, A' the one the previous quote saw:
//   sma/ema_crossing_up   fires when (P < A' or L < A) and A <= H
//   sma/ema_crossing_down fires when (P > A' or H > A) and L <= A
//   rsi_above / rsi_below fire on a quote that closes a bar when Wilder's RSI
//                         after that close is > value / < value.
// Compound: all_of fires when every term holds on the quote, any_of when one
// does; the direction and price are those of the first term that holds.
// Line conditions (price and channel) live in the ThresholdIndex; the others
// are judged by condition_judge.hpp.
//
// Plain value types and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/price.hpp"
#include "rules/quote.hpp"
#include "rules/session_calendar.hpp"
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
  moving_up,
  moving_down,
  moving_up_pct,
  moving_down_pct,
  spread_above_bps,
  day_change_pct_above,
  day_change_pct_below,
  volume_above,
  all_of,
  any_of,
  // Series conditions (rules/series_set.hpp): judged on state built from the
  // symbol's quotes, shared per (symbol, kind, interval or window, period).
  volume_spike,
  sma_crossing_up,
  sma_crossing_down,
  ema_crossing_up,
  ema_crossing_down,
  rsi_above,
  rsi_below,
};

// True for the four channel types (they use `price` as lower and `upper`).
constexpr bool is_channel(ConditionType type) {
  return type == ConditionType::entering_channel || type == ConditionType::exiting_channel ||
         type == ConditionType::inside_channel || type == ConditionType::outside_channel;
}

// The price and channel conditions: the ones the ThresholdIndex holds.
constexpr bool is_line_condition(ConditionType type) {
  return type <= ConditionType::outside_channel;
}

// The four window moves (they use `price` as the amount or percent and `window_ms`).
constexpr bool is_move(ConditionType type) {
  return type >= ConditionType::moving_up && type <= ConditionType::moving_down_pct;
}

constexpr bool is_day_change(ConditionType type) {
  return type == ConditionType::day_change_pct_above || type == ConditionType::day_change_pct_below;
}

constexpr bool is_compound(ConditionType type) {
  return type == ConditionType::all_of || type == ConditionType::any_of;
}

// The moving-average crossings (they use `interval_ms` and `period`).
constexpr bool is_average_crossing(ConditionType type) {
  return type >= ConditionType::sma_crossing_up && type <= ConditionType::ema_crossing_down;
}

constexpr bool is_rsi(ConditionType type) {
  return type == ConditionType::rsi_above || type == ConditionType::rsi_below;
}

// The indicators on bars built from ticks (interval_ms, period).
constexpr bool is_indicator(ConditionType type) {
  return is_average_crossing(type) || is_rsi(type);
}

// Conditions judged on shared per-symbol series state (bars, volume windows).
constexpr bool is_series_condition(ConditionType type) {
  return type == ConditionType::volume_spike || is_indicator(type);
}

struct Condition {
  Condition() = default;
  Condition(ConditionType type_, Price price_, Price upper_ = Price{})
      : type(type_), price(price_), upper(upper_) {}

  ConditionType type = ConditionType::above;
  // The line; the lower edge of a channel; the amount (moving_up/down), the
  // percent (moving_*_pct: 1.5 means 1.5 %; day_change_pct_*: signed) or the
  // basis points (spread_above_bps).
  Price price;
  Price upper;                   // the upper edge of a channel; zero for the other types
  DurationMs window_ms = 0;      // window moves: the look-back window; zero otherwise
  std::int64_t volume = 0;       // volume_above: the day's volume to exceed; zero otherwise
  std::vector<Condition> terms;  // all_of / any_of: the conditions; empty otherwise
  // volume_spike: `price` is the factor, `window_ms` the window and this the
  // baseline (a whole multiple of the window). Zero otherwise.
  DurationMs baseline_ms = 0;
  // Indicators: the bar interval and the period in bars; `price` is the RSI
  // value (0..100 exclusive) of rsi_above/below. Zero otherwise.
  DurationMs interval_ms = 0;
  std::int32_t period = 0;

  // Window moves with the same window share one PriceWindow per symbol: these
  // are the windows this condition (and its terms) needs.
  void collect_windows(std::vector<DurationMs>& out) const;

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
  // The trading sessions it may fire in (rules/session_calendar.hpp); 0: any time.
  SessionMask sessions = 0;
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
