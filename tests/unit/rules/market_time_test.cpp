// The New York calendar day and the hand-written US daylight-saving rule.
#include <catch2/catch.hpp>

#include "rules/day_tracker.hpp"
#include "rules/market_time.hpp"

using namespace bw;

namespace {

constexpr std::int64_t kHour = 3'600'000;

// UTC instant of a date and time.
TimestampMs utc(int year, unsigned month, unsigned day, int hour, int minute = 0, int second = 0) {
  return days_from_civil(year, month, day) * kMsPerDay + hour * kHour + minute * 60'000LL +
         second * 1'000LL;
}

}  // namespace

TEST_CASE("days_from_civil counts from 1970-01-01", "[rules]") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11'017);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(2026, 11, 26) == 20'783);
}

TEST_CASE("New York switches to daylight time at 02:00 EST on the second Sunday of March",
          "[rules]") {
  // 2026: March 1 is a Sunday, so DST starts on March 8 at 07:00 UTC.
  CHECK_FALSE(new_york_daylight(utc(2026, 3, 8, 6, 59, 59) + 999));
  CHECK(new_york_daylight(utc(2026, 3, 8, 7)));
  CHECK(new_york_offset_ms(utc(2026, 3, 8, 7)) == -4 * kHour);
  // 2025: March 9; 2024: March 10 (leap year).
  CHECK_FALSE(new_york_daylight(utc(2025, 3, 9, 6)));
  CHECK(new_york_daylight(utc(2025, 3, 9, 7)));
  CHECK_FALSE(new_york_daylight(utc(2024, 3, 10, 6)));
  CHECK(new_york_daylight(utc(2024, 3, 10, 7)));
}

TEST_CASE("New York returns to standard time at 02:00 EDT on the first Sunday of November",
          "[rules]") {
  // 2026: November 1 is a Sunday; 06:00 UTC is 02:00 EDT.
  CHECK(new_york_daylight(utc(2026, 11, 1, 5, 59, 59)));
  CHECK_FALSE(new_york_daylight(utc(2026, 11, 1, 6)));
  // 2025: November 2; 2024: November 3.
  CHECK(new_york_daylight(utc(2025, 11, 2, 5)));
  CHECK_FALSE(new_york_daylight(utc(2025, 11, 2, 6)));
  CHECK_FALSE(new_york_daylight(utc(2024, 11, 3, 6)));
  CHECK_FALSE(new_york_daylight(utc(2026, 1, 15, 12)));
  CHECK(new_york_daylight(utc(2026, 7, 4, 12)));
}

TEST_CASE("The New York day starts at local midnight, before UTC's", "[rules]") {
  // 2026-11-26 04:59 UTC is 23:59 EST on November 25.
  CHECK(new_york_day(utc(2026, 11, 26, 4, 59)) == days_from_civil(2026, 11, 25));
  CHECK(new_york_day(utc(2026, 11, 26, 5)) == days_from_civil(2026, 11, 26));
  // In summer midnight is 04:00 UTC.
  CHECK(new_york_day(utc(2026, 7, 1, 3, 59)) == days_from_civil(2026, 6, 30));
  CHECK(new_york_day(utc(2026, 7, 1, 4)) == days_from_civil(2026, 7, 1));
  CHECK(new_york_midnight(days_from_civil(2026, 7, 1)) == utc(2026, 7, 1, 4));
  CHECK(new_york_midnight(days_from_civil(2026, 11, 26)) == utc(2026, 11, 26, 5));
  // The transition days: midnight is still on the old offset.
  CHECK(new_york_midnight(days_from_civil(2026, 3, 8)) == utc(2026, 3, 8, 5));
  CHECK(new_york_midnight(days_from_civil(2026, 11, 1)) == utc(2026, 11, 1, 4));
}

TEST_CASE("Every hour of two years maps to the day whose midnights bracket it", "[rules]") {
  for (TimestampMs ts = utc(2025, 1, 1, 0); ts < utc(2027, 1, 1, 0); ts += kHour / 2) {
    const std::int64_t day = new_york_day(ts);
    REQUIRE(new_york_midnight(day) <= ts);
    REQUIRE(ts < new_york_midnight(day + 1));
  }
}

TEST_CASE("DayTracker rolls the day, keeps the previous close and sums the day's volume",
          "[rules]") {
  DayTracker day;
  const auto quote = [](const char* price, std::int64_t volume, TimestampMs ts) {
    return Quote::trade("X", *Price::parse(price), volume, ts);
  };
  day.on_quote(quote("100", 10, utc(2026, 11, 24, 15)));
  day.on_quote(quote("101", 5, utc(2026, 11, 24, 20, 59)));
  CHECK(day.state().volume == 15);
  CHECK_FALSE(day.reference(quote("1", 0, 0)));  // no previous day yet
  // After-hours trade at 23:30 EST is still November 24 in New York.
  day.on_quote(quote("102", 1, utc(2026, 11, 25, 4, 30)));
  CHECK(day.state().volume == 16);
  day.on_quote(quote("103", 7, utc(2026, 11, 25, 14, 30)));  // November 25
  CHECK(day.state().previous_close == *Price::parse("102"));
  CHECK(day.state().volume == 7);
  // A tick of the previous day arriving late changes nothing.
  day.on_quote(quote("90", 100, utc(2026, 11, 24, 16)));
  CHECK(day.state().volume == 7);
  CHECK(day.state().last == *Price::parse("103"));
  // The feed's prev_close wins over the tracked one.
  Quote with_close = quote("104", 1, utc(2026, 11, 25, 15));
  with_close.prev_close = *Price::parse("101.5");
  CHECK(day.reference(with_close) == *Price::parse("101.5"));
  CHECK(day.reference(quote("104", 1, utc(2026, 11, 25, 15))) == *Price::parse("102"));
}

TEST_CASE("A restored day continues where it was", "[rules]") {
  DayTracker day;
  const std::int64_t today = days_from_civil(2026, 11, 25);
  day.restore(DayState{today, *Price::parse("103"), *Price::parse("102"), 7});
  day.on_quote(Quote::trade("X", *Price::parse("104"), 3, utc(2026, 11, 25, 16)));
  CHECK(day.state() == DayState{today, *Price::parse("104"), *Price::parse("102"), 10});
  day.on_quote(Quote::trade("X", *Price::parse("105"), 1, utc(2026, 11, 27, 15)));  // Friday
  CHECK(day.state().previous_close == *Price::parse("104"));
}
