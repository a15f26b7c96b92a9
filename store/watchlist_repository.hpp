// WatchlistRepository: each user's watchlist, the symbols whose live quotes
// the user's event stream carries (and the dashboard's prices table shows).
// Every query is scoped by owner. A list holds at most kMaxWatchlistSymbols
// validated symbols, in the order they were added, without duplicates.
//
//   WatchlistRepository watchlists(db);
//   watchlists.replace(user, {"AAPL", "MSFT"});
//   std::vector<Symbol> symbols = watchlists.list(user);   // {"AAPL", "MSFT"}
//
// Thread-safe (through Database).
#pragma once

#include <vector>

#include "rules/symbol.hpp"
#include "store/accounts.hpp"
#include "store/database.hpp"

namespace bw {

inline constexpr std::size_t kMaxWatchlistSymbols = 100;

class WatchlistRepository {
 public:
  explicit WatchlistRepository(Database& db) : db_(db) {}

  // The user's symbols in the order they were added.
  std::vector<Symbol> list(UserId user);
  // Replaces the whole list (callers validate and deduplicate; at most
  // kMaxWatchlistSymbols). One transaction: readers see the old or the new list.
  void replace(UserId user, const std::vector<Symbol>& symbols);
  // Appends `symbol` unless present. False when the list is full (nothing changes).
  bool add(UserId user, const Symbol& symbol);
  // False when the symbol was not on the list.
  bool remove(UserId user, const Symbol& symbol);

 private:
  Database& db_;
};

}  // namespace bw
