#include "rules/condition_judge.hpp"

#include <algorithm>

#include "rules/engine.hpp"

namespace bw {

namespace {

__extension__ typedef __int128 Wide;

std::optional<Direction> judge_line(const Condition& condition, Price previous,
                                    const Quote& quote) {
  const Price t = condition.price;
  const Price low = quote.low;
  const Price high = quote.high;
  const Price lowest = std::min(previous, low);
  const Price highest = std::max(previous, high);
  const bool crosses_up = lowest < t && t <= high;
  const bool crosses_down = low <= t && t < highest;
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
      if (crosses_up && crosses_down) {  // the first crossing left P's side
        if (previous < t) return Direction::up;
        if (previous > t) return Direction::down;
        return quote.price < previous ? Direction::down : Direction::up;
      }
      if (crosses_up) return Direction::up;
      if (crosses_down) return Direction::down;
      return std::nullopt;
    default:
      break;
  }
  const Price a = condition.price;
  const Price b = condition.upper;
  bool up = false;
  bool down = false;
  switch (condition.type) {
    case ConditionType::entering_channel:
      up = lowest < a && a <= high;
      down = low <= b && b < highest;
      break;
    case ConditionType::exiting_channel:
      up = lowest <= b && b < high;
      down = low < a && a <= highest;
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

// A move from `from` to `to` (both positive for percents) meets the amount or
// percent: |to - from| >= amount, or |to - from| * 100 >= percent * from.
bool move_meets(const Condition& condition, Price from, Price to) {
  const std::int64_t distance = to.units() - from.units();
  const std::int64_t magnitude =
      (condition.type == ConditionType::moving_up || condition.type == ConditionType::moving_up_pct)
          ? distance
          : -distance;
  if (magnitude < 0) return false;
  if (condition.type == ConditionType::moving_up || condition.type == ConditionType::moving_down)
    return magnitude >= condition.price.units();
  if (from.units() <= 0) return false;
  return Wide{magnitude} * 100 * Price::kScale >= Wide{condition.price.units()} * from.units();
}

std::optional<Verdict> judge_move(const Condition& condition, const JudgeInput& in) {
  const PriceWindow* window = in.windows ? in.windows->find(condition.window_ms) : nullptr;
  if (window == nullptr || window->empty()) return std::nullopt;
  const Quote& quote = in.quote;
  const bool up =
      condition.type == ConditionType::moving_up || condition.type == ConditionType::moving_up_pct;
  if (up) {
    const Price base = window->lowest();
    if (!move_meets(condition, base, quote.high)) return std::nullopt;
    return Verdict{Direction::up,
                   move_meets(condition, base, quote.price) ? quote.price : quote.high};
  }
  const Price base = window->highest();
  if (!move_meets(condition, base, quote.low)) return std::nullopt;
  return Verdict{Direction::down,
                 move_meets(condition, base, quote.price) ? quote.price : quote.low};
}

// Signed: (price - reference) * 100 compared with percent * reference.
int compare_change(Price price, Price reference, Price percent) {
  const Wide change = (Wide{price.units()} - reference.units()) * 100 * Price::kScale;
  const Wide line = Wide{percent.units()} * reference.units();
  return change < line ? -1 : (change > line ? 1 : 0);
}

std::optional<Verdict> judge_day(const Condition& condition, const JudgeInput& in) {
  const Quote& quote = in.quote;
  if (condition.type == ConditionType::volume_above) {
    if (in.day == nullptr || in.day->state().volume <= condition.volume) return std::nullopt;
    return Verdict{Direction::up, quote.price};
  }
  std::optional<Price> reference = in.day ? in.day->reference(quote) : std::nullopt;
  if (!reference && quote.prev_close.units() > 0) reference = quote.prev_close;
  if (!reference || reference->units() <= 0) return std::nullopt;
  if (condition.type == ConditionType::day_change_pct_above) {
    if (compare_change(quote.high, *reference, condition.price) <= 0) return std::nullopt;
    const bool close = compare_change(quote.price, *reference, condition.price) > 0;
    return Verdict{Direction::up, close ? quote.price : quote.high};
  }
  if (compare_change(quote.low, *reference, condition.price) >= 0) return std::nullopt;
  const bool close = compare_change(quote.price, *reference, condition.price) < 0;
  return Verdict{Direction::down, close ? quote.price : quote.low};
}

std::optional<Verdict> judge_compound(const Condition& condition, const JudgeInput& in) {
  std::optional<Verdict> first;
  for (const Condition& term : condition.terms) {
    std::optional<Verdict> verdict = judge_condition(term, in);
    if (condition.type == ConditionType::any_of && verdict) return verdict;
    if (condition.type == ConditionType::all_of) {
      if (!verdict) return std::nullopt;
      if (!first) first = verdict;
    }
  }
  return first;  // all_of: every term held; any_of: none did (empty)
}

// A moving-average crossing: A the average after this quote, A' the one the
// previous quote saw. Like a line crossing, a merged bar that reached the
// average from the other side (its low/high) counts.
std::optional<Verdict> judge_average(const Condition& condition, const MovingAverage& average,
                                     const JudgeInput& in) {
  const std::optional<Ratio> now = average.value();
  const std::optional<Ratio>& before = average.previous();
  if (!now || !before) return std::nullopt;  // warming up: no side to cross from
  const Quote& quote = in.quote;
  const bool up = condition.type == ConditionType::sma_crossing_up ||
                  condition.type == ConditionType::ema_crossing_up;
  if (up) {
    const bool was_below = before->compare(in.previous) < 0 || now->compare(quote.low) < 0;
    if (!was_below || now->compare(quote.high) < 0) return std::nullopt;
    return Verdict{Direction::up, now->compare(quote.price) >= 0 ? quote.price : quote.high};
  }
  const bool was_above = before->compare(in.previous) > 0 || now->compare(quote.high) > 0;
  if (!was_above || now->compare(quote.low) > 0) return std::nullopt;
  return Verdict{Direction::down, now->compare(quote.price) <= 0 ? quote.price : quote.low};
}

std::optional<Verdict> judge_series(const Condition& condition, const JudgeInput& in) {
  const std::optional<SeriesKey> key = series_key(condition);
  if (!key || in.series == nullptr) return std::nullopt;
  const Quote& quote = in.quote;
  if (condition.type == ConditionType::volume_spike) {
    const VolumeWindow* volume = in.series->volume(*key);
    if (volume == nullptr || !volume->spike(condition.price)) return std::nullopt;
    return Verdict{Direction::up, quote.price};
  }
  if (is_rsi(condition.type)) {
    // Judged at bar close only: on the quote that closed a bar.
    const WilderRsi* rsi = in.series->rsi(*key);
    if (rsi == nullptr || !rsi->ready() || !rsi->closed_bar()) return std::nullopt;
    const int side = rsi->compare(condition.price);
    if (condition.type == ConditionType::rsi_above && side > 0)
      return Verdict{Direction::up, quote.price};
    if (condition.type == ConditionType::rsi_below && side < 0)
      return Verdict{Direction::down, quote.price};
    return std::nullopt;
  }
  const MovingAverage* average = in.series->average(*key);
  if (average == nullptr) return std::nullopt;
  return judge_average(condition, *average, in);
}

}  // namespace

bool spread_above(const Quote& quote, Price bps) {
  if (!quote.has_bid_ask()) return false;
  const Wide spread = Wide{quote.ask.units()} - quote.bid.units();
  const Wide sum = Wide{quote.ask.units()} + quote.bid.units();
  // spread / ((ask + bid) / 2) * 10000 > bps, with bps in units of 1e-8.
  return spread * 20'000 * Price::kScale > Wide{bps.units()} * sum;
}

std::optional<Verdict> judge_condition(const Condition& condition, const JudgeInput& in) {
  if (is_line_condition(condition.type)) {
    std::optional<Direction> direction = judge_line(condition, in.previous, in.quote);
    if (!direction) return std::nullopt;
    return Verdict{*direction, reported_price(condition, *direction, in.quote)};
  }
  if (is_move(condition.type)) return judge_move(condition, in);
  if (is_compound(condition.type)) return judge_compound(condition, in);
  if (is_day_change(condition.type) || condition.type == ConditionType::volume_above)
    return judge_day(condition, in);
  if (is_series_condition(condition.type)) return judge_series(condition, in);
  if (condition.type == ConditionType::spread_above_bps) {
    if (!spread_above(in.quote, condition.price)) return std::nullopt;
    return Verdict{Direction::up, in.quote.price};
  }
  return std::nullopt;
}

}  // namespace bw
