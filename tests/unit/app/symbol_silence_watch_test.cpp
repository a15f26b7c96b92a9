// Specification of bw::SymbolSilenceWatch: the watched symbols come from
// armed alerts and watchlists in the store; a silence and a recovery each
// reach the admins as one stored system notification; a threshold of 0 stops
// the check.
#include <catch2/catch.hpp>

#include "app/symbol_silence_watch.hpp"
#include "rules/market_time.hpp"
#include "store/watched_symbols.hpp"
#include "store/watchlist_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using namespace bw::testing;
using namespace std::chrono_literals;

namespace {

// Tuesday 2026-11-24, 10:00 New York: the regular session.
const TimestampMs kOpen = new_york_midnight(days_from_civil(2026, 11, 24)) + 600 * 60'000;

struct Fixture {
  TwoUsers store;
  UserId admin = store.accounts.create_user(new_user("ops", true), kNow)->id;
  WatchlistRepository watchlists{store.temp.db()};
  LastQuotes quotes;
  CalendarHolder calendar;
  std::vector<StoredNotification> delivered;
  SymbolSilenceWatch watch{store.temp.db(), quotes, calendar,
                           [this](const StoredNotification& n) { delivered.push_back(n); }, 1min};
  Fixture() {
    store.armed(store.alice, "AAPL");
    Alert paused;
    paused.user_id = store.bob;
    paused.symbol = "TSLA";
    paused.condition = Condition{ConditionType::crossing_up, px("100")};
    paused.state = AlertState::paused;
    store.alerts.insert(paused, kNow);
    watchlists.replace(store.bob, {"MSFT", "AAPL"});
    quotes.update(Quote::trade("AAPL", px("150"), 1, kOpen - 1000));
    quotes.update(Quote::trade("TSLA", px("200"), 1, kOpen - 1000));
  }
};

}  // namespace

TEST_CASE("the watched symbols are those of armed alerts and watchlists, once each",
          "[app][silence]") {
  Fixture f;
  CHECK(watched_symbols(f.store.temp.db()) == std::vector<Symbol>{"AAPL", "MSFT"});
}

TEST_CASE("silent watched symbols notify the admins once, and again when ticks return",
          "[app][silence]") {
  Fixture f;
  f.watch.check(kOpen);
  f.watch.check(kOpen + 30'000);
  CHECK(f.delivered.empty());
  f.watch.check(kOpen + 60'000);
  REQUIRE(f.delivered.size() == 1);
  CHECK(f.delivered[0].content.user_id == f.admin);
  CHECK(f.delivered[0].content.message == "no tick for 1m in the regular session: AAPL, MSFT");
  f.watch.check(kOpen + 120'000);
  CHECK(f.delivered.size() == 1);  // same episode
  f.quotes.update(Quote::trade("AAPL", px("151"), 1, kOpen + 125'000));
  f.watch.check(kOpen + 130'000);
  REQUIRE(f.delivered.size() == 2);
  CHECK(f.delivered[1].content.message == "ticks are back: AAPL");
  // Stored before delivery: the admin's notification list holds both.
  CHECK(f.store.notifications.list_recent(f.admin, 10).size() == 2);
  CHECK(f.store.notifications.list_recent(f.store.alice, 10).empty());
}

TEST_CASE("a threshold set to 0 on reload stops the check", "[app][silence]") {
  Fixture f;
  f.watch.set_threshold(0ms);
  f.watch.check(kOpen);
  f.watch.check(kOpen + 3'600'000);
  CHECK(f.delivered.empty());
}
