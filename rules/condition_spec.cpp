#include "rules/condition_spec.hpp"

#include <charconv>
#include <utility>

#include "rules/indicators.hpp"

namespace bw {

namespace {

std::size_t count_nodes(const Condition& condition) {
  std::size_t nodes = 1;
  for (const Condition& term : condition.terms) nodes += count_nodes(term);
  return nodes;
}

int depth_of(const Condition& condition) {
  int deepest = 0;
  for (const Condition& term : condition.terms) deepest = std::max(deepest, depth_of(term));
  return deepest + 1;
}

// The API's name of `price` for each type.
const char* price_field(ConditionType type) {
  if (is_channel(type)) return "lower";
  if (type == ConditionType::moving_up || type == ConditionType::moving_down) return "amount";
  if (is_move(type)) return "percent";
  if (type == ConditionType::spread_above_bps) return "bps";
  if (is_day_change(type)) return "percent";
  if (type == ConditionType::volume_spike) return "factor";
  if (is_rsi(type)) return "value";
  return "price";
}

Status check_compound(const Condition& condition, const std::string& path) {
  if (condition.terms.empty() || condition.terms.size() > kMaxCompoundTerms)
    return Error{path + ".conditions: must hold 1 to " + std::to_string(kMaxCompoundTerms) +
                 " conditions"};
  if (depth_of(condition) > kMaxConditionDepth)
    return Error{path + ".conditions: compound conditions nest at most " +
                 std::to_string(kMaxConditionDepth - 1) + " levels deep"};
  if (count_nodes(condition) > kMaxConditionNodes)
    return Error{path + ".conditions: at most " + std::to_string(kMaxConditionNodes) +
                 " conditions in one alert"};
  for (std::size_t i = 0; i < condition.terms.size(); ++i) {
    Status s =
        validate_condition(condition.terms[i], path + ".conditions[" + std::to_string(i) + "]");
    if (!s) return s;
  }
  return {};
}

Status check_move(const Condition& condition, const std::string& path) {
  if (condition.window_ms <= 0 || condition.window_ms > kMaxMoveWindowMs)
    return Error{path + ".window: must be a positive duration up to 1d"};
  if (condition.type == ConditionType::moving_up_pct &&
      condition.price > Price::from_units(kMaxRisePercent * Price::kScale))
    return Error{path + ".percent: must be at most " + std::to_string(kMaxRisePercent)};
  if (condition.type == ConditionType::moving_down_pct &&
      condition.price > Price::from_units(kMaxFallPercent * Price::kScale))
    return Error{path + ".percent: must be at most " + std::to_string(kMaxFallPercent)};
  return {};
}

Status check_volume_spike(const Condition& condition, const std::string& path) {
  if (condition.price <= Price::from_units(Price::kScale) ||
      condition.price > Price::from_units(kMaxSpikeFactor * Price::kScale))
    return Error{path + ".factor: must be above 1 and at most " + std::to_string(kMaxSpikeFactor)};
  if (condition.window_ms < kMinSpikeWindowMs || condition.window_ms > kMaxMoveWindowMs)
    return Error{path + ".window: must be a duration from 1s to 1d"};
  const DurationMs baseline = condition.baseline_ms;
  if (baseline <= 0 || baseline % condition.window_ms != 0 || baseline / condition.window_ms < 2 ||
      baseline / condition.window_ms > kMaxBaselineWindows || baseline > kMaxBaselineMs)
    return Error{path + ".baseline: must be a whole multiple of the window, from 2 to " +
                 std::to_string(kMaxBaselineWindows) + " windows and at most 30d"};
  return {};
}

Status check_indicator(const Condition& condition, const std::string& path) {
  if (!is_allowed_bar_interval(condition.interval_ms))
    return Error{path + ".interval: must be one of 1m, 2m, 3m, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 1d"};
  if (condition.period < kMinIndicatorPeriod || condition.period > kMaxIndicatorPeriod)
    return Error{path + ".period: must be a whole number from " +
                 std::to_string(kMinIndicatorPeriod) + " to " +
                 std::to_string(kMaxIndicatorPeriod)};
  if (is_rsi(condition.type)) {
    if (condition.price.units() <= 0 || condition.price >= Price::from_units(100 * Price::kScale))
      return Error{path + ".value: must be above 0 and below 100"};
  } else if (condition.price.units() != 0) {
    return Error{path + ".price: not used by this condition"};
  }
  return {};
}

// Series conditions use only their own fields; the others none of them.
Status check_series(const Condition& condition, const std::string& path) {
  const bool spike = condition.type == ConditionType::volume_spike;
  const bool indicator = is_indicator(condition.type);
  if (!spike && condition.baseline_ms != 0)
    return Error{path + ".baseline: not used by this condition"};
  if (!indicator && condition.interval_ms != 0)
    return Error{path + ".interval: not used by this condition"};
  if (!indicator && condition.period != 0)
    return Error{path + ".period: not used by this condition"};
  if (!spike && !indicator) return {};
  if (condition.volume != 0) return Error{path + ".volume: not used by this condition"};
  if (condition.upper.units() != 0) return Error{path + ".upper: not used by this condition"};
  if (indicator && condition.window_ms != 0)
    return Error{path + ".window: not used by this condition"};
  return spike ? check_volume_spike(condition, path) : check_indicator(condition, path);
}

}  // namespace

Status validate_condition(const Condition& condition, const std::string& path) {
  if (is_compound(condition.type)) return check_compound(condition, path);
  if (!condition.terms.empty())
    return Error{path + ".conditions: only all_of and any_of have conditions"};
  const std::string field = path + "." + price_field(condition.type);
  if (Status s = check_series(condition, path); !s || is_series_condition(condition.type)) return s;
  if (condition.type == ConditionType::volume_above) {
    if (condition.volume <= 0 || condition.volume > kMaxVolume)
      return Error{path + ".volume: must be a whole number from 1 to " +
                   std::to_string(kMaxVolume)};
    return {};
  }
  if (condition.volume != 0) return Error{path + ".volume: not used by this condition"};
  if (is_day_change(condition.type)) {
    if (condition.price <= Price::from_units(kMinDayChangePercent * Price::kScale) ||
        condition.price > Price::from_units(kMaxRisePercent * Price::kScale))
      return Error{field + ": must be above -100 and at most " + std::to_string(kMaxRisePercent)};
    return {};
  }
  if (condition.price.units() <= 0) return Error{field + ": must be greater than zero"};
  if (is_channel(condition.type) && !(condition.price < condition.upper))
    return Error{path + ".upper: must be greater than " + path + ".lower"};
  if (is_move(condition.type)) return check_move(condition, path);
  if (condition.window_ms != 0) return Error{path + ".window: not used by this condition"};
  if (condition.type == ConditionType::spread_above_bps &&
      condition.price >= Price::from_units(kMaxSpreadBps * Price::kScale))
    return Error{field + ": must be below " + std::to_string(kMaxSpreadBps)};
  return {};
}

std::string format_condition_spec(const Condition& condition) {
  std::string text(condition_type_name(condition.type));
  if (is_compound(condition.type)) {
    text += '[';
    for (std::size_t i = 0; i < condition.terms.size(); ++i) {
      if (i > 0) text += ';';
      text += format_condition_spec(condition.terms[i]);
    }
    text += ']';
    return text;
  }
  text += ':' + std::to_string(condition.price.units());
  text += ':' + std::to_string(condition.upper.units());
  text += ':' + std::to_string(condition.window_ms);
  text += ':' + std::to_string(condition.volume);
  if (is_series_condition(condition.type)) {
    text += ':' + std::to_string(condition.baseline_ms);
    text += ':' + std::to_string(condition.interval_ms);
    text += ':' + std::to_string(condition.period);
  }
  return text;
}

namespace {

// A recursive-descent reader over the text; depth is bounded by the caller's
// validation limit, so hostile text cannot recurse deeply.
class SpecReader {
 public:
  explicit SpecReader(std::string_view text) : text_(text) {}

  Result<Condition> condition(int depth) {
    if (depth > kMaxConditionDepth) return Error{"condition spec: nested too deeply"};
    const std::size_t name_end = text_.find_first_of(":[", pos_);
    if (name_end == std::string_view::npos) return Error{"condition spec: missing parameters"};
    std::optional<ConditionType> type = parse_condition_type(text_.substr(pos_, name_end - pos_));
    if (!type) return Error{"condition spec: unknown type"};
    pos_ = name_end;
    Condition condition;
    condition.type = *type;
    if (is_compound(*type)) {
      if (!take('[')) return Error{"condition spec: expected ["};
      do {
        Result<Condition> term = this->condition(depth + 1);
        if (!term) return term;
        condition.terms.push_back(std::move(*term));
      } while (take(';'));
      if (!take(']')) return Error{"condition spec: expected ]"};
      return condition;
    }
    std::int64_t price = 0, upper = 0, window = 0, volume = 0;
    if (!take(':') || !integer(price) || !take(':') || !integer(upper) || !take(':') ||
        !integer(window) || !take(':') || !integer(volume))
      return Error{"condition spec: expected type:price:upper:window:volume"};
    condition.volume = volume;
    condition.price = Price::from_units(price);
    condition.upper = Price::from_units(upper);
    condition.window_ms = window;
    if (!take(':')) return condition;  // the five fields of the older types
    std::int64_t baseline = 0, interval = 0, period = 0;
    if (!integer(baseline) || !take(':') || !integer(interval) || !take(':') || !integer(period) ||
        period < 0 || period > kMaxIndicatorPeriod)
      return Error{
          "condition spec: expected type:price:upper:window:volume:baseline:interval:period"};
    condition.baseline_ms = baseline;
    condition.interval_ms = interval;
    condition.period = static_cast<std::int32_t>(period);
    return condition;
  }

  bool at_end() const { return pos_ == text_.size(); }

 private:
  bool take(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool integer(std::int64_t& out) {
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    auto [next, error] = std::from_chars(begin, end, out);
    if (error != std::errc{}) return false;
    pos_ += static_cast<std::size_t>(next - begin);
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<Condition> parse_condition_spec(std::string_view text) {
  SpecReader reader(text);
  Result<Condition> condition = reader.condition(1);
  if (!condition) return condition;
  if (!reader.at_end()) return Error{"condition spec: trailing text"};
  if (Status s = validate_condition(*condition); !s) return Error{s.error()};
  return condition;
}

}  // namespace bw
