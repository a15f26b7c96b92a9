// Cost of the metrics on the quote path: a relaxed counter add, a histogram
// observation, and IngestHub::publish for a source registered at start
// (lock-free counters) versus one first seen at publish time (mutex).
#include <benchmark/benchmark.h>

#include <chrono>

#include "ingest/ingest_hub.hpp"
#include "metrics/metrics.hpp"

namespace {

using namespace std::chrono_literals;

void BM_CounterInc(benchmark::State& state) {
  static bw::MetricsRegistry registry;
  bw::Counter& counter = registry.counter("bench_total", "bench");
  for (auto _ : state) counter.inc();
  benchmark::DoNotOptimize(counter.value());
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
  static bw::MetricsRegistry registry;
  bw::Histogram& histogram =
      registry.histogram("bench_seconds", "bench", bw::latency_buckets_seconds());
  double value = 0.000003;
  for (auto _ : state) {
    histogram.observe(value);
    value = value < 1 ? value * 1.7 : 0.000003;  // walk the buckets
  }
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

// Publishes into a queue that a consumer never drains: every quote after the
// first merges into the pending one (the conflation path under load).
void publish_loop(benchmark::State& state, bool registered) {
  bw::EngineQueue queue(1024);
  bw::IngestHub hub(queue, 0ms);
  if (registered) hub.register_source("sim");
  bw::Quote quote = bw::Quote::trade("AAPL", *bw::Price::parse("150.25"), 100, 1);
  for (auto _ : state) {
    ++quote.ts_ms;
    benchmark::DoNotOptimize(hub.publish(quote, "sim"));
  }
}

void BM_PublishRegisteredSource(benchmark::State& state) {
  publish_loop(state, true);
}
BENCHMARK(BM_PublishRegisteredSource);

void BM_PublishUnregisteredSource(benchmark::State& state) {
  publish_loop(state, false);
}
BENCHMARK(BM_PublishUnregisteredSource);

}  // namespace
