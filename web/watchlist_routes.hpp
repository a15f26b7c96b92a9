// REST handlers for the caller's watchlist, the symbols whose live quotes
// their event stream carries (docs/API.md):
//   GET    /api/v1/watchlist             {"symbols":["AAPL","MSFT"]}
//   PUT    /api/v1/watchlist             {"symbols":[…]} replaces the list → 200 with the list
//   POST   /api/v1/watchlist             {"symbol":"AAPL"} appends (no-op if present) → 200
//   DELETE /api/v1/watchlist/{symbol}    → 204; 404 when the symbol is not on the list
// Symbols are normalised (upper case) and validated like every symbol of the
// API; at most kMaxWatchlistSymbols. After a change, `changed` tells the
// stream server, so open streams follow the new list without reconnecting.
// Plain functions (request in, response out). Thread-safe.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "store/accounts.hpp"
#include "store/watchlist_repository.hpp"
#include "web/problem.hpp"

namespace bw {

struct WatchlistContext {
  WatchlistRepository& watchlists;
  // Called after a committed change with the user's whole new list.
  std::function<void(UserId, const std::vector<Symbol>&)> changed;
};

ApiResponse get_watchlist(WatchlistContext& context, const User& user);
ApiResponse put_watchlist(WatchlistContext& context, const User& user, std::string_view body);
ApiResponse add_to_watchlist(WatchlistContext& context, const User& user, std::string_view body);
ApiResponse remove_from_watchlist(WatchlistContext& context, const User& user,
                                  std::string_view symbol);

}  // namespace bw
