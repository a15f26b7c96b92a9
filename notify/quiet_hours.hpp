// Quiet hours: a daily local-time window in which a user's email and webhook
// deliveries wait (SSE stays live). The zone is UTC, a fixed offset
// ("UTC+05:30", "UTC-04:00") or "America/New_York" with the US daylight-saving
// rule written out (libstdc++ 12 has no tz database): daylight time from the
// second Sunday of March, 02:00 local, to the first Sunday of November, 02:00
// local (the rule in force since 2007).
//
//   Result<QuietHours> q = parse_quiet_hours("22:00", "07:00", "America/New_York");
//   if (auto until = quiet_until(*q, now)) defer_to(*until);   // inside the window
//
// A window whose start is after its end spans midnight (22:00–07:00). The
// start minute is quiet, the end minute is not. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/quote.hpp"
#include "rules/result.hpp"

namespace bw {

struct TimeZoneRule {
  enum class Kind { fixed, america_new_york } kind = Kind::fixed;
  int offset_minutes = 0;  // fixed: east of UTC
  std::string name;        // as the user wrote it, normalised ("UTC+05:30")
};

struct QuietHours {
  int start_minute = 0;  // minutes after local midnight, 0..1439
  int end_minute = 0;
  TimeZoneRule zone;
};

// "UTC", "UTC+05:30", "UTC-4" style offsets up to ±14:00, or "America/New_York".
// The error names the field "quiet_hours.timezone".
Result<TimeZoneRule> parse_time_zone(std::string_view text);
// "HH:MM", 00:00..23:59; the error names `field`.
Result<int> parse_minute_of_day(std::string_view text, const std::string& field);
Result<QuietHours> parse_quiet_hours(std::string_view start, std::string_view end,
                                     std::string_view zone);
std::string minute_of_day_text(int minute);  // "07:00"

// The zone's offset from UTC at the instant `utc_ms`, in minutes.
int utc_offset_minutes(const TimeZoneRule& zone, TimestampMs utc_ms);
// When `now` falls inside the window, the UTC instant the window ends; else
// empty.
std::optional<TimestampMs> quiet_until(const QuietHours& quiet, TimestampMs now);

}  // namespace bw
