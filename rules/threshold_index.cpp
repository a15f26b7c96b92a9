#include "rules/threshold_index.hpp"

#include <algorithm>
#include <limits>

namespace bw {

namespace {

constexpr AlertId kMinId = std::numeric_limits<AlertId>::min();

constexpr std::int64_t kLowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kHighest = std::numeric_limits<std::int64_t>::max();

// Appends the ids of entries with from <= price units < to.
void append_range(const SortedEntries& entries, std::int64_t from, std::int64_t to,
                  Direction direction, std::vector<ThresholdHit>& hits) {
  entries.for_range(from, to, [&](AlertId id) { hits.push_back({id, direction}); });
}

Price shifted(Price price, std::int64_t units) {
  return Price::from_units(price.units() + units);
}

}  // namespace

void ThresholdIndex::insert(AlertId id, const Condition& condition) {
  const Price line = condition.price;
  switch (condition.type) {
    case ConditionType::above:
      above_.insert(line, id);
      break;
    case ConditionType::below:
      below_.insert(line, id);
      break;
    case ConditionType::crossing_up:
      up_lines_.insert(line, id);
      break;
    case ConditionType::crossing_down:
      down_lines_.insert(line, id);
      break;
    case ConditionType::crossing:
      up_lines_.insert(line, id);
      down_lines_.insert(line, id);
      break;
    // Channels reduce to lines: entering crosses into [lower, upper], exiting
    // crosses out of it (the edges belong to the channel, hence the 1e-8 shifts).
    case ConditionType::entering_channel:
      up_lines_.insert(line, id);
      down_lines_.insert(condition.upper, id);
      break;
    case ConditionType::exiting_channel:
      up_lines_.insert(shifted(condition.upper, 1), id);
      down_lines_.insert(shifted(condition.price, -1), id);
      break;
    case ConditionType::outside_channel:
      above_.insert(condition.upper, id);
      below_.insert(line, id);
      break;
    case ConditionType::inside_channel:
      inside_.insert({condition.price, id, condition.upper});
      break;
  }
}

void ThresholdIndex::erase(AlertId id, const Condition& condition) {
  const Price line = condition.price;
  switch (condition.type) {
    case ConditionType::above:
      above_.erase(line, id);
      break;
    case ConditionType::below:
      below_.erase(line, id);
      break;
    case ConditionType::crossing_up:
      up_lines_.erase(line, id);
      break;
    case ConditionType::crossing_down:
      down_lines_.erase(line, id);
      break;
    case ConditionType::crossing:
      up_lines_.erase(line, id);
      down_lines_.erase(line, id);
      break;
    case ConditionType::entering_channel:
      up_lines_.erase(line, id);
      down_lines_.erase(condition.upper, id);
      break;
    case ConditionType::exiting_channel:
      up_lines_.erase(shifted(condition.upper, 1), id);
      down_lines_.erase(shifted(condition.price, -1), id);
      break;
    case ConditionType::outside_channel:
      above_.erase(condition.upper, id);
      below_.erase(line, id);
      break;
    case ConditionType::inside_channel:
      inside_.erase({condition.price, id, condition.upper});
      break;
  }
}

void ThresholdIndex::insert_rearm(AlertId id, Price level, RearmWait wait) {
  if (wait == RearmWait::below) rearm_below_.insert(level, id);
  if (wait == RearmWait::above) rearm_above_.insert(level, id);
}

void ThresholdIndex::erase_rearm(AlertId id, Price level, RearmWait wait) {
  if (wait == RearmWait::below) rearm_below_.erase(level, id);
  if (wait == RearmWait::above) rearm_above_.erase(level, id);
}

bool ThresholdIndex::empty() const {
  return above_.empty() && below_.empty() && up_lines_.empty() && down_lines_.empty() &&
         inside_.empty() && rearm_below_.empty() && rearm_above_.empty();
}

void ThresholdIndex::collect_rearms(const Quote& quote, std::vector<AlertId>& rearmed) const {
  // below: low <= level, i.e. level >= low.   above: high >= level.
  const auto add = [&rearmed](AlertId id) { rearmed.push_back(id); };
  rearm_below_.for_range(quote.low.units(), kHighest, add);
  rearm_above_.for_range(kLowest, quote.high.units() + 1, add);
}

void ThresholdIndex::collect(std::optional<Price> previous, const Quote& quote,
                             std::vector<ThresholdHit>& hits) const {
  const Price start = previous.value_or(quote.open);
  const Price lowest = std::min(start, quote.low);
  const Price highest = std::max(start, quote.high);

  // above: T < high.   below: T > low.
  append_range(above_, kLowest, quote.high.units(), Direction::up, hits);
  append_range(below_, quote.low.units() + 1, kHighest, Direction::down, hits);
  // crossing up: lowest < T <= high.   crossing down: low <= T < highest.
  append_range(up_lines_, lowest.units() + 1, quote.high.units() + 1, Direction::up, hits);
  append_range(down_lines_, quote.low.units(), highest.units(), Direction::down, hits);
  // inside: lower <= high and upper >= low.
  const auto end = inside_.lower_bound({Price::from_units(quote.high.units() + 1), kMinId, Price{}});
  for (auto it = inside_.begin(); it != end; ++it) {
    if (std::get<2>(*it) >= quote.low) hits.push_back({std::get<1>(*it), Direction::up});
  }
}

}  // namespace bw
