#include "ingest/simulated_feed.hpp"

#include <algorithm>
#include <stdexcept>

#include "log/module_logger.hpp"

namespace bw {

namespace {
// The configured subset, in the configured order; unknown symbols are a
// start-up error rather than a feed that silently never ticks.
std::vector<SimulatedTicker> pick_tickers(const SimulatedFeedOptions& options) {
  if (options.symbols.empty()) return default_tickers();
  std::vector<SimulatedTicker> picked;
  std::string unknown;
  for (const auto& wanted : options.symbols) {
    auto it = std::find_if(default_tickers().begin(), default_tickers().end(),
                           [&](const SimulatedTicker& t) { return t.symbol == wanted; });
    if (it == default_tickers().end()) {
      unknown += (unknown.empty() ? "" : ", ") + wanted;
    } else {
      picked.push_back(*it);
    }
  }
  if (!unknown.empty()) {
    throw std::invalid_argument("source " + options.name + ": the simulated feed has no ticker " +
                                unknown);
  }
  return picked;
}
}  // namespace

SimulatedFeed::SimulatedFeed(SimulatedFeedOptions options, QuoteSink& sink, const Clock& clock)
    : options_(std::move(options)),
      sink_(sink),
      clock_(clock),
      market_(options_.seed, options_.time_scale, pick_tickers(options_)),
      monitor_(options_.name, "simulated"),
      normalizer_(options_.name, options_.normalizer, monitor_) {}

SimulatedFeed::~SimulatedFeed() {
  stop();
}

void SimulatedFeed::start() {
  module_logger("ingest")->info("source {}: simulated feed, {} tickers, seed {}, every {} ms",
                                options_.name, market_.ticker_count(), options_.seed,
                                options_.interval.count());
  monitor_.live();
  thread_ = std::thread([this] { run(); });
}

SourceHealth SimulatedFeed::health(TimestampMs now_ms,
                                   std::chrono::milliseconds stale_after) const {
  return monitor_.snapshot(now_ms, stale_after);
}

void SimulatedFeed::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  monitor_.down("stopped");
}

void SimulatedFeed::run() {
  std::vector<RawQuote> raw;
  const double elapsed_seconds = std::chrono::duration<double>(options_.interval).count();
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
    lock.unlock();
    raw.clear();
    const TimestampMs now = clock_.now_ms();
    market_.step(now, elapsed_seconds, raw);
    monitor_.message(now);
    for (const RawQuote& candidate : raw) {
      // The generator only makes valid quotes; a refusal is counted and logged.
      Result<Quote> quote = normalizer_.normalize(candidate, now);
      if (quote) sink_.publish(*quote, options_.name);
    }
    lock.lock();
  }
}

}  // namespace bw
