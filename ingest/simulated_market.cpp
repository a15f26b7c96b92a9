#include "ingest/simulated_market.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace bw {

namespace {
// Trading seconds in a year: 252 sessions of 6.5 hours.
constexpr double kTradingSecondsPerYear = 252.0 * 6.5 * 3600.0;
constexpr double kTradeProbability = 0.75;
constexpr double kQuietTradeProbability = 0.05;
constexpr double kQuietVolatility = 0.15;
constexpr double kJumpProbability = 1.0 / 2000;
constexpr double kSessionMinutes = 390;

// US daylight saving time: from the second Sunday of March, 2:00 local
// (7:00 UTC), to the first Sunday of November, 2:00 local (6:00 UTC).
bool us_daylight_saving(TimestampMs ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
  const year y = year_month_day(day).year();
  const sys_days march_start = sys_days(year_month_weekday(y / March / Sunday[2]));
  const sys_days november_end = sys_days(year_month_weekday(y / November / Sunday[1]));
  const auto t = sys_time<milliseconds>(milliseconds(ms));
  return t >= march_start + hours(7) && t < november_end + hours(6);
}
}  // namespace

double us_session_minute(TimestampMs ms) {
  using namespace std::chrono;
  const TimestampMs local = ms - (us_daylight_saving(ms) ? 4 : 5) * 3'600'000LL;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(local)));
  const weekday wd{day};
  if (wd == Saturday || wd == Sunday) return -1;
  const double minute =
      static_cast<double>(local - day.time_since_epoch().count() * 86'400'000LL) / 60'000.0 -
      (9 * 60 + 30);
  return minute >= 0 && minute < kSessionMinutes ? minute : -1;
}

double intraday_volatility(double session_minute) {
  const double x = 2 * session_minute / kSessionMinutes - 1;  // -1 at the open, 1 at the close
  return 0.6 + 1.8 * x * x;
}

const std::vector<SimulatedTicker>& default_tickers() {
  static const std::vector<SimulatedTicker> tickers = {
      {"AAPL", 228.50, 0.26}, {"MSFT", 415.20, 0.24},  {"NVDA", 135.40, 0.50},
      {"AMZN", 201.30, 0.32}, {"GOOGL", 175.80, 0.30}, {"GOOG", 177.10, 0.30},
      {"META", 585.60, 0.38}, {"TSLA", 248.90, 0.58},  {"BRK.B", 462.70, 0.16},
      {"AVGO", 172.40, 0.45}, {"JPM", 238.10, 0.22},   {"LLY", 805.30, 0.30},
      {"V", 305.90, 0.18},    {"UNH", 590.20, 0.26},   {"XOM", 119.60, 0.24},
      {"MA", 515.40, 0.19},   {"JNJ", 155.30, 0.15},   {"PG", 168.70, 0.14},
      {"HD", 405.80, 0.22},   {"COST", 905.10, 0.20},  {"ABBV", 188.40, 0.24},
      {"WMT", 84.20, 0.18},   {"NFLX", 760.50, 0.40},  {"CRM", 310.70, 0.34},
      {"BAC", 45.10, 0.26},   {"KO", 64.30, 0.13},     {"CVX", 158.20, 0.24},
      {"MRK", 101.40, 0.22},  {"AMD", 142.80, 0.52},   {"PEP", 161.90, 0.15},
      {"ORCL", 178.30, 0.34}, {"ADBE", 505.60, 0.33},  {"TMO", 560.20, 0.22},
      {"CSCO", 57.90, 0.20},  {"ACN", 355.40, 0.24},   {"MCD", 295.70, 0.16},
      {"ABT", 115.80, 0.18},  {"WFC", 71.30, 0.28},    {"DIS", 112.40, 0.28},
      {"INTC", 23.60, 0.48},  {"QCOM", 162.50, 0.38},  {"IBM", 221.30, 0.24},
      {"CAT", 395.10, 0.28},  {"GS", 585.20, 0.28},    {"AMGN", 285.60, 0.24},
      {"BA", 152.80, 0.36},   {"PFE", 25.80, 0.24},    {"UBER", 72.40, 0.42},
      {"SPY", 598.30, 0.14},  {"QQQ", 512.60, 0.18},   {"IWM", 232.10, 0.22},
  };
  return tickers;
}

SimulatedMarket::SimulatedMarket(std::uint64_t seed, double time_scale,
                                 std::vector<SimulatedTicker> tickers)
    : tickers_(std::move(tickers)), time_scale_(time_scale), rng_(seed) {
  prices_.reserve(tickers_.size());
  for (const auto& ticker : tickers_) prices_.push_back(ticker.start_price);
}

void SimulatedMarket::step(TimestampMs now, double elapsed_seconds, std::vector<RawQuote>& out) {
  const double dt = elapsed_seconds * time_scale_ / kTradingSecondsPerYear;
  // Always open: the session shape runs on the clock anyway, its quiet
  // nights replaced by midday.
  const double minute = us_session_minute(now);
  const bool in_session = minute >= 0;
  const double shape = in_session     ? intraday_volatility(minute)
                       : always_open_ ? intraday_volatility(kSessionMinutes / 2)
                                      : kQuietVolatility;
  const double trade_probability =
      in_session || always_open_ ? kTradeProbability : kQuietTradeProbability;
  for (std::size_t i = 0; i < tickers_.size(); ++i) {
    // Draw the same numbers for every ticker every step, so the stream
    // depends only on the seed and the steps.
    const double z = normal_(rng_);
    const double trade_draw = uniform_(rng_);
    const double jump_draw = uniform_(rng_);
    const double jump_size = uniform_(rng_);
    const double sigma = tickers_[i].annual_volatility * shape;
    prices_[i] *= std::exp(-0.5 * sigma * sigma * dt + sigma * std::sqrt(dt) * z);
    if (jump_draw < kJumpProbability) {
      const double size = 0.01 + 0.02 * jump_size;
      prices_[i] *= jump_draw < kJumpProbability / 2 ? std::exp(size) : std::exp(-size);
    }
    if (prices_[i] < 0.01) prices_[i] = 0.01;
    if (trade_draw >= trade_probability) continue;
    const double cents = std::round(prices_[i] * 100.0) / 100.0;
    const auto volume = static_cast<std::int64_t>(1 + uniform_(rng_) * 499);
    // A spread of about 2 bp, at least a cent, around the traded price.
    const double spread = std::max(0.01, std::round(cents * 0.0002 * 100.0) / 100.0);
    const double bid = std::max(0.01, std::round((cents - spread / 2) * 100.0) / 100.0);
    RawQuote quote;
    quote.symbol = tickers_[i].symbol;
    quote.price = cents;
    quote.volume = volume;
    quote.ts_ms = now;
    quote.bid = bid;
    quote.ask = std::round((bid + spread) * 100.0) / 100.0;
    out.push_back(std::move(quote));
  }
}

}  // namespace bw
