#include "store/watched_symbols.hpp"

#include "store/sqlite.hpp"

namespace bw {

std::vector<Symbol> watched_symbols(Database& db) {
  return db.read([](sql::Connection& c) {
    // UNION removes duplicates. A scan of alerts (no index on state: see
    // migration 14), on a reader connection, at most every refresh period.
    sql::Statement s(c,
                     "SELECT symbol FROM alerts WHERE state = 'armed' "
                     "UNION SELECT symbol FROM watchlist ORDER BY 1");
    std::vector<Symbol> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  });
}

}  // namespace bw
