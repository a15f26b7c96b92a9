// Specification of quiet hours: zones (fixed offsets, America/New_York with
// its DST rule) and when a window holds deliveries back, until when.
#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>

#include "notify/quiet_hours.hpp"

using namespace bw;

namespace {

// "2026-11-26T22:00:00Z" as Unix ms.
TimestampMs at(const char* text) {
  std::tm t{};
  REQUIRE(std::sscanf(text, "%d-%d-%dT%d:%d:%dZ", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour,
                      &t.tm_min, &t.tm_sec) == 6);
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return static_cast<TimestampMs>(timegm(&t)) * 1000;
}

QuietHours quiet(const char* start, const char* end, const char* zone) {
  Result<QuietHours> q = parse_quiet_hours(start, end, zone);
  REQUIRE(q);
  return *q;
}

}  // namespace

TEST_CASE("fixed offsets parse and normalise", "[notify][quiet]") {
  CHECK(parse_time_zone("UTC")->offset_minutes == 0);
  CHECK(parse_time_zone("UTC+05:30")->offset_minutes == 330);
  CHECK(parse_time_zone("UTC-4")->offset_minutes == -240);
  CHECK(parse_time_zone("UTC-4")->name == "UTC-04:00");
  CHECK(parse_time_zone("UTC+14:00")->offset_minutes == 840);
}

TEST_CASE("bad zones are refused naming the field", "[notify][quiet]") {
  for (const char* bad : {"", "EST", "Europe/London", "UTC+", "UTC+5:3", "UTC*05", "UTC+05:60"}) {
    INFO(bad);
    Result<TimeZoneRule> zone = parse_time_zone(bad);
    REQUIRE_FALSE(zone);
    CHECK(zone.error().rfind("quiet_hours.timezone: ", 0) == 0);
  }
  CHECK_FALSE(parse_time_zone("UTC+14:30"));
}

TEST_CASE("times of day are HH:MM, 24-hour", "[notify][quiet]") {
  CHECK(*parse_minute_of_day("00:00", "f") == 0);
  CHECK(*parse_minute_of_day("23:59", "f") == 1439);
  for (const char* bad : {"24:00", "7:00", "07:60", "0700", "07:00:00", "ab:cd"}) {
    INFO(bad);
    CHECK_FALSE(parse_minute_of_day(bad, "quiet_hours.start"));
  }
  CHECK(minute_of_day_text(7 * 60 + 5) == "07:05");
}

TEST_CASE("a window must not start where it ends", "[notify][quiet]") {
  Result<QuietHours> q = parse_quiet_hours("22:00", "22:00", "UTC");
  REQUIRE_FALSE(q);
  CHECK(q.error() == "quiet_hours.end: must differ from quiet_hours.start");
}

TEST_CASE("New York is UTC-5 in winter and UTC-4 in summer", "[notify][quiet]") {
  const TimeZoneRule ny = *parse_time_zone("America/New_York");
  CHECK(utc_offset_minutes(ny, at("2026-01-15T12:00:00Z")) == -300);
  CHECK(utc_offset_minutes(ny, at("2026-07-04T12:00:00Z")) == -240);
}

TEST_CASE("New York's DST starts at 02:00 local on the second Sunday of March", "[notify][quiet]") {
  const TimeZoneRule ny = *parse_time_zone("America/New_York");
  CHECK(utc_offset_minutes(ny, at("2026-03-08T06:59:59Z")) == -300);
  CHECK(utc_offset_minutes(ny, at("2026-03-08T07:00:00Z")) == -240);
  CHECK(utc_offset_minutes(ny, at("2025-03-09T06:59:59Z")) == -300);
  CHECK(utc_offset_minutes(ny, at("2025-03-09T07:00:00Z")) == -240);
}

TEST_CASE("New York's DST ends at 02:00 local on the first Sunday of November", "[notify][quiet]") {
  const TimeZoneRule ny = *parse_time_zone("America/New_York");
  CHECK(utc_offset_minutes(ny, at("2026-11-01T05:59:59Z")) == -240);
  CHECK(utc_offset_minutes(ny, at("2026-11-01T06:00:00Z")) == -300);
  CHECK(utc_offset_minutes(ny, at("2025-11-02T05:59:59Z")) == -240);
  CHECK(utc_offset_minutes(ny, at("2025-11-02T06:00:00Z")) == -300);
}

TEST_CASE("outside the window nothing waits", "[notify][quiet]") {
  const QuietHours q = quiet("22:00", "07:00", "UTC");
  CHECK_FALSE(quiet_until(q, at("2026-11-26T12:00:00Z")));
  CHECK_FALSE(quiet_until(q, at("2026-11-26T07:00:00Z")));  // the end minute is not quiet
  CHECK_FALSE(quiet_until(q, at("2026-11-26T21:59:59Z")));
}

TEST_CASE("a window across midnight holds deliveries until its end the next morning",
          "[notify][quiet]") {
  const QuietHours q = quiet("22:00", "07:00", "UTC");
  CHECK(*quiet_until(q, at("2026-11-26T22:00:00Z")) == at("2026-11-27T07:00:00Z"));
  CHECK(*quiet_until(q, at("2026-11-27T03:30:00Z")) == at("2026-11-27T07:00:00Z"));
}

TEST_CASE("a window within one day ends the same day", "[notify][quiet]") {
  const QuietHours q = quiet("12:00", "13:30", "UTC+05:30");
  CHECK(*quiet_until(q, at("2026-11-26T07:00:00Z")) == at("2026-11-26T08:00:00Z"));
  CHECK_FALSE(quiet_until(q, at("2026-11-26T08:00:00Z")));
}

TEST_CASE("a New York window follows local time across the seasons", "[notify][quiet]") {
  const QuietHours q = quiet("22:00", "07:00", "America/New_York");
  // Winter: 22:00 EST is 03:00 UTC; ends 07:00 EST = 12:00 UTC.
  CHECK(*quiet_until(q, at("2026-01-15T03:00:00Z")) == at("2026-01-15T12:00:00Z"));
  CHECK_FALSE(quiet_until(q, at("2026-01-15T02:59:00Z")));
  // Summer: 22:00 EDT is 02:00 UTC; ends 07:00 EDT = 11:00 UTC.
  CHECK(*quiet_until(q, at("2026-07-15T02:00:00Z")) == at("2026-07-15T11:00:00Z"));
}

TEST_CASE("a window across the autumn DST change ends at local 07:00 standard time",
          "[notify][quiet]") {
  const QuietHours q = quiet("22:00", "07:00", "America/New_York");
  // Saturday 2026-10-31 23:00 EDT (03:00 UTC Sunday); DST ends at 06:00 UTC;
  // 07:00 EST on Sunday is 12:00 UTC.
  CHECK(*quiet_until(q, at("2026-11-01T03:00:00Z")) == at("2026-11-01T12:00:00Z"));
}
