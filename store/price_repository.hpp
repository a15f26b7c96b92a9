// PriceRepository: the last price of each symbol, so a restart keeps crossing
// continuity (the engine's "previous price" survives the process).
//
//   prices.save({{"AAPL", price, ts}});   // upserts, one transaction
//   for (auto& p : prices.load_all()) engine.restore_last_price(p.symbol, p.price);
//
// Thread-safe (through Database).
#pragma once

#include <vector>

#include "rules/quote.hpp"
#include "store/database.hpp"

namespace bw {

struct LastPrice {
  Symbol symbol;
  Price price;
  TimestampMs ts_ms = 0;
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
