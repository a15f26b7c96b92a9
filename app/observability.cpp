#include "app/observability.hpp"

#include <map>
#include <memory>

#include "rules/condition.hpp"
#include "store/maintenance.hpp"

namespace bw {

Observability::Observability(MetricsRegistry& registry, ObservedParts parts)
    : parts_(std::move(parts)) {
  registry
      .gauge("bellwether_build_info", "Always 1; the version is a label.",
             {{"version", parts_.version}})
      .set(1);
  register_ingest(registry);
  engine_.evaluation_seconds = &registry.histogram(
      "bellwether_engine_evaluation_seconds",
      "Time the engine spends evaluating one quote against its alerts.", latency_buckets_seconds());
  engine_.fires = &registry.counter("bellwether_alert_fires_total", "Alert fires.");
  EngineWorker& engine = parts_.engine;
  registry.collect("bellwether_engine_running", "1 while the engine thread runs.",
                   MetricType::gauge, [&engine] {
                     return Samples{{{}, engine.running() ? 1.0 : 0.0}};
                   });
  register_store(registry);
  SseServer& sse = parts_.sse;
  registry.collect("bellwether_sse_clients", "Open event streams.", MetricType::gauge, [&sse] {
    return Samples{{{}, static_cast<double>(sse.client_count())}};
  });
}

void Observability::register_ingest(MetricsRegistry& registry) {
  for (const std::string& name : parts_.sources) parts_.hub.register_source(name);
  parts_.hub.register_source("push");  // POST /api/v1/quotes
  IngestHub& hub = parts_.hub;
  auto per_source = [&hub](auto field) {
    return [&hub, field] {
      Samples samples;
      for (const auto& [source, counters] : hub.counters()) {
        samples.push_back({{{"source", source}}, static_cast<double>(field(counters))});
      }
      return samples;
    };
  };
  registry.collect(
      "bellwether_quotes_received_total", "Validated quotes a source handed to the hub.",
      MetricType::counter,
      per_source([](const SourceCounters& c) { return c.accepted + c.rejected_full; }));
  registry.collect("bellwether_quotes_merged_total",
                   "Quotes merged into a pending quote of the same symbol (conflation).",
                   MetricType::counter,
                   per_source([](const SourceCounters& c) { return c.merged; }));
  registry.collect("bellwether_quotes_rejected_total",
                   "Quotes refused because the engine queue stayed full (or was closed).",
                   MetricType::counter, [&hub] {
                     Samples samples;
                     for (const auto& [source, c] : hub.counters()) {
                       samples.push_back({{{"source", source}, {"reason", "queue_full"}},
                                          static_cast<double>(c.rejected_full)});
                     }
                     return samples;
                   });
  registry.collect("bellwether_source_last_quote_timestamp_seconds",
                   "Timestamp of the last quote accepted from a source (0: none yet).",
                   MetricType::gauge, per_source([](const SourceCounters& c) {
                     return static_cast<double>(c.last_quote_ms) / 1000;
                   }));
  EngineQueue& queue = parts_.queue;
  registry.collect("bellwether_engine_queue_depth", "Entries waiting in the engine queue.",
                   MetricType::gauge, [&queue] {
                     return Samples{{{}, static_cast<double>(queue.counters().depth)}};
                   });
  registry.gauge("bellwether_engine_queue_capacity", "Capacity of the engine queue.")
      .set(static_cast<double>(parts_.queue_capacity));
}

void Observability::register_store(MetricsRegistry& registry) {
  notifier_.commit_seconds = &registry.histogram(
      "bellwether_store_commit_seconds",
      "Duration of one group commit of notifications to the store.", latency_buckets_seconds());
  notifier_.batch_size = &registry.histogram(
      "bellwether_store_commit_batch_size", "Notifications per group commit.", size_buckets(65536));
  notifier_.committed = &registry.counter("bellwether_notifications_committed_total",
                                          "Notifications committed to the store.");
  Database& db = parts_.db;
  registry.collect("bellwether_alerts", "Alerts in the store, by state.", MetricType::gauge, [&db] {
    std::map<std::string, std::int64_t> counts;
    for (AlertState state :
         {AlertState::armed, AlertState::triggered, AlertState::paused, AlertState::expired}) {
      counts[std::string(alert_state_name(state))] = 0;
    }
    try {
      for (const auto& [state, n] : count_alerts_by_state(db)) counts[state] = n;
    } catch (const std::exception&) {
      return Samples{};  // store unavailable: no samples rather than wrong zeros
    }
    Samples samples;
    for (const auto& [state, n] : counts) {
      samples.push_back({{{"state", state}}, static_cast<double>(n)});
    }
    return samples;
  });
  registry.collect("bellwether_deliveries_open",
                   "Deliveries waiting to be sent (the outbox), by channel type and status.",
                   MetricType::gauge, [&db] {
                     std::map<std::pair<std::string, std::string>, std::int64_t> counts;
                     for (const char* type : {"webhook", "email"}) {
                       for (const char* status : {"pending", "retrying"})
                         counts[{type, status}] = 0;
                     }
                     try {
                       for (const auto& [key, n] : count_open_deliveries(db)) counts[key] = n;
                     } catch (const std::exception&) {
                       return Samples{};  // store unavailable
                     }
                     Samples samples;
                     for (const auto& [key, n] : counts) {
                       samples.push_back({{{"channel_type", key.first}, {"status", key.second}},
                                          static_cast<double>(n)});
                     }
                     return samples;
                   });
}

std::function<void(const DeliveryAttemptReport&)> delivery_attempt_recorder(
    MetricsRegistry& registry) {
  struct ByType {
    std::map<DeliveryStatus, Counter*> attempts;
    Histogram* attempt_seconds = nullptr;
    Histogram* latency_seconds = nullptr;
  };
  // Commit-to-delivered spans retries: from 10 ms up to a day.
  const std::vector<double> latency_buckets{0.01, 0.05, 0.1, 0.25, 0.5,  1,    2.5,   5,
                                            10,   30,   60,  300,  1800, 7200, 21600, 86400};
  auto types = std::make_shared<std::map<std::string, ByType, std::less<>>>();
  for (const char* type : {"webhook", "email"}) {
    ByType& by = (*types)[type];
    for (DeliveryStatus status : {DeliveryStatus::delivered, DeliveryStatus::retrying,
                                  DeliveryStatus::failed, DeliveryStatus::dead}) {
      by.attempts[status] = &registry.counter(
          "bellwether_delivery_attempts_total",
          "Delivery attempts by channel type and the status they left the delivery in.",
          {{"channel_type", type}, {"status", std::string(delivery_status_name(status))}});
    }
    by.attempt_seconds =
        &registry.histogram("bellwether_delivery_attempt_seconds",
                            "Duration of one delivery attempt (HTTP request or SMTP session).",
                            latency_buckets, {{"channel_type", type}});
    by.latency_seconds = &registry.histogram(
        "bellwether_delivery_latency_seconds",
        "From a notification's commit to its successful delivery on a channel, retries included.",
        latency_buckets, {{"channel_type", type}});
  }
  return [types](const DeliveryAttemptReport& report) {
    auto it = types->find(report.channel_type);
    if (it == types->end()) return;
    if (auto counter = it->second.attempts.find(report.status);
        counter != it->second.attempts.end())
      counter->second->inc();
    it->second.attempt_seconds->observe(report.attempt_seconds);
    if (report.latency_seconds) it->second.latency_seconds->observe(*report.latency_seconds);
  };
}

void Observability::set_sources(std::vector<std::string> names) {
  std::lock_guard lock(sources_mutex_);
  parts_.sources = std::move(names);
}

Readiness Observability::readiness() const {
  if (!database_answers(parts_.db)) return {false, "store: the database does not answer"};
  if (!parts_.engine.running()) return {false, "engine: not running"};
  std::lock_guard lock(sources_mutex_);
  if (parts_.sources.empty()) return {true, ""};
  const TimestampMs now = parts_.clock.now_ms();
  for (const std::string& name : parts_.sources) {
    std::optional<SourceCounters> c = parts_.hub.counters(name);
    if (c && c->last_quote_ms != 0 && now - c->last_quote_ms <= parts_.source_stale_after.count()) {
      return {true, ""};
    }
  }
  return {false, "sources: none of " + std::to_string(parts_.sources.size()) +
                     " delivered a quote in the last " +
                     std::to_string(parts_.source_stale_after.count() / 1000) + " s"};
}

}  // namespace bw
