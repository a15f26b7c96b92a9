#include "store/price_repository.hpp"

#include <string>
#include <string_view>
#include <unordered_map>

#include "store/multi_row_sql.hpp"

namespace bw {

namespace {

constexpr int kColumnsPerRow = 7;

// Multi-row upserts of 64, 16, 4 and 1 rows.
const MultiRowSql<4>& price_upserts() {
  static const MultiRowSql<4> upserts(
      {64, 16, 4, 1},
      "INSERT INTO last_prices (symbol, price, ts, session_day, day_last, previous_close, "
      "day_volume) VALUES ",
      kColumnsPerRow,
      " ON CONFLICT(symbol) DO UPDATE SET price = excluded.price, ts = excluded.ts, "
      "session_day = excluded.session_day, day_last = excluded.day_last, "
      "previous_close = excluded.previous_close, day_volume = excluded.day_volume");
  return upserts;
}

void bind_price(sql::Statement& upsert, int base, const LastPrice& p) {
  const DayState day = p.day.value_or(DayState{});
  upsert.bind_borrowed(base + 1, p.symbol).bind(base + 2, p.price.units()).bind(base + 3, p.ts_ms);
  upsert.bind(base + 4, p.day ? std::optional<std::int64_t>(day.day) : std::nullopt)
      .bind(base + 5, day.last.units())
      .bind(base + 6, day.previous_close.units())
      .bind(base + 7, day.volume);
}

// One multi-row upsert may not touch a row twice: a symbol listed more than
// once keeps its last entry, as one upsert after another would.
std::vector<const LastPrice*> last_of_each_symbol(const std::vector<LastPrice>& prices) {
  std::vector<const LastPrice*> rows;
  rows.reserve(prices.size());
  std::unordered_map<std::string_view, std::size_t> at;
  for (const LastPrice& p : prices) {
    auto [it, fresh] = at.try_emplace(p.symbol, rows.size());
    if (fresh) {
      rows.push_back(&p);
    } else {
      rows[it->second] = &p;
    }
  }
  return rows;
}

void upsert_prices(sql::Connection& c, const std::vector<const LastPrice*>& rows) {
  price_upserts().for_each_chunk(
      rows.size(), [&](const std::string& text, std::size_t first, std::size_t size) {
        sql::Statement upsert(c, sql::kReused, text);
        for (std::size_t row = 0; row < size; ++row) {
          bind_price(upsert, static_cast<int>(row) * kColumnsPerRow, *rows[first + row]);
        }
        upsert.run();
      });
}

}  // namespace

void PriceRepository::save(const std::vector<LastPrice>& prices) {
  if (prices.empty()) return;
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    // Kept prepared on the writer connection: a flush of 1,000 symbols is 16
    // of these transactions.
    sql::Statement clear_series(c, sql::kReused, "DELETE FROM series_states WHERE symbol = ?");
    sql::Statement insert_series(c, sql::kReused,
                                 "INSERT INTO series_states (symbol, key, state) VALUES (?, ?, ?)");
    for (const LastPrice& p : prices) {
      if (!p.series) continue;
      clear_series.reset();
      clear_series.bind(1, p.symbol).run();
      for (const SeriesState& series : *p.series) {
        insert_series.reset();
        insert_series.bind(1, p.symbol).bind(2, series.key).bind(3, series.state).run();
      }
    }
    upsert_prices(c, last_of_each_symbol(prices));
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
