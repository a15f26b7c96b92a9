// QuoteSource: one configured market-data source (the simulated market, a
// replay file, a provider feed, a poller, a listener). It turns what it reads
// into validated quotes, hands them to a QuoteSink, and reports its health.
//
//   std::unique_ptr<QuoteSource> source = make_source(config, hub, clock);  // app/
//   source->start();                 // returns at once; the source runs on its own thread(s)
//   SourceHealth h = source->health(now_ms, stale_after);
//   source->stop();                  // joins; idempotent; also done by the destructor
//
// start/stop from the owning thread only; health() from any thread. A bad
// frame, row or line is counted and skipped: it never stops the source.
#pragma once

#include <chrono>

#include "ingest/source_health.hpp"

namespace bw {

class QuoteSource {
 public:
  virtual ~QuoteSource() = default;
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual SourceHealth health(TimestampMs now_ms, std::chrono::milliseconds stale_after) const = 0;
};

}  // namespace bw
