#include "store/price_repository.hpp"

namespace bw {

void PriceRepository::save(const std::vector<LastPrice>& prices) {
  if (prices.empty()) return;
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement upsert(c,
                          "INSERT INTO last_prices (symbol, price, ts, session_day, day_last, "
                          "previous_close, day_volume) VALUES (?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT(symbol) DO UPDATE SET price = excluded.price, "
                          "ts = excluded.ts, session_day = excluded.session_day, "
                          "day_last = excluded.day_last, previous_close = excluded.previous_close, "
                          "day_volume = excluded.day_volume");
    for (const LastPrice& p : prices) {
      const DayState day = p.day.value_or(DayState{});
      upsert.reset();
      upsert.bind(1, p.symbol).bind(2, p.price.units()).bind(3, p.ts_ms);
      upsert.bind(4, p.day ? std::optional<std::int64_t>(day.day) : std::nullopt)
          .bind(5, day.last.units())
          .bind(6, day.previous_close.units())
          .bind(7, day.volume)
          .run();
    }
    transaction.commit();
  });
}

std::vector<LastPrice> PriceRepository::load_all() {
  return db_.read([](sql::Connection& c) {
    std::vector<LastPrice> prices;
    sql::Statement s(c,
                     "SELECT symbol, price, ts, session_day, day_last, previous_close, day_volume "
                     "FROM last_prices");
    while (s.step()) {
      LastPrice price{s.text(0), Price::from_units(s.integer(1)), s.integer(2), std::nullopt};
      if (std::optional<std::int64_t> day = s.optional_integer(3)) {
        price.day = DayState{*day, Price::from_units(s.integer(4)), Price::from_units(s.integer(5)),
                             s.integer(6)};
      }
      prices.push_back(std::move(price));
    }
    return prices;
  });
}

}  // namespace bw
