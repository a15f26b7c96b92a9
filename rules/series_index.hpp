// SeriesIndex: the series alerts of one symbol (volume_spike, sma/ema
// crossings, rsi_above/below as a whole condition, not inside a compound),
// grouped so that a quote costs O(groups + k) instead of O(alerts): k the
// alerts whose condition holds on the quote.
//
//   SeriesIndex index;
//   index.insert(42, condition);                       // a top-level series condition
//   series.push(quote);                                // the symbol's SeriesSet first
//   index.collect(series, previous, quote, hits);      // hits gets {42, verdict}
//   index.erase(42, condition);
//
// A group is one (condition type, series key): every sma_crossing_up on 5m/20
// of the symbol is one group, judged once per quote with judge_condition; when
// it holds, each member is a hit with the same verdict. Parameterised groups
// keep their members sorted by the parameter and visit only the ones that
// hold, because each rule is monotone in it (docs/RULES.md):
//   volume_spike  holds for factor F iff V * k >= F * S (S > 0): ascending F, a prefix;
//   rsi_above     holds for value v iff RSI > v at a bar close:  ascending v, a prefix;
//   rsi_below     holds for value v iff RSI < v at a bar close:  descending v, a suffix.
// The verdict (direction, reported price) is judge_condition's for each
// member, so grouped judging fires exactly what per-alert judging fires
// (tests/unit/rules/series_index_test.cpp checks it on random streams). The
// trigger policy (expiry, sessions, cooldown, once) stays the caller's.
// Not thread-safe: owned by one engine shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "rules/condition.hpp"
#include "rules/condition_judge.hpp"
#include "rules/quote.hpp"
#include "rules/series_set.hpp"

namespace bw {

struct SeriesHit {
  AlertId id = 0;
  Verdict verdict;
};

class SeriesIndex {
 public:
  // True for the conditions this index takes: a series condition on its own
  // (a compound with series terms is judged directly by the engine).
  static bool accepts(const Condition& condition);

  // `condition` must be accepted and valid; its series must be in the
  // SeriesSet passed to collect() (the engine acquires it).
  void insert(AlertId id, const Condition& condition);
  // The condition it was inserted with; false when it was not there.
  bool erase(AlertId id, const Condition& condition);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t group_count() const { return groups_.size(); }

  // Appends a hit for every alert whose condition holds on `quote`, with
  // `series` already pushed with it and `previous` the symbol's previous
  // price (its open on the first quote), as judge_condition takes them.
  // Hits come grouped; order within and across groups is unspecified.
  void collect(const SeriesSet& series, Price previous, const Quote& quote,
               std::vector<SeriesHit>& hits) const;

 private:
  struct GroupKey {
    ConditionType type;
    SeriesKey series;
    auto operator<=>(const GroupKey&) const = default;
    bool operator==(const GroupKey&) const = default;
  };
  // Members by (parameter in price units, id); the parameter is 0 for
  // crossings (no parameter).
  using Members = std::set<std::pair<std::int64_t, AlertId>>;
  struct Group {
    Condition condition;  // the group's condition; parameter unset
    Members members;
  };

  static GroupKey key_of(const Condition& condition);
  static std::int64_t parameter_of(const Condition& condition);

  std::map<GroupKey, Group> groups_;
  std::size_t size_ = 0;
};

}  // namespace bw
