#include "app/market_calendar.hpp"

namespace bw {

namespace {

std::vector<std::int64_t> days_of(const std::vector<std::string>& dates) {
  std::vector<std::int64_t> days;
  for (const std::string& date : dates) {
    if (Result<std::int64_t> day = parse_calendar_date(date)) days.push_back(*day);
  }
  return days;
}

}  // namespace

SessionCalendar market_calendar(const MarketConfig& market) {
  return SessionCalendar(days_of(market.holidays), days_of(market.early_closes));
}

}  // namespace bw
