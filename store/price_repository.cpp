#include "store/price_repository.hpp"

namespace bw {

void PriceRepository::save(const std::vector<LastPrice>& prices) {
  if (prices.empty()) return;
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement upsert(c,
                          "INSERT INTO last_prices (symbol, price, ts) VALUES (?, ?, ?) "
                          "ON CONFLICT(symbol) DO UPDATE SET price = excluded.price, "
                          "ts = excluded.ts");
    for (const LastPrice& p : prices) {
      upsert.reset();
      upsert.bind(1, p.symbol).bind(2, p.price.units()).bind(3, p.ts_ms).run();
    }
    transaction.commit();
  });
}

std::vector<LastPrice> PriceRepository::load_all() {
  return db_.read([](sql::Connection& c) {
    std::vector<LastPrice> prices;
    sql::Statement s(c, "SELECT symbol, price, ts FROM last_prices");
    while (s.step()) prices.push_back({s.text(0), Price::from_units(s.integer(1)), s.integer(2)});
    return prices;
  });
}

}  // namespace bw
