// Specification of bw::format_rfc3339 and bw::parse_rfc3339.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "rules/time_text.hpp"

using namespace bw;

namespace {
constexpr TimestampMs k20251126T150000Z = 1'764'169'200'000;
}

TEST_CASE("timestamps are formatted as UTC with milliseconds and Z", "[rules]") {
  CHECK(format_rfc3339(k20251126T150000Z + 123) == "2025-11-26T15:00:00.123Z");
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339(951'782'400'000) == "2000-02-29T00:00:00.000Z");
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("a UTC timestamp parses to Unix milliseconds", "[rules]") {
  CHECK(parse_rfc3339("2025-11-26T15:00:00Z") == k20251126T150000Z);
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == 1'709'164'800'000);
}

TEST_CASE("lower-case t and z are accepted", "[rules]") {
  CHECK(parse_rfc3339("2025-11-26t15:00:00z") == k20251126T150000Z);
}

TEST_CASE("fractions of a second are read to the millisecond", "[rules]") {
  CHECK(parse_rfc3339("2025-11-26T15:00:00.123Z") == k20251126T150000Z + 123);
  CHECK(parse_rfc3339("2025-11-26T15:00:00.1Z") == k20251126T150000Z + 100);
  CHECK(parse_rfc3339("2025-11-26T15:00:00.05Z") == k20251126T150000Z + 50);
  // Digits past the millisecond are dropped, not rounded.
  CHECK(parse_rfc3339("2025-11-26T15:00:00.123999Z") == k20251126T150000Z + 123);
}

TEST_CASE("numeric offsets are converted to UTC", "[rules]") {
  CHECK(parse_rfc3339("2025-11-26T16:00:00+01:00") == k20251126T150000Z);
  CHECK(parse_rfc3339("2025-11-26T10:30:00-04:30") == k20251126T150000Z);
  CHECK(parse_rfc3339("2025-11-26T15:00:00+00:00") == k20251126T150000Z);
  CHECK(parse_rfc3339("2025-11-27T00:00:00.250+09:00") == k20251126T150000Z + 250);
}

TEST_CASE("formatting and parsing round-trip", "[rules]") {
  for (TimestampMs ms : {TimestampMs{0}, TimestampMs{1}, k20251126T150000Z, k20251126T150000Z + 999,
                         TimestampMs{4'102'444'799'999}}) {
    INFO(ms);
    CHECK(parse_rfc3339(format_rfc3339(ms)) == ms);
  }
}

TEST_CASE("malformed timestamps are rejected", "[rules]") {
  for (const char* text : {
           "",
           "2025-11-26",
           "2025-11-26T15:00:00",         // no zone
           "2025-11-26T15:00Z",           // no seconds
           "2025-11-26X15:00:00Z",        // bad separator
           "2025/11/26T15:00:00Z",        // bad date separators
           "2025-13-01T00:00:00Z",        // month 13
           "2025-02-29T00:00:00Z",        // not a leap year
           "2025-11-31T00:00:00Z",        // November 31st
           "2025-11-26T24:00:00Z",        // hour 24
           "2025-11-26T15:60:00Z",        // minute 60
           "2025-11-26T15:00:61Z",        // second 61
           "2025-11-26T15:00:00.Z",       // empty fraction
           "2025-11-26T15:00:00+0100",    // offset without colon
           "2025-11-26T15:00:00+01",      // short offset
           "2025-11-26T15:00:00+24:00",   // offset hour 24
           "2025-11-26T15:00:00ZZ",       // trailing text
           "2025-11-26T15:00:00+01:00x",  // trailing text
           "abcd-11-26T15:00:00Z",        // letters
           "2025-1a-26T15:00:00Z",
       }) {
    INFO(text);
    CHECK_FALSE(parse_rfc3339(text).has_value());
  }
}

TEST_CASE("fractions up to nanoseconds are kept to the millisecond", "[rules]") {
  CHECK(parse_rfc3339("2021-02-22T15:51:44.208123456Z") == 1614009104208);
  CHECK(parse_rfc3339("2021-02-22T10:51:44.2-05:00") == 1614009104200);
  CHECK_FALSE(parse_rfc3339("2021-02-22T15:51:44.2081234567Z"));  // ten digits
  CHECK_FALSE(parse_rfc3339("2021-02-22T15:51:44.Z"));
}

TEST_CASE("a space may separate date and time, as RFC 3339 allows", "[rules]") {
  CHECK(parse_rfc3339("2021-02-22 15:51:44Z") == 1614009104000);
  CHECK_FALSE(parse_rfc3339("2021-02-22 15:51"));
  CHECK_FALSE(parse_rfc3339("2021-02-22_15:51:44Z"));
}
