// SessionCalendar: the US equity trading sessions (America/New_York) an event
// time falls in, with exchange holidays and early closes, and the alert field
// `sessions` as a bit mask.
//
//   SessionCalendar cal({days_from_civil(2026, 12, 25)}, {days_from_civil(2026, 11, 27)});
//   cal.session_at(ts)                       // pre, regular, post, or none (closed)
//   in_sessions(kSessionRegular, ts, cal)    // may a regular-only alert fire at ts?
//
// New York local time (rules/market_time.hpp, hand-written DST rule), Monday
// to Friday: pre 04:00-09:30, regular 09:30-16:00, post 16:00-20:00; each
// start inclusive, each end exclusive. Weekends and holidays are closed all
// day. On an early-close day regular ends at 13:00 and post at 17:00.
// A mask of 0 means "no session filter": the alert fires at any time.
// A plain value type (constant after construction); thread-safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/quote.hpp"
#include "rules/result.hpp"

namespace bw {

using SessionMask = std::uint8_t;

enum class Session : std::uint8_t { pre = 1, regular = 2, post = 4 };

inline constexpr SessionMask kSessionPre = 1;
inline constexpr SessionMask kSessionRegular = 2;
inline constexpr SessionMask kSessionPost = 4;
inline constexpr SessionMask kSessionAll = 7;

std::string_view session_name(Session session);
std::optional<Session> parse_session(std::string_view name);
// The names in the mask, in the order pre, regular, post.
std::vector<std::string> session_names(SessionMask mask);

class SessionCalendar {
 public:
  SessionCalendar() = default;
  // Days since 1970-01-01 (New York dates); any order, duplicates allowed.
  SessionCalendar(std::vector<std::int64_t> holidays, std::vector<std::int64_t> early_closes);

  // The session the instant lies in; empty when the market is closed.
  std::optional<Session> session_at(TimestampMs ts) const;
  bool holiday(std::int64_t day) const;
  bool early_close(std::int64_t day) const;

  bool operator==(const SessionCalendar&) const = default;

 private:
  std::vector<std::int64_t> holidays_;      // sorted, unique
  std::vector<std::int64_t> early_closes_;  // sorted, unique
};

// True when an alert with this mask may fire at `ts` (always for mask 0).
bool in_sessions(SessionMask mask, TimestampMs ts, const SessionCalendar& calendar);

// "YYYY-MM-DD" → days since 1970-01-01; an error names the expected shape.
Result<std::int64_t> parse_calendar_date(std::string_view text);

}  // namespace bw
