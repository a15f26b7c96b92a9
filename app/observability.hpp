// Observability wiring: registers every server metric with the registry
// (owned counters and histograms handed to the modules, scrape-time readers
// for the rest) and answers the readiness question for /readyz.
//
//   ObservedParts parts{db, queue, hub, engine, notifier, sse, clock, sources};
//   Observability obs(registry, parts);       // before the modules start
//   engine.set_metrics(obs.engine_metrics()); notifier.set_metrics(obs.notifier_metrics());
//   Readiness r = obs.readiness();            // store, engine, sources
//
// The referenced parts must outlive the Observability object (scrapes read
// them). Thread-safe after construction.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "app/engine_worker.hpp"
#include "ingest/ingest_hub.hpp"
#include "metrics/metrics.hpp"
#include "notify/notifier.hpp"
#include "notify/webhook_dispatcher.hpp"
#include "rules/clock.hpp"
#include "store/database.hpp"
#include "web/ops_routes.hpp"
#include "web/sse_server.hpp"

namespace bw {

struct ObservedParts {
  Database& db;
  EngineQueue& queue;
  std::size_t queue_capacity;
  IngestHub& hub;
  EngineWorker& engine;
  Notifier& notifier;
  SseServer& sse;
  const Clock& clock;
  std::vector<std::string> sources;  // configured source names
  // A source is live while its last accepted quote is at most this old.
  std::chrono::milliseconds source_stale_after{10000};
  std::string version;
};

// Delivery metrics, fed by the dispatcher's on_attempt:
// bellwether_delivery_attempts_total{channel_type,status},
// bellwether_delivery_attempt_seconds{channel_type} (one transfer) and
// bellwether_delivery_latency_seconds{channel_type} (commit to delivered).
std::function<void(const DeliveryAttemptReport&)> delivery_attempt_recorder(
    MetricsRegistry& registry);

class Observability {
 public:
  Observability(MetricsRegistry& registry, ObservedParts parts);

  EngineWorkerMetrics engine_metrics() const { return engine_; }
  NotifierMetrics notifier_metrics() const { return notifier_; }
  Readiness readiness() const;
  // After a reload changed the sources.
  void set_sources(std::vector<std::string> names);

 private:
  void register_ingest(MetricsRegistry& registry);
  void register_store(MetricsRegistry& registry);

  ObservedParts parts_;  // sources guarded by sources_mutex_
  mutable std::mutex sources_mutex_;
  EngineWorkerMetrics engine_;
  NotifierMetrics notifier_;
};

}  // namespace bw
