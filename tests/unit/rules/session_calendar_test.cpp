// Specification of the trading-session calendar (rules/session_calendar.hpp)
// and of how the engine applies an alert's `sessions` (docs/RULES.md,
// "Sessions": every worked example there is a test here).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rules/engine.hpp"
#include "rules/market_time.hpp"
#include "rules/session_calendar.hpp"
#include "rules/time_text.hpp"

using namespace bw;

namespace {

TimestampMs at(const char* rfc3339) {
  std::optional<TimestampMs> ts = parse_rfc3339(rfc3339);
  REQUIRE(ts.has_value());
  return *ts;
}

// Thanksgiving 2026 closed, the day after closes early (as the default config says).
SessionCalendar nyse_2026() {
  return SessionCalendar({days_from_civil(2026, 11, 26), days_from_civil(2026, 12, 25)},
                         {days_from_civil(2026, 11, 27), days_from_civil(2026, 12, 24)});
}

std::optional<Session> session(const char* rfc3339) {
  return nyse_2026().session_at(at(rfc3339));
}

Price px(const char* text) {
  return *Price::parse(text);
}

std::vector<Fire> trade(Engine& engine, const char* price, const char* when) {
  std::vector<Fire> fires;
  engine.on_quote(Quote::trade("AAPL", px(price), 1, at(when)), fires);
  return fires;
}

Alert regular_only(ConditionType type, const char* line) {
  Alert alert;
  alert.id = 1;
  alert.user_id = 7;
  alert.symbol = "AAPL";
  alert.condition = Condition{type, px(line)};
  alert.sessions = kSessionRegular;
  return alert;
}

}  // namespace

TEST_CASE("session bounds on a winter weekday are New York 04:00, 09:30, 16:00 and 20:00 (EST)",
          "[rules][sessions]") {
  // Tuesday 2026-12-01, New York = UTC-5.
  CHECK_FALSE(session("2026-12-01T08:59:59.999Z"));  // 03:59:59.999
  CHECK(session("2026-12-01T09:00:00Z") == Session::pre);
  CHECK(session("2026-12-01T14:29:59.999Z") == Session::pre);
  CHECK(session("2026-12-01T14:30:00Z") == Session::regular);
  CHECK(session("2026-12-01T20:59:59.999Z") == Session::regular);
  CHECK(session("2026-12-01T21:00:00Z") == Session::post);
  CHECK(session("2026-12-02T00:59:59.999Z") == Session::post);  // 19:59:59.999
  CHECK_FALSE(session("2026-12-02T01:00:00Z"));                 // 20:00
}

TEST_CASE("in summer the same local bounds are one hour earlier in UTC (EDT)",
          "[rules][sessions]") {
  // Wednesday 2026-07-01, New York = UTC-4.
  CHECK(session("2026-07-01T13:29:59Z") == Session::pre);
  CHECK(session("2026-07-01T13:30:00Z") == Session::regular);
  CHECK(session("2026-07-01T20:00:00Z") == Session::post);
  // The DST switch: Monday 2026-03-09 is the first weekday on EDT.
  CHECK(session("2026-03-06T14:30:00Z") == Session::regular);  // Friday, EST 09:30
  CHECK(session("2026-03-09T13:30:00Z") == Session::regular);  // Monday, EDT 09:30
  CHECK(session("2026-03-09T13:29:00Z") == Session::pre);
}

TEST_CASE("weekends and holidays are closed all day", "[rules][sessions]") {
  CHECK_FALSE(session("2026-11-28T15:00:00Z"));  // Saturday 10:00
  CHECK_FALSE(session("2026-11-29T15:00:00Z"));  // Sunday 10:00
  CHECK_FALSE(session("2026-11-26T10:00:00Z"));  // Thanksgiving 05:00
  CHECK_FALSE(session("2026-11-26T17:00:00Z"));  // Thanksgiving 12:00
  CHECK_FALSE(session("2026-11-26T22:00:00Z"));  // Thanksgiving 17:00
  // The New York date decides, not the UTC date: Friday 2026-11-27 19:00
  // is Saturday 00:00 UTC and still an early-close Friday in New York.
  CHECK_FALSE(SessionCalendar{}.session_at(at("2026-11-28T03:00:00Z")));  // Fri 22:00, closed
}

TEST_CASE("an early close ends regular at 13:00 and post at 17:00", "[rules][sessions]") {
  // Friday 2026-11-27 (EST).
  CHECK(session("2026-11-27T17:59:59Z") == Session::regular);  // 12:59:59
  CHECK(session("2026-11-27T18:00:00Z") == Session::post);     // 13:00
  CHECK(session("2026-11-27T21:59:59Z") == Session::post);     // 16:59:59
  CHECK_FALSE(session("2026-11-27T22:00:00Z"));                // 17:00
  CHECK(session("2026-11-27T12:00:00Z") == Session::pre);      // 07:00: pre is unchanged
}

TEST_CASE("a mask of zero fires at any time, even when the market is closed", "[rules][sessions]") {
  CHECK(in_sessions(0, at("2026-11-28T15:00:00Z"), nyse_2026()));
  CHECK_FALSE(in_sessions(kSessionRegular, at("2026-11-28T15:00:00Z"), nyse_2026()));
  CHECK(in_sessions(kSessionPre | kSessionPost, at("2026-12-01T21:00:00Z"), nyse_2026()));
  CHECK_FALSE(in_sessions(kSessionPre | kSessionPost, at("2026-12-01T15:00:00Z"), nyse_2026()));
}

TEST_CASE("session names parse and list in the order pre, regular, post", "[rules][sessions]") {
  CHECK(parse_session("regular") == Session::regular);
  CHECK_FALSE(parse_session("Regular"));
  CHECK_FALSE(parse_session("extended"));
  CHECK(session_names(kSessionAll) == std::vector<std::string>{"pre", "regular", "post"});
  CHECK(session_names(kSessionPost | kSessionPre) == std::vector<std::string>{"pre", "post"});
}

TEST_CASE("calendar dates must be real YYYY-MM-DD dates", "[rules][sessions]") {
  CHECK(parse_calendar_date("2026-12-25").value() == days_from_civil(2026, 12, 25));
  CHECK_FALSE(parse_calendar_date("2026-02-29").ok());
  CHECK_FALSE(parse_calendar_date("2026-13-01").ok());
  CHECK_FALSE(parse_calendar_date("2026-1-01").ok());
  CHECK_FALSE(parse_calendar_date("2026-12-25T00:00").ok());
  CHECK(parse_calendar_date("2028-02-29").ok());
}

// docs/RULES.md, Sessions, example 1.
TEST_CASE(
    "a crossing out of session is not fired later: the first in-session quote is judged "
    "against the last price seen",
    "[rules][sessions][examples]") {
  Engine engine;
  engine.set_calendar(nyse_2026());
  REQUIRE(engine.add(regular_only(ConditionType::crossing_up, "100")).ok());
  CHECK(trade(engine, "99", "2026-11-30T20:59:00Z").empty());   // Mon 15:59 regular
  CHECK(trade(engine, "101", "2026-11-30T22:00:00Z").empty());  // Mon 17:00 post: out of session
  CHECK(engine.last_price("AAPL") == px("101"));                // ...but the price moved
  CHECK(trade(engine, "102", "2026-12-01T14:30:00Z").empty());  // Tue 09:30: 101 → 102, no cross
  CHECK(trade(engine, "99", "2026-12-01T15:00:00Z").empty());
  std::vector<Fire> fires = trade(engine, "100", "2026-12-01T15:01:00Z");  // 99 → 100
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].ts_ms == at("2026-12-01T15:01:00Z"));
}

// docs/RULES.md, Sessions, example 2.
TEST_CASE("a level condition that still holds fires on the first in-session quote",
          "[rules][sessions][examples]") {
  Engine engine;
  engine.set_calendar(nyse_2026());
  REQUIRE(engine.add(regular_only(ConditionType::above, "100")).ok());
  CHECK(trade(engine, "101", "2026-12-01T13:00:00Z").empty());             // Tue 08:00 pre
  std::vector<Fire> fires = trade(engine, "101", "2026-12-01T14:30:00Z");  // 09:30
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].price == px("101"));
}

// docs/RULES.md, Sessions, example 3.
TEST_CASE("holidays and early closes come from the calendar the engine holds",
          "[rules][sessions][examples]") {
  Engine engine;
  engine.set_calendar(nyse_2026());
  Alert alert = regular_only(ConditionType::above, "100");
  alert.trigger = TriggerPolicy{TriggerMode::every_time, 0, {}};
  REQUIRE(engine.add(alert).ok());
  CHECK(trade(engine, "101", "2026-11-26T15:00:00Z").empty());      // Thanksgiving 10:00
  CHECK(trade(engine, "101", "2026-11-27T18:30:00Z").empty());      // Fri 13:30: post today
  CHECK(trade(engine, "101", "2026-11-27T17:30:00Z").size() == 1);  // Fri 12:30: regular
  CHECK(trade(engine, "101", "2026-12-25T15:00:00Z").empty());      // Christmas 10:00
  engine.set_calendar(SessionCalendar{});                           // a reload without holidays
  CHECK(trade(engine, "101", "2026-12-25T15:01:00Z").size() == 1);
}

TEST_CASE("a judged condition (window move) also respects sessions", "[rules][sessions]") {
  Engine engine;
  engine.set_calendar(nyse_2026());
  Alert alert = regular_only(ConditionType::moving_up, "1");
  alert.condition.window_ms = 7'200'000;
  REQUIRE(engine.add(alert).ok());
  CHECK(trade(engine, "100", "2026-12-01T13:00:00Z").empty());      // pre
  CHECK(trade(engine, "102", "2026-12-01T13:10:00Z").empty());      // pre: moved, out of session
  CHECK(trade(engine, "102", "2026-12-01T14:30:00Z").size() == 1);  // still 2 above the low
}
