#include "rules/market_time.hpp"

namespace bw {

namespace {

constexpr std::int64_t kHourMs = 3'600'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// 0 = Sunday (1970-01-01 was a Thursday).
std::int64_t weekday(std::int64_t days) {
  const std::int64_t w = (days + 4) % 7;
  return w < 0 ? w + 7 : w;
}

std::int64_t year_of(std::int64_t days) {
  // civil_from_days (H. Hinnant), year only.
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (month <= 2 ? 1 : 0);
}

// The first Sunday on or after `days`.
std::int64_t sunday_on_or_after(std::int64_t days) {
  return days + (7 - weekday(days)) % 7;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(year, 400);
  const std::int64_t yoe = year - era * 400;
  const std::int64_t mp = month > 2 ? month - 3 : month + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool new_york_daylight(TimestampMs ts) {
  // DST never spans a new year, so the UTC year is the New York year here.
  const std::int64_t year = year_of(floor_div(ts, kMsPerDay));
  const std::int64_t start_day = sunday_on_or_after(days_from_civil(year, 3, 1)) + 7;
  const std::int64_t end_day = sunday_on_or_after(days_from_civil(year, 11, 1));
  const TimestampMs start = start_day * kMsPerDay + 7 * kHourMs;  // 02:00 EST
  const TimestampMs end = end_day * kMsPerDay + 6 * kHourMs;      // 02:00 EDT
  return ts >= start && ts < end;
}

std::int64_t new_york_offset_ms(TimestampMs ts) {
  return new_york_daylight(ts) ? -4 * kHourMs : -5 * kHourMs;
}

std::int64_t new_york_day(TimestampMs ts) {
  return floor_div(ts + new_york_offset_ms(ts), kMsPerDay);
}

// Midnight is never inside a transition (they happen at 02:00 local).
TimestampMs new_york_midnight(std::int64_t day) {
  const TimestampMs daylight = day * kMsPerDay + 4 * kHourMs;
  return new_york_daylight(daylight) ? daylight : day * kMsPerDay + 5 * kHourMs;
}

}  // namespace bw
