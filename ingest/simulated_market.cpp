#include "ingest/simulated_market.hpp"

#include <cmath>

namespace bw {

namespace {
// Trading seconds in a year: 252 sessions of 6.5 hours.
constexpr double kTradingSecondsPerYear = 252.0 * 6.5 * 3600.0;
constexpr double kTradeProbability = 0.75;
}  // namespace

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
  for (std::size_t i = 0; i < tickers_.size(); ++i) {
    // Draw both numbers for every ticker so the stream depends only on the seed
    // and the number of steps.
    const double z = normal_(rng_);
    const bool trades = uniform_(rng_) < kTradeProbability;
    const double sigma = tickers_[i].annual_volatility;
    prices_[i] *= std::exp(-0.5 * sigma * sigma * dt + sigma * std::sqrt(dt) * z);
    if (prices_[i] < 0.01) prices_[i] = 0.01;
    if (!trades) continue;
    const double cents = std::round(prices_[i] * 100.0) / 100.0;
    const auto volume = static_cast<std::int64_t>(1 + uniform_(rng_) * 499);
    RawQuote quote;
    quote.symbol = tickers_[i].symbol;
    quote.price = cents;
    quote.volume = volume;
    quote.ts_ms = now;
    out.push_back(std::move(quote));
  }
}

}  // namespace bw
