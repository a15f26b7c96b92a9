#include "rules/condition.hpp"

#include <array>
#include <utility>

namespace bw {

namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> find_by_name(const std::array<std::pair<Enum, std::string_view>, N>& table,
                                 std::string_view name) {
  for (const auto& [value, text] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                         Enum value) {
  for (const auto& [candidate, text] : table) {
    if (candidate == value) return text;
  }
  return "unknown";
}

constexpr std::array<std::pair<ConditionType, std::string_view>, 26> kConditionNames{{
    {ConditionType::above, "above"},
    {ConditionType::below, "below"},
    {ConditionType::crossing, "crossing"},
    {ConditionType::crossing_up, "crossing_up"},
    {ConditionType::crossing_down, "crossing_down"},
    {ConditionType::entering_channel, "entering_channel"},
    {ConditionType::exiting_channel, "exiting_channel"},
    {ConditionType::inside_channel, "inside_channel"},
    {ConditionType::outside_channel, "outside_channel"},
    {ConditionType::moving_up, "moving_up"},
    {ConditionType::moving_down, "moving_down"},
    {ConditionType::moving_up_pct, "moving_up_pct"},
    {ConditionType::moving_down_pct, "moving_down_pct"},
    {ConditionType::spread_above_bps, "spread_above_bps"},
    {ConditionType::day_change_pct_above, "day_change_pct_above"},
    {ConditionType::day_change_pct_below, "day_change_pct_below"},
    {ConditionType::volume_above, "volume_above"},
    {ConditionType::all_of, "all_of"},
    {ConditionType::any_of, "any_of"},
    {ConditionType::volume_spike, "volume_spike"},
    {ConditionType::sma_crossing_up, "sma_crossing_up"},
    {ConditionType::sma_crossing_down, "sma_crossing_down"},
    {ConditionType::ema_crossing_up, "ema_crossing_up"},
    {ConditionType::ema_crossing_down, "ema_crossing_down"},
    {ConditionType::rsi_above, "rsi_above"},
    {ConditionType::rsi_below, "rsi_below"},
}};

constexpr std::array<std::pair<AlertState, std::string_view>, 4> kStateNames{{
    {AlertState::armed, "armed"},
    {AlertState::triggered, "triggered"},
    {AlertState::paused, "paused"},
    {AlertState::expired, "expired"},
}};

}  // namespace

void Condition::collect_windows(std::vector<DurationMs>& out) const {
  if (is_move(type)) out.push_back(window_ms);
  for (const Condition& term : terms) term.collect_windows(out);
}

std::string_view condition_type_name(ConditionType type) {
  return name_of(kConditionNames, type);
}
std::optional<ConditionType> parse_condition_type(std::string_view name) {
  return find_by_name(kConditionNames, name);
}
std::string_view alert_state_name(AlertState state) {
  return name_of(kStateNames, state);
}
std::optional<AlertState> parse_alert_state(std::string_view name) {
  return find_by_name(kStateNames, name);
}

}  // namespace bw
