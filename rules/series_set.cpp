#include "rules/series_set.hpp"

#include <charconv>
#include <climits>

#include "rules/condition_spec.hpp"

namespace bw {

namespace {

Series make_series(const SeriesKey& key) {
  switch (key.kind) {
    case SeriesKind::volume:
      return VolumeWindow(key.length, key.extra);
    case SeriesKind::sma:
      return MovingAverage(AverageKind::sma, key.length, static_cast<int>(key.extra));
    case SeriesKind::ema:
      return MovingAverage(AverageKind::ema, key.length, static_cast<int>(key.extra));
    case SeriesKind::rsi:
      break;
  }
  return WilderRsi(key.length, static_cast<int>(key.extra));
}

constexpr const char* kKindNames[] = {"volume", "sma", "ema", "rsi"};

bool read_integer(std::string_view text, std::int64_t& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<SeriesKey> series_key(const Condition& condition) {
  switch (condition.type) {
    case ConditionType::volume_spike:
      return SeriesKey{SeriesKind::volume, condition.window_ms, condition.baseline_ms};
    case ConditionType::sma_crossing_up:
    case ConditionType::sma_crossing_down:
      return SeriesKey{SeriesKind::sma, condition.interval_ms, condition.period};
    case ConditionType::ema_crossing_up:
    case ConditionType::ema_crossing_down:
      return SeriesKey{SeriesKind::ema, condition.interval_ms, condition.period};
    case ConditionType::rsi_above:
    case ConditionType::rsi_below:
      return SeriesKey{SeriesKind::rsi, condition.interval_ms, condition.period};
    default:
      return std::nullopt;
  }
}

void collect_series(const Condition& condition, std::vector<SeriesKey>& out) {
  if (std::optional<SeriesKey> key = series_key(condition)) out.push_back(*key);
  for (const Condition& term : condition.terms) collect_series(term, out);
}

std::string format_series_key(const SeriesKey& key) {
  return std::string(kKindNames[static_cast<int>(key.kind)]) + ':' + std::to_string(key.length) +
         ':' + std::to_string(key.extra);
}

// Only keys a valid condition can produce are accepted, so a restored text
// never builds an unbounded series.
std::optional<SeriesKey> parse_series_key(std::string_view text) {
  const std::size_t first = text.find(':');
  const std::size_t second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  SeriesKey key;
  bool known = false;
  for (int i = 0; i < 4; ++i) {
    if (text.substr(0, first) == kKindNames[i]) {
      key.kind = static_cast<SeriesKind>(i);
      known = true;
    }
  }
  if (!known || !read_integer(text.substr(first + 1, second - first - 1), key.length) ||
      !read_integer(text.substr(second + 1), key.extra))
    return std::nullopt;
  Condition probe;
  if (key.kind == SeriesKind::volume) {
    probe.type = ConditionType::volume_spike;
    probe.price = Price::from_units(2 * Price::kScale);
    probe.window_ms = key.length;
    probe.baseline_ms = key.extra;
  } else {
    probe.type = key.kind == SeriesKind::sma   ? ConditionType::sma_crossing_up
                 : key.kind == SeriesKind::ema ? ConditionType::ema_crossing_up
                                               : ConditionType::rsi_above;
    if (key.kind == SeriesKind::rsi) probe.price = Price::from_units(50 * Price::kScale);
    probe.interval_ms = key.length;
    if (key.extra > INT32_MAX) return std::nullopt;
    probe.period = static_cast<std::int32_t>(key.extra);
  }
  if (!validate_condition(probe)) return std::nullopt;
  return key;
}

void SeriesSet::acquire(const SeriesKey& key) {
  ever_used_ = true;
  auto [it, created] = slots_.try_emplace(key, Slot{make_series(key), 0});
  ++it->second.users;
  if (!created) return;
  auto saved = restored_.find(key);
  if (saved == restored_.end()) return;
  std::visit([&](auto& series) { (void)series.restore(saved->second); }, it->second.series);
  restored_.erase(saved);
}

void SeriesSet::release(const SeriesKey& key) {
  auto it = slots_.find(key);
  if (it == slots_.end()) return;
  if (--it->second.users <= 0) slots_.erase(it);
}

void SeriesSet::push(const Quote& quote) {
  for (auto& [key, slot] : slots_) {
    std::visit([&](auto& series) { series.push(quote); }, slot.series);
  }
}

const Series* SeriesSet::find(const SeriesKey& key) const {
  auto it = slots_.find(key);
  return it == slots_.end() ? nullptr : &it->second.series;
}

const VolumeWindow* SeriesSet::volume(const SeriesKey& key) const {
  const Series* series = find(key);
  return series ? std::get_if<VolumeWindow>(series) : nullptr;
}

const MovingAverage* SeriesSet::average(const SeriesKey& key) const {
  const Series* series = find(key);
  return series ? std::get_if<MovingAverage>(series) : nullptr;
}

const WilderRsi* SeriesSet::rsi(const SeriesKey& key) const {
  const Series* series = find(key);
  return series ? std::get_if<WilderRsi>(series) : nullptr;
}

void SeriesSet::restore(const SeriesState& saved) {
  std::optional<SeriesKey> key = parse_series_key(saved.key);
  if (!key) return;  // not a key this build makes: dropped
  ever_used_ = true;
  auto live = slots_.find(*key);
  if (live != slots_.end()) {
    std::visit([&](auto& series) { (void)series.restore(saved.state); }, live->second.series);
    return;
  }
  restored_[*key] = saved.state;
}

std::vector<SeriesState> SeriesSet::save() const {
  std::vector<SeriesState> out;
  out.reserve(slots_.size());
  for (const auto& [key, slot] : slots_) {
    out.push_back(
        SeriesState{format_series_key(key),
                    std::visit([](const auto& series) { return series.save(); }, slot.series)});
  }
  return out;
}

}  // namespace bw
