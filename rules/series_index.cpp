#include "rules/series_index.hpp"

namespace bw {

bool SeriesIndex::accepts(const Condition& condition) {
  return is_series_condition(condition.type);
}

SeriesIndex::GroupKey SeriesIndex::key_of(const Condition& condition) {
  return GroupKey{condition.type, *series_key(condition)};
}

// volume_spike: the factor; rsi_*: the value; crossings have none.
std::int64_t SeriesIndex::parameter_of(const Condition& condition) {
  return is_average_crossing(condition.type) ? 0 : condition.price.units();
}

void SeriesIndex::insert(AlertId id, const Condition& condition) {
  const GroupKey key = key_of(condition);
  auto [it, created] = groups_.try_emplace(key);
  if (created) {
    // Only the fields the verdict of the whole group depends on.
    Condition& shared = it->second.condition;
    shared.type = condition.type;
    shared.window_ms = condition.window_ms;
    shared.baseline_ms = condition.baseline_ms;
    shared.interval_ms = condition.interval_ms;
    shared.period = condition.period;
  }
  if (it->second.members.emplace(parameter_of(condition), id).second) ++size_;
}

bool SeriesIndex::erase(AlertId id, const Condition& condition) {
  auto it = groups_.find(key_of(condition));
  if (it == groups_.end()) return false;
  if (it->second.members.erase({parameter_of(condition), id}) == 0) return false;
  --size_;
  if (it->second.members.empty()) groups_.erase(it);
  return true;
}

namespace {

template <typename Iterator, typename Holds>
void take_while(Iterator from, Iterator to, Holds&& holds, const Verdict& verdict,
                std::vector<SeriesHit>& hits) {
  for (; from != to && holds(from->first); ++from) hits.push_back({from->second, verdict});
}

}  // namespace

void SeriesIndex::collect(const SeriesSet& series, Price previous, const Quote& quote,
                          std::vector<SeriesHit>& hits) const {
  for (const auto& [key, group] : groups_) {
    const Members& members = group.members;
    if (key.type == ConditionType::volume_spike) {
      const VolumeWindow* volume = series.volume(key.series);
      if (volume == nullptr) continue;
      // spike(F) is monotone: once a factor is too high, every later one is.
      take_while(
          members.begin(), members.end(),
          [&](std::int64_t factor) { return volume->spike(Price::from_units(factor)); },
          Verdict{Direction::up, quote.price}, hits);
      continue;
    }
    if (is_rsi(key.type)) {
      // Judged at bar close only, on the RSI after that close.
      const WilderRsi* rsi = series.rsi(key.series);
      if (rsi == nullptr || !rsi->ready() || !rsi->closed_bar()) continue;
      if (key.type == ConditionType::rsi_above) {
        take_while(
            members.begin(), members.end(),
            [&](std::int64_t value) { return rsi->compare(Price::from_units(value)) > 0; },
            Verdict{Direction::up, quote.price}, hits);
      } else {
        take_while(
            members.rbegin(), members.rend(),
            [&](std::int64_t value) { return rsi->compare(Price::from_units(value)) < 0; },
            Verdict{Direction::down, quote.price}, hits);
      }
      continue;
    }
    // A crossing: the same condition for every member, judged once.
    const JudgeInput input{previous, quote, nullptr, nullptr, &series};
    const std::optional<Verdict> verdict = judge_condition(group.condition, input);
    if (!verdict) continue;
    for (const auto& member : members) hits.push_back({member.second, *verdict});
  }
}

}  // namespace bw
