#include "notify/quiet_hours.hpp"

#include <cstdio>

namespace bw {

namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr int kDayMinutes = 1440;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int year_of(std::int64_t days) {
  // Inverse of days_from_civil, year only.
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp + (mp < 10 ? 3 : -9);
  return static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

// Day number of the n-th Sunday (n >= 1) of a month.
std::int64_t nth_sunday(int year, unsigned month, int n) {
  const std::int64_t first = days_from_civil(year, month, 1);
  const std::int64_t weekday = (first % 7 + 11) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
  return first + (7 - weekday) % 7 + 7 * (n - 1);
}

// US Eastern: daylight time (UTC-4) from 07:00 UTC on the second Sunday of
// March to 06:00 UTC on the first Sunday of November; else UTC-5.
int new_york_offset(TimestampMs utc_ms) {
  const int year = year_of(floor_div(utc_ms, kDayMs));
  const std::int64_t starts = nth_sunday(year, 3, 2) * kDayMs + 7 * 3'600'000;
  const std::int64_t ends = nth_sunday(year, 11, 1) * kDayMs + 6 * 3'600'000;
  return utc_ms >= starts && utc_ms < ends ? -240 : -300;
}

bool digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int number(std::string_view text) {
  int n = 0;
  for (char c : text) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

Result<TimeZoneRule> parse_time_zone(std::string_view text) {
  const Error bad{
      "quiet_hours.timezone: must be \"UTC\", an offset like \"UTC+05:30\" or \"UTC-04:00\", "
      "or \"America/New_York\""};
  if (text == "America/New_York") {
    return TimeZoneRule{TimeZoneRule::Kind::america_new_york, 0, "America/New_York"};
  }
  if (text == "UTC" || text == "Z") return TimeZoneRule{TimeZoneRule::Kind::fixed, 0, "UTC"};
  if (!text.starts_with("UTC") || text.size() < 5) return bad;
  const char sign = text[3];
  if (sign != '+' && sign != '-') return bad;
  std::string_view rest = text.substr(4);
  std::string_view hours = rest;
  std::string_view minutes = "00";
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    hours = rest.substr(0, colon);
    minutes = rest.substr(colon + 1);
  }
  if (!digits(hours) || hours.size() > 2 || !digits(minutes) || minutes.size() != 2) return bad;
  const int h = number(hours);
  const int m = number(minutes);
  if (m >= 60 || h * 60 + m > 14 * 60) {
    return Error{"quiet_hours.timezone: offset must be within UTC-14:00..UTC+14:00"};
  }
  const int offset = (sign == '+' ? 1 : -1) * (h * 60 + m);
  char name[32];
  std::snprintf(name, sizeof name, "UTC%c%02d:%02d", offset < 0 ? '-' : '+', h, m);
  return TimeZoneRule{TimeZoneRule::Kind::fixed, offset, offset == 0 ? "UTC" : name};
}

Result<int> parse_minute_of_day(std::string_view text, const std::string& field) {
  if (text.size() != 5 || text[2] != ':' || !digits(text.substr(0, 2)) || !digits(text.substr(3))) {
    return Error{field + ": must be a time like \"22:00\" (HH:MM, 24-hour)"};
  }
  const int h = number(text.substr(0, 2));
  const int m = number(text.substr(3));
  if (h > 23 || m > 59) return Error{field + ": must be between 00:00 and 23:59"};
  return h * 60 + m;
}

Result<QuietHours> parse_quiet_hours(std::string_view start, std::string_view end,
                                     std::string_view zone) {
  Result<int> from = parse_minute_of_day(start, "quiet_hours.start");
  if (!from) return Error{from.error()};
  Result<int> to = parse_minute_of_day(end, "quiet_hours.end");
  if (!to) return Error{to.error()};
  if (*from == *to) return Error{"quiet_hours.end: must differ from quiet_hours.start"};
  Result<TimeZoneRule> rule = parse_time_zone(zone);
  if (!rule) return Error{rule.error()};
  return QuietHours{*from, *to, *rule};
}

std::string minute_of_day_text(int minute) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", (minute / 60) % 100, minute % 60);
  return text;
}

int utc_offset_minutes(const TimeZoneRule& zone, TimestampMs utc_ms) {
  if (zone.kind == TimeZoneRule::Kind::america_new_york) return new_york_offset(utc_ms);
  return zone.offset_minutes;
}

std::optional<TimestampMs> quiet_until(const QuietHours& quiet, TimestampMs now) {
  const TimestampMs local = now + utc_offset_minutes(quiet.zone, now) * kMinuteMs;
  const std::int64_t local_day = floor_div(local, kDayMs);
  const int minute = static_cast<int>(floor_div(local - local_day * kDayMs, kMinuteMs));
  const bool spans_midnight = quiet.start_minute > quiet.end_minute;
  bool inside = false;
  std::int64_t end_day = local_day;
  if (!spans_midnight) {
    inside = minute >= quiet.start_minute && minute < quiet.end_minute;
  } else if (minute >= quiet.start_minute) {
    inside = true;
    end_day = local_day + 1;  // ends tomorrow morning
  } else {
    inside = minute < quiet.end_minute;
  }
  if (!inside) return std::nullopt;
  const TimestampMs end_local = end_day * kDayMs + quiet.end_minute * kMinuteMs;
  // The offset at the end may differ from now's (a DST change inside the
  // window): take the offset at the first guess of the end instant.
  const TimestampMs guess = end_local - utc_offset_minutes(quiet.zone, now) * kMinuteMs;
  const TimestampMs end = end_local - utc_offset_minutes(quiet.zone, guess) * kMinuteMs;
  return end > now ? end : now + kMinuteMs;
}

}  // namespace bw
