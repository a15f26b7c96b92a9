#include "notify/message.hpp"

namespace bw {

std::string_view condition_phrase(const Fire& fire) {
  switch (fire.condition.type) {
    case ConditionType::above:
      return "is above";
    case ConditionType::below:
      return "is below";
    case ConditionType::crossing_up:
      return "crossed above";
    case ConditionType::crossing_down:
      return "crossed below";
    case ConditionType::crossing:
      return fire.direction == Direction::up ? "crossed above" : "crossed below";
    case ConditionType::entering_channel:
      return "entered channel";
    case ConditionType::exiting_channel:
      return "exited channel";
    case ConditionType::inside_channel:
      return "is inside channel";
    case ConditionType::outside_channel:
      return "is outside channel";
    case ConditionType::moving_up:
    case ConditionType::moving_up_pct:
      return "rose";
    case ConditionType::moving_down:
    case ConditionType::moving_down_pct:
      return "fell";
    case ConditionType::spread_above_bps:
      return "spread is above";
    case ConditionType::day_change_pct_above:
      return "day change is above";
    case ConditionType::day_change_pct_below:
      return "day change is below";
    case ConditionType::volume_above:
      return "day volume is above";
    case ConditionType::all_of:
      return "met all of";
    case ConditionType::any_of:
      return "met one of";
    case ConditionType::volume_spike:
      return "volume spiked";
    case ConditionType::sma_crossing_up:
    case ConditionType::ema_crossing_up:
      return "crossed above";
    case ConditionType::sma_crossing_down:
    case ConditionType::ema_crossing_down:
      return "crossed below";
    case ConditionType::rsi_above:
      return "RSI is above";
    case ConditionType::rsi_below:
      return "RSI is below";
  }
  return "reached";
}

// "150.00" for a line, "140.00-150.00" for a channel, "2.00 within 30s" and
// "1.5% within 5m" for moves, "25 bps" for a spread, "-2%" for a day change,
// "1000000" for a day volume, "2 conditions" for a compound, "3x the 5m
// average over 1h" for a volume spike, "SMA(20, 1m)" for an average and
// "70 (14 bars of 5m)" for an RSI.
std::string threshold_text(const Condition& condition) {
  if (condition.type == ConditionType::volume_spike)
    return condition.price.to_string(0) + "x the " + format_policy_duration(condition.window_ms) +
           " average over " + format_policy_duration(condition.baseline_ms);
  if (is_average_crossing(condition.type)) {
    const bool sma = condition.type == ConditionType::sma_crossing_up ||
                     condition.type == ConditionType::sma_crossing_down;
    return std::string(sma ? "SMA(" : "EMA(") + std::to_string(condition.period) + ", " +
           format_policy_duration(condition.interval_ms) + ")";
  }
  if (is_rsi(condition.type))
    return condition.price.to_string(0) + " (" + std::to_string(condition.period) + " bars of " +
           format_policy_duration(condition.interval_ms) + ")";
  if (is_channel(condition.type))
    return condition.price.to_string() + "-" + condition.upper.to_string();
  if (is_compound(condition.type)) return std::to_string(condition.terms.size()) + " conditions";
  if (condition.type == ConditionType::spread_above_bps)
    return condition.price.to_string(0) + " bps";
  if (condition.type == ConditionType::volume_above) return std::to_string(condition.volume);
  if (is_day_change(condition.type)) return condition.price.to_string(0) + "%";
  if (condition.type == ConditionType::moving_up_pct ||
      condition.type == ConditionType::moving_down_pct)
    return condition.price.to_string(0) + "% within " + format_policy_duration(condition.window_ms);
  if (is_move(condition.type))
    return condition.price.to_string() + " within " + format_policy_duration(condition.window_ms);
  return condition.price.to_string();
}

std::string render_message(const Fire& fire) {
  std::string text = fire.symbol;
  text += ' ';
  text += condition_phrase(fire);
  text += ' ';
  text += threshold_text(fire.condition);
  text += " at ";
  text += fire.price.to_string();
  return text;
}

}  // namespace bw
