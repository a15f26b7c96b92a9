// TriggerPolicy: when an alert whose condition holds may fire (again).
//
//   TriggerPolicy p{TriggerMode::every_time, 30'000, RearmBand::by_amount(*Price::parse("0.5"))};
//   p.allows(last_fired_at, quote.ts_ms)      // cooldown / once-per-window gate
//   rearm_level(p.rearm, line, RearmWait::below)   // where the price must go back to
//
// Exact semantics (docs/RULES.md, "Trigger policies"), with t the quote's event
// time and F the event time of the alert's previous fire:
//   once        fires once; the alert then leaves the engine (`triggered`).
//   once_per    at most one fire per interval window; windows are aligned to the
//               Unix epoch: fires when there is no F or floor(t/I) > floor(F/I).
//   every_time  fires when there is no F or t >= F + cooldown (cooldown 0: every
//               quote that meets the condition).
// rearm (repeating modes only): after a fire upward the alert waits until a
// quote's low reaches line - band (after a fire downward: high reaches
// line + band) before it can fire again. The band is the amount, or
// floor(line * percent / 100) in 1e-8 units.
//
// Plain value types and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/price.hpp"
#include "rules/quote.hpp"

namespace bw {

enum class TriggerMode { once, once_per, every_time };

using DurationMs = std::int64_t;

// Longest accepted interval or cooldown: 366 days.
inline constexpr DurationMs kMaxPolicyDurationMs = 366LL * 24 * 3600 * 1000;

enum class RearmKind { none, amount, percent };

struct RearmBand {
  RearmKind kind = RearmKind::none;
  Price value;  // the amount, or the percent (0.2 means 0.2 %)

  static RearmBand by_amount(Price amount) { return {RearmKind::amount, amount}; }
  static RearmBand by_percent(Price percent) { return {RearmKind::percent, percent}; }
  bool enabled() const { return kind != RearmKind::none; }
  // The band's width in 1e-8 units at `line`.
  std::int64_t width_at(Price line) const;

  bool operator==(const RearmBand&) const = default;
};

// Which way the price must go back before a fired alert with a rearm band can
// fire again.
enum class RearmWait { none, below, above };

struct TriggerPolicy {
  TriggerMode mode = TriggerMode::once;
  DurationMs interval_ms = 0;  // once_per: the window; every_time: the cooldown
  RearmBand rearm;

  bool repeating() const { return mode != TriggerMode::once; }
  // The time gate: may a fire at `ts` follow the previous fire at `last`?
  bool allows(std::optional<TimestampMs> last, TimestampMs ts) const;
  // The earliest event time at which allows(last, ts) holds; allows() is
  // monotone in ts, so every later time is allowed too.
  TimestampMs next_allowed(TimestampMs last) const;

  bool operator==(const TriggerPolicy&) const = default;
};

// The price a waiting alert must reach: low <= level (below), high >= level (above).
Price rearm_level(const RearmBand& band, Price line, RearmWait wait);

std::string_view trigger_mode_name(TriggerMode mode);
std::optional<TriggerMode> parse_trigger_mode(std::string_view name);
std::string_view rearm_wait_name(RearmWait wait);
std::optional<RearmWait> parse_rearm_wait(std::string_view name);

// Durations as the API writes them: a positive whole number and a unit,
// "500ms", "30s", "5m", "1h", "1d". Empty for anything else.
std::optional<DurationMs> parse_policy_duration(std::string_view text);
// The shortest text parse_policy_duration() reads back to the same value ("90s", "5m").
std::string format_policy_duration(DurationMs duration);

}  // namespace bw
