// judge_condition: whether one quote meets a condition, judged directly (no
// index), with the direction and the price to report. The engine uses it for
// the conditions that are not in the ThresholdIndex (window moves, spread,
// all_of / any_of, volume spikes and indicators) and for the terms of a compound; for a plain price
// or channel condition it gives exactly what the index gives (tested).
//
//   JudgeInput in{previous_price, quote, &windows};   // windows already pushed
//   if (std::optional<Verdict> v = judge_condition(condition, in)) fire(v->direction, v->price);
//
// The rules are those of condition.hpp and docs/RULES.md. Integer arithmetic
// only (128-bit products for percents and spreads): no rounding decides a fire.
// Pure function; thread-safe on const inputs.
#pragma once

#include <optional>

#include "rules/condition.hpp"
#include "rules/day_tracker.hpp"
#include "rules/quote.hpp"
#include "rules/series_set.hpp"
#include "rules/window_set.hpp"

namespace bw {

struct JudgeInput {
  Price previous;  // P: the symbol's previous close, or this quote's open on its first quote
  const Quote& quote;
  const WindowSet* windows = nullptr;  // must hold every window the condition uses
  const DayTracker* day = nullptr;     // the symbol's day, this quote included
  const SeriesSet* series = nullptr;   // must hold every series the condition uses, pushed
};

struct Verdict {
  Direction direction = Direction::up;
  Price price;  // the reported price (docs/RULES.md, "Fires")
};

std::optional<Verdict> judge_condition(const Condition& condition, const JudgeInput& in);

// Spread of a quote in basis points of the mid, strictly above `bps`; false
// without both bid and ask.
bool spread_above(const Quote& quote, Price bps);

}  // namespace bw
