// Specification of bw::SymbolSilence: a watched symbol with no tick for the
// threshold during the US regular session is reported once per episode, and
// again when its ticks return; nothing is judged outside the session.
#include <catch2/catch.hpp>

#include "app/symbol_silence.hpp"
#include "rules/market_time.hpp"

using namespace bw;
using namespace std::chrono_literals;

namespace {

constexpr TimestampMs kMinute = 60'000;

// Tuesday 2026-11-24, 10:00 New York (EST, UTC-5) = 15:00 UTC: regular session.
const TimestampMs kTuesday10 = new_york_midnight(days_from_civil(2026, 11, 24)) + 10 * 60 * kMinute;
// Saturday 2026-11-28, 10:00 New York: closed.
const TimestampMs kSaturday10 =
    new_york_midnight(days_from_civil(2026, 11, 28)) + 10 * 60 * kMinute;

const SessionCalendar kCalendar({days_from_civil(2026, 11, 26)}, {days_from_civil(2026, 11, 27)});

}  // namespace

TEST_CASE("the test's instants lie in and out of the regular session", "[app][silence]") {
  REQUIRE(kCalendar.session_at(kTuesday10) == Session::regular);
  REQUIRE_FALSE(kCalendar.session_at(kSaturday10).has_value());
}

TEST_CASE("a symbol with no tick for the threshold is reported once", "[app][silence]") {
  SymbolSilence silence;
  const std::vector<WatchedSymbol> watched{{"AAPL", 1000}, {"MSFT", 2000}};
  REQUIRE(silence.check(kTuesday10, 5min, kCalendar, watched).empty());  // watching starts
  // MSFT ticks at +3 min; AAPL stays quiet.
  REQUIRE(silence.check(kTuesday10 + 3 * kMinute, 5min, kCalendar, {{"AAPL", 1000}, {"MSFT", 3000}})
              .empty());
  REQUIRE(
      silence.check(kTuesday10 + 5 * kMinute - 1, 5min, kCalendar, {{"AAPL", 1000}, {"MSFT", 3000}})
          .empty());
  auto notices =
      silence.check(kTuesday10 + 5 * kMinute, 5min, kCalendar, {{"AAPL", 1000}, {"MSFT", 3000}});
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].symbol == "AAPL");
  CHECK_FALSE(notices[0].recovered);
  CHECK(notices[0].quiet_since == kTuesday10);
  CHECK(silence.silent_count() == 1);
  // Still quiet later: no second notice for the same episode.
  CHECK(silence.check(kTuesday10 + 20 * kMinute, 5min, kCalendar, {{"AAPL", 1000}, {"MSFT", 3000}})
            .size() == 1);  // MSFT's own 5 minutes (from +3) ran out; AAPL is not repeated
  CHECK(silence.check(kTuesday10 + 30 * kMinute, 5min, kCalendar, {{"AAPL", 1000}, {"MSFT", 3000}})
            .empty());
}

TEST_CASE("ticks returning end the episode with a recovery notice", "[app][silence]") {
  SymbolSilence silence;
  REQUIRE(silence.check(kTuesday10, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  REQUIRE(silence.check(kTuesday10 + kMinute, 1min, kCalendar, {{"AAPL", 1000}}).size() == 1);
  auto back = silence.check(kTuesday10 + 2 * kMinute, 1min, kCalendar, {{"AAPL", 5000}});
  REQUIRE(back.size() == 1);
  CHECK(back[0].recovered);
  CHECK(back[0].symbol == "AAPL");
  CHECK(silence.silent_count() == 0);
  // A new silence after the recovery is a new episode, counted from the tick.
  CHECK(silence.check(kTuesday10 + 3 * kMinute - 1, 1min, kCalendar, {{"AAPL", 5000}}).empty());
  auto again = silence.check(kTuesday10 + 3 * kMinute, 1min, kCalendar, {{"AAPL", 5000}});
  REQUIRE(again.size() == 1);
  CHECK_FALSE(again[0].recovered);
}

TEST_CASE("nothing is judged outside the regular session", "[app][silence]") {
  SymbolSilence silence;
  CHECK(silence.check(kSaturday10, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  CHECK(silence.check(kSaturday10 + 60 * kMinute, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  // Thanksgiving (a holiday in the calendar) at 10:00 is closed too.
  const TimestampMs thanksgiving =
      new_york_midnight(days_from_civil(2026, 11, 26)) + 10 * 60 * kMinute;
  CHECK(silence.check(thanksgiving, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  CHECK(silence.check(thanksgiving + 60 * kMinute, 1min, kCalendar, {{"AAPL", 1000}}).empty());
}

TEST_CASE("the session closing ends an episode quietly and the next session starts afresh",
          "[app][silence]") {
  SymbolSilence silence;
  REQUIRE(silence.check(kTuesday10, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  REQUIRE(silence.check(kTuesday10 + kMinute, 1min, kCalendar, {{"AAPL", 1000}}).size() == 1);
  // 17:00 New York: post-market, not judged; the episode is forgotten.
  CHECK(silence.check(kTuesday10 + 7 * 60 * kMinute, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  CHECK(silence.silent_count() == 0);
  // Next day at the open the clock restarts: no notice at 09:30 for
  // yesterday's last tick, one after a full threshold.
  const TimestampMs open = new_york_midnight(days_from_civil(2026, 11, 25)) + 570 * kMinute;
  CHECK(silence.check(open, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  CHECK(silence.check(open + kMinute, 1min, kCalendar, {{"AAPL", 1000}}).size() == 1);
}

TEST_CASE("a threshold of zero turns the check off", "[app][silence]") {
  SymbolSilence silence;
  CHECK(silence.check(kTuesday10, 0ms, kCalendar, {{"AAPL", 1000}}).empty());
  CHECK(silence.check(kTuesday10 + 60 * kMinute, 0ms, kCalendar, {{"AAPL", 1000}}).empty());
}

TEST_CASE("a newly watched symbol gets the full threshold from when it is first seen",
          "[app][silence]") {
  SymbolSilence silence;
  REQUIRE(silence.check(kTuesday10, 1min, kCalendar, {}).empty());
  CHECK(silence.check(kTuesday10 + 10 * kMinute, 1min, kCalendar, {{"NEW", 0}}).empty());
  CHECK(silence.check(kTuesday10 + 11 * kMinute - 1, 1min, kCalendar, {{"NEW", 0}}).empty());
  CHECK(silence.check(kTuesday10 + 11 * kMinute, 1min, kCalendar, {{"NEW", 0}}).size() == 1);
}

TEST_CASE("a symbol no longer watched is forgotten without a notice", "[app][silence]") {
  SymbolSilence silence;
  REQUIRE(silence.check(kTuesday10, 1min, kCalendar, {{"AAPL", 1000}}).empty());
  REQUIRE(silence.check(kTuesday10 + kMinute, 1min, kCalendar, {{"AAPL", 1000}}).size() == 1);
  CHECK(silence.check(kTuesday10 + 2 * kMinute, 1min, kCalendar, {}).empty());
  CHECK(silence.silent_count() == 0);
}

TEST_CASE("silence messages group the symbols and bound the list", "[app][silence]") {
  std::vector<SilenceNotice> notices;
  for (const char* s : {"A", "B", "C"}) notices.push_back({s, false, 0, 0});
  notices.push_back({"Z", true, 0, 0});
  auto messages = silence_messages(notices, 5min, 2);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0] == "no tick for 5m in the regular session: A, B and 1 more");
  CHECK(messages[1] == "ticks are back: Z");
  CHECK(silence_messages({}, 5min).empty());
}
