// PriceRepository: the last price of each symbol, so a restart keeps crossing
// continuity (the engine's "previous price" survives the process), and its
// session day, so day-change references and the day's volume survive too,
// and its series states (indicator warm-up, volume baselines).
//
//   prices.save({{"AAPL", price, ts}});   // upserts, one transaction
//   for (auto& p : prices.load_all()) engine.restore_last_price(p.symbol, p.price);
//
// Thread-safe (through Database).
#pragma once

#include <vector>

#include <optional>

#include "rules/day_tracker.hpp"
#include "rules/quote.hpp"
#include "rules/series_set.hpp"
#include "store/database.hpp"

namespace bw {

struct LastPrice {
  Symbol symbol;
  Price price;
  TimestampMs ts_ms = 0;
  // The symbol's session day (previous close, day volume); empty: not saved.
  std::optional<DayState> day = std::nullopt;
  // The symbol's series states (bars, indicators, volume windows). When set,
  // save() replaces the symbol's saved series with exactly these; empty:
  // left as they are.
  std::optional<std::vector<SeriesState>> series = std::nullopt;
};

class PriceRepository {
 public:
  explicit PriceRepository(Database& db) : db_(db) {}

  void save(const std::vector<LastPrice>& prices);
  std::vector<LastPrice> load_all();

 private:
  Database& db_;
};

}  // namespace bw
