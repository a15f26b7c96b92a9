#include "store/watched_symbols.hpp"

#include "store/sqlite.hpp"

namespace bw {

std::vector<Symbol> watched_symbols(Database& db) {
  return db.read([](sql::Connection& c) {
    // UNION removes duplicates; alerts_state keeps the alert side to the armed rows.
    sql::Statement s(c,
                     "SELECT symbol FROM alerts WHERE state = 'armed' "
                     "UNION SELECT symbol FROM watchlist ORDER BY 1");
    std::vector<Symbol> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  });
}

}  // namespace bw
