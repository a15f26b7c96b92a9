#include "store/price_repository.hpp"

#include <unordered_map>

namespace bw {

void PriceRepository::save(const std::vector<LastPrice>& prices) {
  if (prices.empty()) return;
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    // Kept prepared on the writer connection: a flush of 1,000 symbols is 16
    // of these transactions.
    sql::Statement upsert(c, sql::kReused,
                          "INSERT INTO last_prices (symbol, price, ts, session_day, day_last, "
                          "previous_close, day_volume) VALUES (?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT(symbol) DO UPDATE SET price = excluded.price, "
                          "ts = excluded.ts, session_day = excluded.session_day, "
                          "day_last = excluded.day_last, previous_close = excluded.previous_close, "
                          "day_volume = excluded.day_volume");
    sql::Statement clear_series(c, sql::kReused, "DELETE FROM series_states WHERE symbol = ?");
    sql::Statement insert_series(c, sql::kReused,
                                 "INSERT INTO series_states (symbol, key, state) VALUES (?, ?, ?)");
    for (const LastPrice& p : prices) {
      if (p.series) {
        clear_series.reset();
        clear_series.bind(1, p.symbol).run();
        for (const SeriesState& series : *p.series) {
          insert_series.reset();
          insert_series.bind(1, p.symbol).bind(2, series.key).bind(3, series.state).run();
        }
      }
      const DayState day = p.day.value_or(DayState{});
      upsert.reset();
      upsert.bind_borrowed(1, p.symbol).bind(2, p.price.units()).bind(3, p.ts_ms);
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
    std::unordered_map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < prices.size(); ++i) at.emplace(prices[i].symbol, i);
    sql::Statement series(c, "SELECT symbol, key, state FROM series_states ORDER BY symbol, key");
    while (series.step()) {
      auto found = at.find(series.text(0));
      if (found == at.end()) continue;  // no last price: nothing to continue from
      auto& states = prices[found->second].series;
      if (!states) states.emplace();
      states->push_back(SeriesState{series.text(1), series.text(2)});
    }
    return prices;
  });
}

}  // namespace bw
