// SimulatedMarket: a deterministic market of well-known US tickers whose prices
// follow geometric Brownian motion. Same seed, same steps → same quotes.
//
//   SimulatedMarket market(/*seed=*/42, /*time_scale=*/60);
//   std::vector<RawQuote> out;
//   market.step(now_ms, /*elapsed_seconds=*/0.25, out);
//
// `time_scale` compresses market time (60: each real second moves prices as a
// trading minute would) so the demo visibly moves. Prices are rounded to the
// cent; each quote carries a bid and ask a cent or two (about 2 bp) around
// the price and a volume of 1 to 500.
//
// Intraday shape (by the quote time in New York): volatility follows a U
// over the regular session (9:30–16:00 ET, Monday to Friday; exchange
// holidays are not modelled), about 2.4× the base at the open and close and
// 0.6× at midday; now and then (1 in 2 000 ticker-steps) a ticker jumps 1–3%.
// In the regular session each ticker trades with probability 3/4 per step;
// outside it, unless `always_open`, the market is quiet: 1 in 20 and at
// 0.15× volatility.
// Not thread-safe: owned by one feed thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ingest/quote_validation.hpp"

namespace bw {

struct SimulatedTicker {
  std::string symbol;
  double start_price;
  double annual_volatility;  // e.g. 0.30 for 30%
};

// Minutes since 9:30 New York time when `ms` falls in the US regular
// session (Monday to Friday, 9:30–16:00 ET, DST per the US rules); else -1.
double us_session_minute(TimestampMs ms);
// The volatility multiplier at `session_minute` (0..390): a U, 2.4 at the
// open and close, 0.6 at midday.
double intraday_volatility(double session_minute);

// About fifty large US stocks and ETFs with realistic prices and volatilities.
const std::vector<SimulatedTicker>& default_tickers();

class SimulatedMarket {
 public:
  SimulatedMarket(std::uint64_t seed, double time_scale,
                  std::vector<SimulatedTicker> tickers = default_tickers());

  void step(TimestampMs now, double elapsed_seconds, std::vector<RawQuote>& out);
  std::size_t ticker_count() const { return tickers_.size(); }
  // True (the default): every hour trades like the regular session.
  void set_always_open(bool always_open) { always_open_ = always_open; }

 private:
  std::vector<SimulatedTicker> tickers_;
  std::vector<double> prices_;
  double time_scale_;
  bool always_open_ = true;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

}  // namespace bw
