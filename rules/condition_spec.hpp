// Condition validation and the condition's stored text form.
//
//   if (Status s = validate_condition(condition); !s) reject(s.error());
//   // "condition.terms[1].window: must be a positive duration up to 1d"
//   std::string text = format_condition_spec(condition);   // for the store
//   Result<Condition> back = parse_condition_spec(text);    // == condition
//
// The text form is a compact, lossless encoding of every field, for storage
// only (the API speaks JSON, web/json_codec.hpp): `type:price:upper:window:volume`
// with prices in units of 1e-8 and the window in ms, or `type[term;term…]` for
// a compound: "all_of[above:15000000000:0:0:0;moving_up:200000000:0:30000:0]".
// Series conditions append `:baseline:interval:period` (ms, ms, bars):
// "rsi_above:7000000000:0:0:0:0:300000:14".
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "rules/condition.hpp"
#include "rules/result.hpp"

namespace bw {

// A compound nests at most this deep (a plain condition has depth 1).
inline constexpr int kMaxConditionDepth = 3;
// At most this many terms in one all_of / any_of.
inline constexpr std::size_t kMaxCompoundTerms = 16;
// At most this many conditions in one alert, compounds included.
inline constexpr std::size_t kMaxConditionNodes = 32;
// The longest window of a window move: one day.
inline constexpr DurationMs kMaxMoveWindowMs = 24LL * 3600 * 1000;
// Percent bounds: a fall cannot exceed 100 %; a rise is capped at 10000 %.
inline constexpr std::int64_t kMaxRisePercent = 10'000;
inline constexpr std::int64_t kMaxFallPercent = 100;
// Day-change percents: above -100 (a price cannot fall further), at most 10000.
inline constexpr std::int64_t kMinDayChangePercent = -100;
// The largest volume threshold.
inline constexpr std::int64_t kMaxVolume = 1'000'000'000'000'000;
// volume_spike: the factor is above 1 and at most this; the window is 1 s to
// 1 d; the baseline a whole multiple (2 to kMaxBaselineWindows) of it, at
// most kMaxBaselineMs.
inline constexpr std::int64_t kMaxSpikeFactor = 1'000;
inline constexpr DurationMs kMinSpikeWindowMs = 1'000;
inline constexpr std::int64_t kMaxBaselineWindows = 1'000;
inline constexpr DurationMs kMaxBaselineMs = 30LL * 24 * 3600 * 1000;
// Indicator periods, in bars.
inline constexpr std::int32_t kMinIndicatorPeriod = 2;
inline constexpr std::int32_t kMaxIndicatorPeriod = 500;
// A spread in basis points of the mid is below 20000 for any positive bid.
inline constexpr std::int64_t kMaxSpreadBps = 20'000;

// Checks every parameter (recursively); errors name the field under `path`
// with the API's names: lower/upper, amount, percent, window, bps, conditions[i].
Status validate_condition(const Condition& condition, const std::string& path = "condition");

std::string format_condition_spec(const Condition& condition);
// Reads format_condition_spec's text back; the result is also validated.
Result<Condition> parse_condition_spec(std::string_view text);

}  // namespace bw
