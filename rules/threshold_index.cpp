#include "rules/threshold_index.hpp"

#include <algorithm>
#include <limits>

namespace bw {

namespace {

constexpr AlertId kMinId = std::numeric_limits<AlertId>::min();
constexpr AlertId kMaxId = std::numeric_limits<AlertId>::max();

// Appends the ids of entries with from <= price < to (half-open, by Entry order).
void append_range(const std::set<std::pair<Price, AlertId>>& entries,
                  std::pair<Price, AlertId> from, std::pair<Price, AlertId> to, Direction direction,
                  std::vector<ThresholdHit>& hits) {
  if (!(from < to)) return;
  auto end = entries.lower_bound(to);
  for (auto it = entries.lower_bound(from); it != end; ++it) {
    hits.push_back({it->second, direction});
  }
}

Price shifted(Price price, std::int64_t units) {
  return Price::from_units(price.units() + units);
}

}  // namespace

void ThresholdIndex::insert(AlertId id, const Condition& condition) {
  Entry entry{condition.price, id};
  const Entry upper{condition.upper, id};
  switch (condition.type) {
    case ConditionType::above:
      above_.insert(entry);
      break;
    case ConditionType::below:
      below_.insert(entry);
      break;
    case ConditionType::crossing_up:
      up_lines_.insert(entry);
      break;
    case ConditionType::crossing_down:
      down_lines_.insert(entry);
      break;
    case ConditionType::crossing:
      up_lines_.insert(entry);
      down_lines_.insert(entry);
      break;
    // Channels reduce to lines: entering crosses into [lower, upper], exiting
    // crosses out of it (the edges belong to the channel, hence the 1e-8 shifts).
    case ConditionType::entering_channel:
      up_lines_.insert(entry);
      down_lines_.insert(upper);
      break;
    case ConditionType::exiting_channel:
      up_lines_.insert({shifted(condition.upper, 1), id});
      down_lines_.insert({shifted(condition.price, -1), id});
      break;
    case ConditionType::outside_channel:
      above_.insert(upper);
      below_.insert(entry);
      break;
    case ConditionType::inside_channel:
      inside_.insert({condition.price, id, condition.upper});
      break;
  }
}

void ThresholdIndex::erase(AlertId id, const Condition& condition) {
  if (is_channel(condition.type)) {
    above_.erase({condition.upper, id});
    below_.erase({condition.price, id});
    up_lines_.erase({condition.price, id});
    up_lines_.erase({shifted(condition.upper, 1), id});
    down_lines_.erase({condition.upper, id});
    down_lines_.erase({shifted(condition.price, -1), id});
    inside_.erase({condition.price, id, condition.upper});
    return;
  }
  Entry entry{condition.price, id};
  above_.erase(entry);
  below_.erase(entry);
  up_lines_.erase(entry);
  down_lines_.erase(entry);
}

void ThresholdIndex::insert_rearm(AlertId id, Price level, RearmWait wait) {
  if (wait == RearmWait::below) rearm_below_.insert({level, id});
  if (wait == RearmWait::above) rearm_above_.insert({level, id});
}

void ThresholdIndex::erase_rearm(AlertId id, Price level, RearmWait wait) {
  if (wait == RearmWait::below) rearm_below_.erase({level, id});
  if (wait == RearmWait::above) rearm_above_.erase({level, id});
}

bool ThresholdIndex::empty() const {
  return above_.empty() && below_.empty() && up_lines_.empty() && down_lines_.empty() &&
         inside_.empty() && rearm_below_.empty() && rearm_above_.empty();
}

void ThresholdIndex::collect_rearms(const Quote& quote, std::vector<AlertId>& rearmed) const {
  // below: low <= level, i.e. level >= low.   above: high >= level.
  for (auto it = rearm_below_.lower_bound({quote.low, kMinId}); it != rearm_below_.end(); ++it)
    rearmed.push_back(it->second);
  const auto end = rearm_above_.lower_bound({Price::from_units(quote.high.units() + 1), kMinId});
  for (auto it = rearm_above_.begin(); it != end; ++it) rearmed.push_back(it->second);
}

void ThresholdIndex::collect(std::optional<Price> previous, const Quote& quote,
                             std::vector<ThresholdHit>& hits) const {
  const Price start = previous.value_or(quote.open);
  const Price lowest = std::min(start, quote.low);
  const Price highest = std::max(start, quote.high);

  // above: T < high.   below: T > low.
  append_range(above_, {Price::from_units(std::numeric_limits<std::int64_t>::min()), kMinId},
               {quote.high, kMinId}, Direction::up, hits);
  append_range(below_, {Price::from_units(quote.low.units() + 1), kMinId},
               {Price::from_units(std::numeric_limits<std::int64_t>::max()), kMaxId},
               Direction::down, hits);
  // crossing up: lowest < T <= high.   crossing down: low <= T < highest.
  append_range(up_lines_, {Price::from_units(lowest.units() + 1), kMinId},
               {Price::from_units(quote.high.units() + 1), kMinId}, Direction::up, hits);
  append_range(down_lines_, {quote.low, kMinId}, {highest, kMinId}, Direction::down, hits);
  // inside: lower <= high and upper >= low.
  const auto end = inside_.lower_bound({Price::from_units(quote.high.units() + 1), kMinId, Price{}});
  for (auto it = inside_.begin(); it != end; ++it) {
    if (std::get<2>(*it) >= quote.low) hits.push_back({std::get<1>(*it), Direction::up});
  }
}

}  // namespace bw
