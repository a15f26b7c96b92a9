#include "rules/session_calendar.hpp"

#include <algorithm>

#include "rules/market_time.hpp"

namespace bw {

namespace {

constexpr std::int64_t kMinuteMs = 60'000;

void sort_unique(std::vector<std::int64_t>& days) {
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
}

// 0 = Sunday (1970-01-01 was a Thursday).
std::int64_t weekday(std::int64_t day) {
  const std::int64_t w = (day + 4) % 7;
  return w < 0 ? w + 7 : w;
}

bool digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view session_name(Session session) {
  switch (session) {
    case Session::pre:
      return "pre";
    case Session::regular:
      return "regular";
    case Session::post:
      return "post";
  }
  return "regular";
}

std::optional<Session> parse_session(std::string_view name) {
  if (name == "pre") return Session::pre;
  if (name == "regular") return Session::regular;
  if (name == "post") return Session::post;
  return std::nullopt;
}

std::vector<std::string> session_names(SessionMask mask) {
  std::vector<std::string> out;
  for (Session s : {Session::pre, Session::regular, Session::post}) {
    if (mask & static_cast<SessionMask>(s)) out.emplace_back(session_name(s));
  }
  return out;
}

SessionCalendar::SessionCalendar(std::vector<std::int64_t> holidays,
                                 std::vector<std::int64_t> early_closes)
    : holidays_(std::move(holidays)), early_closes_(std::move(early_closes)) {
  sort_unique(holidays_);
  sort_unique(early_closes_);
}

bool SessionCalendar::holiday(std::int64_t day) const {
  return std::binary_search(holidays_.begin(), holidays_.end(), day);
}

bool SessionCalendar::early_close(std::int64_t day) const {
  return std::binary_search(early_closes_.begin(), early_closes_.end(), day);
}

std::optional<Session> SessionCalendar::session_at(TimestampMs ts) const {
  const std::int64_t day = new_york_day(ts);
  const std::int64_t wd = weekday(day);
  if (wd == 0 || wd == 6 || holiday(day)) return std::nullopt;
  // Minutes since New York midnight (a DST switch at 02:00 is outside every session).
  const std::int64_t minute = (ts + new_york_offset_ms(ts) - day * kMsPerDay) / kMinuteMs;
  const bool early = early_close(day);
  const std::int64_t regular_end = early ? 13 * 60 : 16 * 60;
  const std::int64_t post_end = early ? 17 * 60 : 20 * 60;
  if (minute < 4 * 60) return std::nullopt;
  if (minute < 9 * 60 + 30) return Session::pre;
  if (minute < regular_end) return Session::regular;
  if (minute < post_end) return Session::post;
  return std::nullopt;
}

bool in_sessions(SessionMask mask, TimestampMs ts, const SessionCalendar& calendar) {
  if (mask == 0) return true;
  std::optional<Session> session = calendar.session_at(ts);
  return session && (mask & static_cast<SessionMask>(*session)) != 0;
}

Result<std::int64_t> parse_calendar_date(std::string_view text) {
  const Error bad{"must be a date like \"2026-12-25\""};
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad;
  if (!digits(text.substr(0, 4)) || !digits(text.substr(5, 2)) || !digits(text.substr(8, 2)))
    return bad;
  const int year = std::stoi(std::string(text.substr(0, 4)));
  const unsigned month = static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))));
  const unsigned day = static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2))));
  if (month < 1 || month > 12 || day < 1 || day > 31) return bad;
  const std::int64_t days = days_from_civil(year, month, day);
  // Reject 2026-02-30 and the like: the date must round-trip to its month.
  if (days_from_civil(year, month, 1) + day - 1 != days ||
      (month < 12 ? days >= days_from_civil(year, month + 1, 1)
                  : days >= days_from_civil(year + 1, 1, 1)))
    return bad;
  return days;
}

}  // namespace bw
