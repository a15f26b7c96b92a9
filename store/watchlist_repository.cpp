#include "store/watchlist_repository.hpp"

namespace bw {

std::vector<Symbol> WatchlistRepository::list(UserId user) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, "SELECT symbol FROM watchlist WHERE user_id = ? ORDER BY position");
    s.bind(1, user);
    std::vector<Symbol> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  });
}

void WatchlistRepository::replace(UserId user, const std::vector<Symbol>& symbols) {
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement clear(c, "DELETE FROM watchlist WHERE user_id = ?");
    clear.bind(1, user).run();
    sql::Statement insert(c, "INSERT INTO watchlist (user_id, symbol, position) VALUES (?, ?, ?)");
    std::int64_t position = 0;
    for (const Symbol& symbol : symbols) {
      insert.reset();
      insert.bind(1, user).bind(2, symbol).bind(3, position++).run();
    }
    transaction.commit();
  });
}

bool WatchlistRepository::add(UserId user, const Symbol& symbol) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement count(c,
                         "SELECT COUNT(*), COALESCE(MAX(position), -1) FROM watchlist "
                         "WHERE user_id = ?");
    count.bind(1, user);
    count.step();
    const auto size = static_cast<std::size_t>(count.integer(0));
    const std::int64_t next_position = count.integer(1) + 1;
    sql::Statement present(c, "SELECT 1 FROM watchlist WHERE user_id = ? AND symbol = ?");
    present.bind(1, user).bind(2, symbol);
    if (present.step()) return true;  // already on the list: nothing to add
    if (size >= kMaxWatchlistSymbols) return false;
    sql::Statement insert(c, "INSERT INTO watchlist (user_id, symbol, position) VALUES (?, ?, ?)");
    insert.bind(1, user).bind(2, symbol).bind(3, next_position).run();
    transaction.commit();
    return true;
  });
}

bool WatchlistRepository::remove(UserId user, const Symbol& symbol) {
  return db_.write([&](sql::Connection& c) {
    sql::Statement s(c, "DELETE FROM watchlist WHERE user_id = ? AND symbol = ?");
    s.bind(1, user).bind(2, symbol).run();
    return c.changes() == 1;
  });
}

}  // namespace bw
