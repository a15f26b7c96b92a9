// ReplayFeed: the `replay` source. Plays a tick file — generic CSV
// (ts,symbol,price[,volume][,bid,ask], with or without a header), Databento
// trades CSV, or NDJSON (one quote object per line) — into a QuoteSink, paced
// by the ticks' own times (`speed` 1 = real time, 60 = a minute per second,
// 0 = as fast as the engine takes them), optionally in a loop.
//
//   ReplayOptions options{.name = "day", .path = "ticks.csv", .speed = 60};
//   ReplayFeed feed(options, sink, clock);   // throws std::invalid_argument: unreadable file
//   feed.start();  ...  feed.stop();         // stop() joins; also done by the destructor
//
// A bad row is counted in the source's health by reason and logged
// (rate-limited) with its line number, then skipped. Empty lines and lines
// starting with '#' are ignored. A finished replay reports `down` with
// "finished: ..." as its last error. When the engine queue stays full the
// feed waits and retries rather than dropping ticks.
// start/stop from the owning thread only; health() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ingest/quote_normalizer.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/quote_source.hpp"
#include "ingest/tick_parsers.hpp"
#include "rules/clock.hpp"

namespace bw {

enum class TickFormat { csv, databento, ndjson };

struct ReplayOptions {
  std::string name = "replay";
  std::string path;
  std::string format = "auto";  // auto, csv, databento, ndjson
  double speed = 1.0;           // 0: as fast as possible
  bool loop = false;
  bool restamp = false;              // true: a tick carries the time it is replayed at
  std::vector<std::string> symbols;  // after aliasing; empty: every symbol
  NormalizerOptions normalizer;
};

// The format of a file: explicit, or from its extension (.ndjson, .jsonl)
// and first data line ('{' → NDJSON, a Databento header → databento, else CSV).
Result<TickFormat> detect_tick_format(const std::string& format, const std::string& path,
                                      std::string_view first_line);

class ReplayFeed : public QuoteSource {
 public:
  ReplayFeed(ReplayOptions options, QuoteSink& sink, const Clock& clock);
  ~ReplayFeed() override;
  ReplayFeed(const ReplayFeed&) = delete;
  ReplayFeed& operator=(const ReplayFeed&) = delete;

  void start() override;
  void stop() override;
  SourceHealth health(TimestampMs now_ms, std::chrono::milliseconds stale_after) const override;

 private:
  // One pass over the file; the number of quotes published, or an error that
  // makes the whole file unusable (unreadable, bad header).
  Result<std::uint64_t> play_once();
  // Turns one data line into a quote and publishes it.
  bool play_line(std::string_view line, std::uint64_t line_number);
  bool wait_until(std::chrono::steady_clock::time_point deadline);  // false: stopping
  bool stopping() const;
  void run();

  const ReplayOptions options_;
  QuoteSink& sink_;
  const Clock& clock_;
  std::set<std::string> wanted_;  // constant after construction
  SourceMonitor monitor_;
  QuoteNormalizer normalizer_;
  // Parse state of the current pass (feed thread only).
  TickFormat format_ = TickFormat::csv;
  CsvLayout csv_;
  DatabentoLayout databento_;
  bool paced_ = false;
  TimestampMs first_tick_ms_ = 0;
  std::chrono::steady_clock::time_point first_wall_;
  std::uint64_t skipped_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
};

}  // namespace bw
