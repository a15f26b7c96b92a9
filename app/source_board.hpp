// SourceBoard: the running sources' health in one place, for GET
// /api/v1/sources and the per-source /metrics families. The server tells it
// which sources run (at start and after a reload swapped them).
//
//   SourceBoard board(hub, queue, capacity);
//   board.set({{feed.get(), 10s}, ...});           // before the old feeds are destroyed
//   IngestStatus s = board.ingest_status(now);     // from any thread
//   board.register_metrics(registry, clock);
//
// Thread-safe: its own mutex (never held while calling into the registry, so
// a scrape and a reload cannot deadlock).
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "ingest/ingest_hub.hpp"
#include "ingest/quote_source.hpp"
#include "metrics/metrics.hpp"
#include "rules/clock.hpp"
#include "web/ingest_routes.hpp"

namespace bw {

struct BoardEntry {
  const QuoteSource* source = nullptr;
  std::chrono::milliseconds stale_after{10000};
};

class SourceBoard : public IngestStatusProvider {
 public:
  SourceBoard(IngestHub& hub, EngineQueue& queue, std::size_t queue_capacity);

  void set(std::vector<BoardEntry> entries);
  std::vector<SourceHealth> health(TimestampMs now_ms) const;
  IngestStatus ingest_status(TimestampMs now_ms) const override;
  // bellwether_source_state{source,state} (1 for the current state) and
  // bellwether_source_rejected_total{source,reason}.
  void register_metrics(MetricsRegistry& registry, const Clock& clock) const;

 private:
  IngestHub& hub_;
  EngineQueue& queue_;
  const std::size_t queue_capacity_;
  mutable std::mutex mutex_;
  std::vector<BoardEntry> entries_;  // guarded by mutex_
};

}  // namespace bw
