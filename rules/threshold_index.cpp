#include "rules/threshold_index.hpp"

#include <algorithm>
#include <limits>

namespace bw {

namespace {

constexpr EntryId kMinId = 0;

constexpr std::int64_t kLowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kHighest = std::numeric_limits<std::int64_t>::max();

// Appends the ids of entries with from <= price units < to.
void append_range(const SortedEntries& entries, std::int64_t from, std::int64_t to,
                  Direction direction, std::vector<ThresholdHit>& hits) {
  entries.for_range(from, to, [&](EntryId id) { hits.push_back({id, direction}); });
}

Price shifted(Price price, std::int64_t units) {
  return Price::from_units(price.units() + units);
}

}  // namespace

void ThresholdIndex::insert(EntryId id, const Condition& condition) {
  quiet_floor_ = 1;
  quiet_ceiling_ = 0;
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
    default:  // not a line condition: the engine judges it directly
      break;
  }
}

void ThresholdIndex::erase(EntryId id, const Condition& condition) {
  quiet_floor_ = 1;
  quiet_ceiling_ = 0;
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
    default:  // not a line condition: never inserted
      break;
  }
}

void ThresholdIndex::insert_rearm(EntryId id, Price level, RearmWait wait) {
  quiet_floor_ = 1;
  quiet_ceiling_ = 0;
  if (wait == RearmWait::below) rearm_below_.insert(level, id);
  if (wait == RearmWait::above) rearm_above_.insert(level, id);
}

void ThresholdIndex::erase_rearm(EntryId id, Price level, RearmWait wait) {
  quiet_floor_ = 1;
  quiet_ceiling_ = 0;
  if (wait == RearmWait::below) rearm_below_.erase(level, id);
  if (wait == RearmWait::above) rearm_above_.erase(level, id);
}

bool ThresholdIndex::quiet(std::optional<Price> previous, const Quote& quote) const {
  const std::int64_t start = previous.value_or(quote.open).units();
  return std::min(start, quote.low.units()) >= quiet_floor_ &&
         std::max(start, quote.high.units()) <= quiet_ceiling_;
}

// The band [floor, ceiling] around `price` is the widest one in which every
// set's firing rule is false for any bar and previous price inside it:
//   above: T < high           needs ceiling <= min T
//   below: T > low            needs floor >= max T
//   up lines: lowest < T <= high     needs no T in (floor, ceiling]: floor >= the
//             largest T <= price, ceiling < the smallest T > price
//   down lines: low <= T < highest   needs no T in [floor, ceiling): floor > the
//             largest T < price, ceiling <= the smallest T >= price
//   re-arm below: level >= low        needs floor > max level
//   re-arm above: level <= high       needs ceiling < min level
// inside_channel alerts are not covered: with any, the band stays empty.
void ThresholdIndex::refresh_quiet_band(Price price) {
  quiet_floor_ = 1;
  quiet_ceiling_ = 0;
  if (!inside_.empty()) return;
  const std::int64_t p = price.units();
  std::int64_t floor = kLowest;
  std::int64_t ceiling = kHighest;
  auto raise = [&floor](std::optional<std::int64_t> v, std::int64_t plus) {
    if (v) floor = std::max(floor, *v + plus);
  };
  auto lower = [&ceiling](std::optional<std::int64_t> v, std::int64_t minus) {
    if (v) ceiling = std::min(ceiling, *v - minus);
  };
  lower(above_.first_at_or_above(kLowest), 0);
  raise(below_.last_below(kHighest), 0);
  raise(up_lines_.last_below(p + 1), 0);
  lower(up_lines_.first_at_or_above(p + 1), 1);
  raise(down_lines_.last_below(p), 1);
  lower(down_lines_.first_at_or_above(p), 0);
  raise(rearm_below_.last_below(kHighest), 1);
  lower(rearm_above_.first_at_or_above(kLowest), 1);
  if (floor > p || ceiling < p) return;  // the price itself is not quiet
  quiet_floor_ = floor;
  quiet_ceiling_ = ceiling;
}

std::size_t ThresholdIndex::capacity_bytes() const {
  return above_.capacity_bytes() + below_.capacity_bytes() + up_lines_.capacity_bytes() +
         down_lines_.capacity_bytes() + rearm_below_.capacity_bytes() +
         rearm_above_.capacity_bytes();
}

bool ThresholdIndex::empty() const {
  return above_.empty() && below_.empty() && up_lines_.empty() && down_lines_.empty() &&
         inside_.empty() && rearm_below_.empty() && rearm_above_.empty();
}

void ThresholdIndex::collect_rearms(const Quote& quote, std::vector<EntryId>& rearmed) const {
  // below: low <= level, i.e. level >= low.   above: high >= level.
  const auto add = [&rearmed](EntryId id) { rearmed.push_back(id); };
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
  const auto end =
      inside_.lower_bound({Price::from_units(quote.high.units() + 1), kMinId, Price{}});
  for (auto it = inside_.begin(); it != end; ++it) {
    if (std::get<2>(*it) >= quote.low) hits.push_back({std::get<1>(*it), Direction::up});
  }
}

}  // namespace bw
