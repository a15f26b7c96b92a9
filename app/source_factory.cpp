#include "app/source_factory.hpp"

#include <stdexcept>

#include "ingest/simulated_feed.hpp"

namespace bw {

namespace {

std::unique_ptr<QuoteSource> make_simulated(const SourceConfig& config, QuoteSink& sink,
                                            const Clock& clock) {
  SimulatedFeedOptions options{config.name, config.seed, config.interval, config.time_scale,
                               config.symbols};
  return std::make_unique<SimulatedFeed>(options, sink, clock);
}

}  // namespace

Result<std::unique_ptr<QuoteSource>> make_source(const SourceConfig& config, QuoteSink& sink,
                                                 const Clock& clock) {
  try {
    if (config.type == "simulated") return make_simulated(config, sink, clock);
  } catch (const std::exception& error) {
    return Error{error.what()};
  }
  return Error{"source " + config.name + ": unknown type \"" + config.type + "\""};
}

}  // namespace bw
