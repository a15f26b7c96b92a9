// SimulatedMarket: a deterministic market of well-known US tickers whose prices
// follow geometric Brownian motion. Same seed, same steps → same quotes.
//
//   SimulatedMarket market(/*seed=*/42, /*time_scale=*/60);
//   std::vector<RawQuote> out;
//   market.step(now_ms, /*elapsed_seconds=*/0.25, out);
//
// `time_scale` compresses market time (60: each real second moves prices as a
// trading minute would) so the demo visibly moves. Each step, each ticker
// trades with probability 3/4; prices are rounded to the cent.
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

// About fifty large US stocks and ETFs with realistic prices and volatilities.
const std::vector<SimulatedTicker>& default_tickers();

class SimulatedMarket {
 public:
  SimulatedMarket(std::uint64_t seed, double time_scale,
                  std::vector<SimulatedTicker> tickers = default_tickers());

  void step(TimestampMs now, double elapsed_seconds, std::vector<RawQuote>& out);
  std::size_t ticker_count() const { return tickers_.size(); }

 private:
  std::vector<SimulatedTicker> tickers_;
  std::vector<double> prices_;
  double time_scale_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

}  // namespace bw
