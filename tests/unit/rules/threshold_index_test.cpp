// Specification of bw::ThresholdIndex: which thresholds a move from a previous
// price through a quote reaches.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "rules/threshold_index.hpp"

using namespace bw;

namespace {

Price px(std::string_view text) {
  return *Price::parse(text);
}

Quote trade(std::string_view price) {
  return Quote::trade("AAPL", px(price), 1, 1);
}

Quote bar(std::string_view open, std::string_view high, std::string_view low,
          std::string_view close) {
  return Quote{"AAPL", px(close), px(open), px(high), px(low), 1, 1, {}, {}, {}};
}

// The hits as sorted (id, direction) pairs, so tests do not depend on order.
std::vector<std::pair<EntryId, Direction>> collect(const ThresholdIndex& index,
                                                   std::optional<Price> previous,
                                                   const Quote& quote) {
  std::vector<ThresholdHit> hits;
  index.collect(previous, quote, hits);
  std::vector<std::pair<EntryId, Direction>> out;
  for (const ThresholdHit& hit : hits) out.emplace_back(hit.id, hit.direction);
  std::sort(out.begin(), out.end());
  return out;
}

using Hits = std::vector<std::pair<EntryId, Direction>>;
constexpr auto up = Direction::up;
constexpr auto down = Direction::down;

}  // namespace

TEST_CASE("A new threshold index is empty and fires nothing", "[rules]") {
  ThresholdIndex index;
  REQUIRE(index.empty());
  REQUIRE(collect(index, px("1"), trade("1000")).empty());
}

TEST_CASE("Erasing the only threshold leaves the index empty", "[rules]") {
  ThresholdIndex index;
  const Condition condition{ConditionType::crossing, px("150")};
  index.insert(1, condition);
  REQUIRE_FALSE(index.empty());
  index.erase(1, condition);
  REQUIRE(index.empty());
  REQUIRE(collect(index, px("149"), trade("151")).empty());
}

TEST_CASE("The index fires an above threshold only when the high is strictly above it", "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::above, px("150")});
  REQUIRE(collect(index, px("149"), trade("150")).empty());
  REQUIRE(collect(index, px("149"), trade("149.99999999")).empty());
  REQUIRE(collect(index, px("149"), trade("150.00000001")) == Hits{{1, up}});
}

TEST_CASE("The index fires a below threshold only when the low is strictly below it", "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::below, px("150")});
  REQUIRE(collect(index, px("151"), trade("150")).empty());
  REQUIRE(collect(index, px("151"), trade("150.00000001")).empty());
  REQUIRE(collect(index, px("151"), trade("149.99999999")) == Hits{{1, down}});
}

TEST_CASE("The index fires a crossing_up line when previous < T <= high", "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::crossing_up, px("150")});
  REQUIRE(collect(index, px("149"), trade("150")) == Hits{{1, up}});
  REQUIRE(collect(index, px("149"), trade("149.99999999")).empty());
  REQUIRE(collect(index, px("150"), trade("151")).empty());  // starts on the line
  REQUIRE(collect(index, px("149.99999999"), trade("150")) == Hits{{1, up}});
}

TEST_CASE("The index fires a crossing_down line when low <= T < previous", "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::crossing_down, px("150")});
  REQUIRE(collect(index, px("151"), trade("150")) == Hits{{1, down}});
  REQUIRE(collect(index, px("151"), trade("150.00000001")).empty());
  REQUIRE(collect(index, px("150"), trade("149")).empty());  // starts on the line
  REQUIRE(collect(index, px("150.00000001"), trade("150")) == Hits{{1, down}});
}

TEST_CASE("The index reports a crossing line on both sides when a bar crosses both ways",
          "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::crossing, px("150")});
  REQUIRE(collect(index, px("149"), bar("149", "151", "148", "148")) == Hits{{1, up}, {1, down}});
  REQUIRE(collect(index, px("149"), trade("151")) == Hits{{1, up}});
  REQUIRE(collect(index, px("151"), trade("149")) == Hits{{1, down}});
}

TEST_CASE("The index uses the quote's open when there is no previous price", "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::crossing_up, px("149")});
  const Quote rising = bar("149", "151", "149", "151");
  // Without a previous price the move starts at the open, on the line itself.
  REQUIRE(collect(index, std::nullopt, rising).empty());
  REQUIRE(collect(index, px("140"), rising) == Hits{{1, up}});
}

TEST_CASE("The index fires both crossings of a line strictly inside a bar's range", "[rules]") {
  // The order of trades inside a bar is unknown, so either crossing may have happened.
  ThresholdIndex index;
  index.insert(1, {ConditionType::crossing_up, px("150")});
  index.insert(2, {ConditionType::crossing_down, px("150")});
  REQUIRE(collect(index, std::nullopt, bar("149", "151", "149", "151")) ==
          Hits{{1, up}, {2, down}});
}

TEST_CASE("The index judges a mini-bar by its high and low, not only its close", "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::above, px("150")});
  index.insert(2, {ConditionType::below, px("140")});
  REQUIRE(collect(index, px("145"), bar("145", "151", "139", "145")) == Hits{{1, up}, {2, down}});
}

TEST_CASE("The index reports every alert sharing a threshold", "[rules]") {
  ThresholdIndex index;
  for (EntryId id = 1; id <= 5; ++id) index.insert(id, {ConditionType::crossing_up, px("150")});
  REQUIRE(collect(index, px("149"), trade("150")) ==
          Hits{{1, up}, {2, up}, {3, up}, {4, up}, {5, up}});
}

TEST_CASE("Erasing one alert leaves other alerts on the same threshold", "[rules]") {
  ThresholdIndex index;
  const Condition condition{ConditionType::crossing_up, px("150")};
  index.insert(1, condition);
  index.insert(2, condition);
  index.erase(1, condition);
  REQUIRE(collect(index, px("149"), trade("150")) == Hits{{2, up}});
}

TEST_CASE("The index reports only thresholds inside the move's range", "[rules]") {
  ThresholdIndex index;
  index.insert(1, {ConditionType::crossing_up, px("149")});
  index.insert(2, {ConditionType::crossing_up, px("150")});
  index.insert(3, {ConditionType::crossing_up, px("152")});
  index.insert(4, {ConditionType::crossing_up, px("152.00000001")});
  index.insert(5, {ConditionType::crossing_up, px("153")});
  REQUIRE(collect(index, px("149"), trade("152")) == Hits{{2, up}, {3, up}});
}

TEST_CASE("The index handles extreme entry ids at the boundaries of each range", "[rules]") {
  constexpr EntryId kMin = 0;
  constexpr EntryId kMax = SortedEntries::kTombstone - 1;  // the largest valid id
  ThresholdIndex index;
  index.insert(kMin, {ConditionType::above, px("150")});
  index.insert(kMax, {ConditionType::above, px("150")});
  REQUIRE(collect(index, px("149"), trade("150")).empty());
  REQUIRE(collect(index, px("149"), trade("150.00000001")) == Hits{{kMin, up}, {kMax, up}});
}
