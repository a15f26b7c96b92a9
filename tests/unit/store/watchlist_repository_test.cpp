// Specification of bw::WatchlistRepository: each user's ordered watchlist.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "store/watchlist_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::TwoUsers;

using Symbols = std::vector<Symbol>;

TEST_CASE("a new user's watchlist is empty", "[store]") {
  TwoUsers db;
  CHECK(WatchlistRepository(db.temp.db()).list(db.alice).empty());
}

TEST_CASE("replace stores the list in order and replaces the previous one", "[store]") {
  TwoUsers db;
  WatchlistRepository watchlists(db.temp.db());
  watchlists.replace(db.alice, {"MSFT", "AAPL"});
  CHECK(watchlists.list(db.alice) == Symbols{"MSFT", "AAPL"});
  watchlists.replace(db.alice, {"IBM"});
  CHECK(watchlists.list(db.alice) == Symbols{"IBM"});
  watchlists.replace(db.alice, {});
  CHECK(watchlists.list(db.alice).empty());
}

TEST_CASE("add appends once and remove deletes only the named symbol", "[store]") {
  TwoUsers db;
  WatchlistRepository watchlists(db.temp.db());
  CHECK(watchlists.add(db.alice, "AAPL"));
  CHECK(watchlists.add(db.alice, "MSFT"));
  CHECK(watchlists.add(db.alice, "AAPL"));  // present: no duplicate
  CHECK(watchlists.list(db.alice) == Symbols{"AAPL", "MSFT"});
  CHECK(watchlists.remove(db.alice, "AAPL"));
  CHECK_FALSE(watchlists.remove(db.alice, "AAPL"));
  CHECK(watchlists.add(db.alice, "AAPL"));  // re-added at the end
  CHECK(watchlists.list(db.alice) == Symbols{"MSFT", "AAPL"});
}

TEST_CASE("a full watchlist refuses another symbol and keeps its contents", "[store]") {
  TwoUsers db;
  WatchlistRepository watchlists(db.temp.db());
  Symbols full;
  for (std::size_t i = 0; i < kMaxWatchlistSymbols; ++i) {
    Symbol symbol = "S";
    symbol += std::to_string(i);
    full.push_back(symbol);
  }
  watchlists.replace(db.alice, full);
  CHECK_FALSE(watchlists.add(db.alice, "EXTRA"));
  CHECK(watchlists.add(db.alice, "S7"));  // already present: still fine
  CHECK(watchlists.list(db.alice) == full);
}

TEST_CASE("one user's watchlist never shows or changes another's", "[store]") {
  TwoUsers db;
  WatchlistRepository watchlists(db.temp.db());
  watchlists.replace(db.alice, {"AAPL"});
  watchlists.replace(db.bob, {"MSFT"});
  CHECK_FALSE(watchlists.remove(db.bob, "AAPL"));
  CHECK(watchlists.list(db.alice) == Symbols{"AAPL"});
  CHECK(watchlists.list(db.bob) == Symbols{"MSFT"});
}

TEST_CASE("deleting a user deletes their watchlist", "[store]") {
  TwoUsers db;
  WatchlistRepository watchlists(db.temp.db());
  watchlists.replace(db.bob, {"MSFT"});
  REQUIRE(db.accounts.delete_user(db.bob));
  CHECK(watchlists.list(db.bob).empty());
}
