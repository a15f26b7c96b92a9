#include "app/source_factory.hpp"

#include <stdexcept>

#include "ingest/http_poller.hpp"
#include "ingest/providers/ws_sources.hpp"
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

std::unique_ptr<QuoteSource> make_ws(const SourceConfig& config, QuoteSink& sink,
                                     const Clock& clock) {
  WsSourceOptions options;
  options.name = config.name;
  options.type = config.type;
  options.symbols = config.symbols;
  options.channels = config.channels;
  options.api_key = config.api_key.value;
  options.api_secret = config.api_secret.value;
  WsClientOptions& client = options.client;
  client.url = config.url;
  if (client.url.empty()) {
    if (config.type == "finnhub_ws") client.url = "wss://ws.finnhub.io";
    if (config.type == "alpaca_ws")
      client.url = "wss://stream.data.alpaca.markets/v2/" + config.feed;
    if (config.type == "polygon_ws") client.url = "wss://socket.polygon.io/stocks";
  }
  client.ca_file = config.ca_file;
  client.connect_timeout = config.connect_timeout;
  client.idle_timeout = config.idle_timeout;
  client.backoff_initial = config.backoff_initial;
  client.backoff_max = config.backoff_max;
  if (options.symbols.empty()) {
    throw std::invalid_argument("source " + config.name +
                                ": symbols must name at least one symbol");
  }
  options.normalizer = normalizer_options(config);
  return make_ws_source(std::move(options), sink, clock);
}

std::unique_ptr<QuoteSource> make_poller(const SourceConfig& config, QuoteSink& sink,
                                         const Clock& clock) {
  HttpPollerOptions options;
  options.name = config.name;
  options.type = config.type;
  options.url = config.url;
  if (options.url.empty()) {
    if (config.type == "finnhub_rest") options.url = "https://finnhub.io/api/v1";
    if (config.type == "yahoo_chart") options.url = "https://query1.finance.yahoo.com";
  }
  options.symbols = config.symbols;
  options.interval = config.interval;
  options.max_requests_per_minute = config.max_requests_per_minute;
  options.request_timeout = config.request_timeout;
  options.backoff_initial = config.backoff_initial;
  options.backoff_max = config.backoff_max;
  options.ca_file = config.ca_file;
  options.api_key = config.api_key.value;
  options.api_key_header = config.api_key_header;
  options.crumb = config.crumb;
  if (!config.cookie_url.empty()) options.cookie_url = config.cookie_url;
  if (!config.crumb_url.empty()) options.crumb_url = config.crumb_url;
  const auto& p = config.paths;
  options.paths = {p.items, p.symbol, p.price, p.volume, p.ts, p.bid, p.ask, p.prev_close};
  options.normalizer = normalizer_options(config);
  return std::make_unique<HttpPollerSource>(std::move(options), sink, clock);
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
  options.io_threads = config.io_threads;
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
    if (config.type == "finnhub_ws" || config.type == "alpaca_ws" || config.type == "polygon_ws") {
      return make_ws(config, sink, clock);
    }
    if (config.type == "finnhub_rest" || config.type == "yahoo_chart" ||
        config.type == "http_json") {
      return make_poller(config, sink, clock);
    }
    if (config.type == "replay") return make_replay(config, sink, clock);
    if (config.type == "tcp_ndjson") return make_tcp_ndjson(config, sink, clock);
  } catch (const std::exception& error) {
    return Error{error.what()};
  }
  return Error{"source " + config.name + ": unknown type \"" + config.type + "\""};
}

}  // namespace bw
