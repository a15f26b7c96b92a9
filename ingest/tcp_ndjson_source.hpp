// TcpNdjsonSource: the `tcp_ndjson` source. A Boost.Asio listener taking one
// JSON quote per line ({"symbol","price"[,"volume","ts","bid","ask",
// "prev_close","seq"]}) from any number of connections, for in-house feeds
// and load generation.
//
//   TcpNdjsonOptions options{.name = "desk", .host = "127.0.0.1", .port = 9100};
//   TcpNdjsonSource source(options, sink, clock);   // binds; throws std::runtime_error
//   source.start();  ...  source.stop();            // stop() closes every connection, joins
//
// A malformed or invalid line is counted by reason, logged (rate-limited)
// with its connection and line number, and skipped; the connection stays
// open. A line longer than `max_line_bytes` is skipped the same way. Past
// `max_connections` open connections a new one is accepted and closed at
// once (logged). Empty lines are ignored (keep-alives). When the engine
// queue stays full past its timeout the quote is refused and counted as
// "engine queue full". Nothing is written back to clients.
//
// `io_threads` threads run the listener and the connections: one connection's
// reads are handled one at a time, in order (each on whichever thread is
// free), so a connection's quotes reach the hub in the order sent; quotes of
// different connections are handled in parallel. start/stop from the owning
// thread, health() from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "ingest/quote_normalizer.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/quote_source.hpp"
#include "rules/clock.hpp"

namespace bw {

struct TcpNdjsonOptions {
  std::string name = "tcp";
  std::string host = "127.0.0.1";
  std::uint16_t port = 9100;  // 0: any free port (see port())
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t max_connections = 64;
  // Threads reading connections (each parses, normalises and publishes what
  // it read); more than the number of busy connections buys nothing.
  std::size_t io_threads = 2;
  NormalizerOptions normalizer;
};

class TcpNdjsonSource : public QuoteSource {
 public:
  TcpNdjsonSource(TcpNdjsonOptions options, QuoteSink& sink, const Clock& clock);
  ~TcpNdjsonSource() override;
  TcpNdjsonSource(const TcpNdjsonSource&) = delete;
  TcpNdjsonSource& operator=(const TcpNdjsonSource&) = delete;

  void start() override;
  void stop() override;
  SourceHealth health(TimestampMs now_ms, std::chrono::milliseconds stale_after) const override;

  // The bound port (the chosen one when configured as 0).
  std::uint16_t port() const;
  std::size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bw
