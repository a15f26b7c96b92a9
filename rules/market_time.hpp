// Market time: the America/New_York calendar day of an event time, for the
// US equity session day (day-change references, the day's volume).
//
//   new_york_offset_ms(ts)   // -5 h (EST) or -4 h (EDT)
//   new_york_day(ts)         // days since 1970-01-01 of the New York date
//
// libstdc++ 12 has no time-zone database, so the US daylight-saving rule is
// implemented by hand: EDT from the second Sunday of March, 02:00 EST (07:00
// UTC) to the first Sunday of November, 02:00 EDT (06:00 UTC); EST otherwise.
// This is the rule in force since 2007; it is applied to every year.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "rules/quote.hpp"

namespace bw {

inline constexpr std::int64_t kMsPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
// True while New York keeps daylight time at this instant.
bool new_york_daylight(TimestampMs ts);
std::int64_t new_york_offset_ms(TimestampMs ts);
// The New York calendar date of the instant, as days since 1970-01-01.
std::int64_t new_york_day(TimestampMs ts);
// The UTC instant of 00:00 New York time on that date.
TimestampMs new_york_midnight(std::int64_t day);

}  // namespace bw
