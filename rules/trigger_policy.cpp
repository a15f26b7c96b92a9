#include "rules/trigger_policy.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace bw {

namespace {

// GCC and Clang extension; line * percent needs more than 64 bits.
__extension__ typedef __int128 Wide;

// Floor division for event times before 1970 as well.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

constexpr std::array<std::pair<TriggerMode, std::string_view>, 3> kModeNames{{
    {TriggerMode::once, "once"},
    {TriggerMode::once_per, "once_per"},
    {TriggerMode::every_time, "every_time"},
}};

constexpr std::array<std::pair<RearmWait, std::string_view>, 3> kWaitNames{{
    {RearmWait::none, "none"},
    {RearmWait::below, "below"},
    {RearmWait::above, "above"},
}};

struct Unit {
  std::string_view suffix;
  DurationMs ms;
};
// Longest suffix first where one is a suffix of another ("ms" before "s").
constexpr std::array<Unit, 5> kUnits{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60'000},
    {"h", 3'600'000},
    {"d", 86'400'000},
}};

}  // namespace

std::int64_t RearmBand::width_at(Price line) const {
  switch (kind) {
    case RearmKind::none:
      return 0;
    case RearmKind::amount:
      return value.units();
    case RearmKind::percent: {
      const Wide product = static_cast<Wide>(line.units()) * value.units();
      return static_cast<std::int64_t>(product / (static_cast<Wide>(100) * Price::kScale));
    }
  }
  return 0;
}

bool TriggerPolicy::allows(std::optional<TimestampMs> last, TimestampMs ts) const {
  if (!last) return true;
  switch (mode) {
    case TriggerMode::once:
      return true;  // it leaves the engine when it fires; a re-armed one may fire again
    case TriggerMode::once_per:
      return interval_ms <= 0 || floor_div(ts, interval_ms) > floor_div(*last, interval_ms);
    case TriggerMode::every_time:
      return ts >= *last + interval_ms;
  }
  return false;
}

TimestampMs TriggerPolicy::next_allowed(TimestampMs last) const {
  constexpr TimestampMs kMin = std::numeric_limits<TimestampMs>::min();
  constexpr TimestampMs kMax = std::numeric_limits<TimestampMs>::max();
  switch (mode) {
    case TriggerMode::once:
      return kMin;
    case TriggerMode::once_per: {
      if (interval_ms <= 0) return kMin;
      const std::int64_t window = floor_div(last, interval_ms);
      if (window >= kMax / interval_ms) return kMax;
      return (window + 1) * interval_ms;
    }
    case TriggerMode::every_time: {
      const Wide next = static_cast<Wide>(last) + interval_ms;
      if (next > kMax) return kMax;
      if (next < kMin) return kMin;
      return static_cast<TimestampMs>(next);
    }
  }
  return kMax;
}

Price rearm_level(const RearmBand& band, Price line, RearmWait wait) {
  const std::int64_t width = band.width_at(line);
  if (wait == RearmWait::above) return Price::from_units(line.units() + width);
  return Price::from_units(line.units() - width);
}

std::string_view trigger_mode_name(TriggerMode mode) {
  for (const auto& [value, text] : kModeNames)
    if (value == mode) return text;
  return "unknown";
}

std::optional<TriggerMode> parse_trigger_mode(std::string_view name) {
  for (const auto& [value, text] : kModeNames)
    if (text == name) return value;
  return std::nullopt;
}

std::string_view rearm_wait_name(RearmWait wait) {
  for (const auto& [value, text] : kWaitNames)
    if (value == wait) return text;
  return "none";
}

std::optional<RearmWait> parse_rearm_wait(std::string_view name) {
  for (const auto& [value, text] : kWaitNames)
    if (text == name) return value;
  return std::nullopt;
}

std::optional<DurationMs> parse_policy_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::int64_t count = 0;
  std::from_chars(text.data(), text.data() + digits, count);
  const std::string_view suffix = text.substr(digits);
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    if (count > std::numeric_limits<std::int64_t>::max() / unit.ms) return std::nullopt;
    return count * unit.ms;
  }
  return std::nullopt;
}

std::string format_policy_duration(DurationMs duration) {
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (duration != 0 && duration % it->ms == 0)
      return std::to_string(duration / it->ms) + std::string(it->suffix);
  }
  return std::to_string(duration) + "ms";
}

}  // namespace bw
