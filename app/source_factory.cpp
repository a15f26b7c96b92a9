#include "app/source_factory.hpp"

#include <stdexcept>

#include "ingest/replay_feed.hpp"
#include "ingest/simulated_feed.hpp"
#include "ingest/tcp_ndjson_source.hpp"

namespace bw {

namespace {

std::unique_ptr<QuoteSource> make_simulated(const SourceConfig& config, QuoteSink& sink,
                                            const Clock& clock) {
  SimulatedFeedOptions options{config.name,       config.seed,    config.interval,
                               config.time_scale, config.symbols, normalizer_options(config),
                               config.always_open};
  return std::make_unique<SimulatedFeed>(options, sink, clock);
}

std::unique_ptr<QuoteSource> make_replay(const SourceConfig& config, QuoteSink& sink,
                                         const Clock& clock) {
  ReplayOptions options;
  options.name = config.name;
  options.path = config.path;
  options.format = config.format;
  options.speed = config.speed;
  options.loop = config.loop;
  options.restamp = config.timestamps == "replayed";
  options.symbols = config.symbols;
  options.normalizer = normalizer_options(config);
  return std::make_unique<ReplayFeed>(options, sink, clock);
}

std::unique_ptr<QuoteSource> make_tcp_ndjson(const SourceConfig& config, QuoteSink& sink,
                                             const Clock& clock) {
  TcpNdjsonOptions options;
  options.name = config.name;
  options.host = config.listen.host;
  options.port = config.listen.port;
  options.max_line_bytes = config.max_line_bytes;
  options.max_connections = config.max_connections;
  options.normalizer = normalizer_options(config);
  return std::make_unique<TcpNdjsonSource>(options, sink, clock);
}

}  // namespace

NormalizerOptions normalizer_options(const SourceConfig& config) {
  NormalizerOptions options;
  options.aliases = config.aliases;
  options.max_skew = config.max_skew;
  options.drop_duplicates = config.drop_duplicates;
  options.drop_out_of_order = config.drop_out_of_order;
  return options;
}

Result<std::unique_ptr<QuoteSource>> make_source(const SourceConfig& config, QuoteSink& sink,
                                                 const Clock& clock) {
  try {
    if (config.type == "simulated") return make_simulated(config, sink, clock);
    if (config.type == "replay") return make_replay(config, sink, clock);
    if (config.type == "tcp_ndjson") return make_tcp_ndjson(config, sink, clock);
  } catch (const std::exception& error) {
    return Error{error.what()};
  }
  return Error{"source " + config.name + ": unknown type \"" + config.type + "\""};
}

}  // namespace bw
