// SimulatedFeed: the `simulated` source. A thread that steps a SimulatedMarket
// every `interval` and publishes the validated quotes to a QuoteSink. Live from
// start() to stop(); each step counts as one message.
//
//   SimulatedFeed feed(options, sink, clock);
//   feed.start();  ...  feed.stop();   // stop() joins; also done by the destructor
//
// start/stop from the owning thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "ingest/quote_normalizer.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/quote_source.hpp"
#include "ingest/simulated_market.hpp"
#include "rules/clock.hpp"

namespace bw {

struct SimulatedFeedOptions {
  std::string name = "sim";
  std::uint64_t seed = 42;
  std::chrono::milliseconds interval{250};
  double time_scale = 60.0;
  std::vector<std::string> symbols;  // empty: every default ticker
  NormalizerOptions normalizer;
};

class SimulatedFeed : public QuoteSource {
 public:
  // Throws std::invalid_argument when `symbols` names a ticker the market lacks.
  SimulatedFeed(SimulatedFeedOptions options, QuoteSink& sink, const Clock& clock);
  ~SimulatedFeed() override;
  SimulatedFeed(const SimulatedFeed&) = delete;
  SimulatedFeed& operator=(const SimulatedFeed&) = delete;

  void start() override;
  void stop() override;
  SourceHealth health(TimestampMs now_ms, std::chrono::milliseconds stale_after) const override;

 private:
  void run();

  const SimulatedFeedOptions options_;
  QuoteSink& sink_;
  const Clock& clock_;
  SimulatedMarket market_;
  SourceMonitor monitor_;
  QuoteNormalizer normalizer_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
};

}  // namespace bw
