// Metrics: counters, gauges and histograms for the Prometheus text format
// (version 0.0.4), and the registry that names them and renders /metrics.
//
//   MetricsRegistry registry;
//   Counter& fires = registry.counter("bellwether_alert_fires_total", "Alerts fired.");
//   fires.inc();                                    // relaxed atomic: fine on hot paths
//   registry.collect("bellwether_sse_clients", "Open SSE streams.", MetricType::gauge,
//                    [&] { return Samples{{{}, double(sse.client_count())}}; });
//   std::string text = registry.render();
//
// Counter, Gauge and Histogram are lock-free (relaxed atomics): updating one
// never blocks. The registry hands out references that stay valid for its
// lifetime; registering, collecting and rendering take its mutex (start-up and
// scrape time only). The registry is safe for concurrent access from multiple
// threads without external synchronization.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace bw {

// Label pairs in the order they are rendered, e.g. {{"source", "sim"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { counter, gauge, histogram };

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Fixed upper bounds chosen at construction; observe() finds the bucket by a
// linear scan (buckets are few) and bumps two atomics and the sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf last
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // size bounds + 1 (+Inf)
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 10 µs to 10 s.
std::vector<double> latency_buckets_seconds();
// Powers of two from 1 to `max`.
std::vector<double> size_buckets(double max);

struct Sample {
  Labels labels;
  double value = 0;
};
using Samples = std::vector<Sample>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Get-or-create: the same name and labels return the same object. Throws
  // std::invalid_argument when `name` exists with another type.
  Counter& counter(const std::string& name, const std::string& help, Labels labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, Labels labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<double> upper_bounds, Labels labels = {});
  // Values read at scrape time (e.g. a queue's depth, rows in the store).
  // `read` runs under the registry's mutex and must not call back into it.
  void collect(const std::string& name, const std::string& help, MetricType type,
               std::function<Samples()> read);

  // The whole registry in the Prometheus text format, families in
  // registration order.
  std::string render() const;

 private:
  struct Family;
  Family& family(const std::string& name, const std::string& help, MetricType type);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;  // guarded by mutex_
};

// The Content-Type of render()'s output.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace bw
