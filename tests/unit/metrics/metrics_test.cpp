// Specification of the metrics registry and its Prometheus text rendering.
#include "metrics/metrics.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using namespace bw;

TEST_CASE("a counter renders with HELP and TYPE lines", "[metrics]") {
  MetricsRegistry registry;
  registry.counter("bw_fires_total", "Alert fires.").inc(3);
  CHECK(registry.render() ==
        "# HELP bw_fires_total Alert fires.\n"
        "# TYPE bw_fires_total counter\n"
        "bw_fires_total 3\n");
}

TEST_CASE("the same name and labels return the same counter", "[metrics]") {
  MetricsRegistry registry;
  Counter& a = registry.counter("bw_x_total", "x", {{"source", "sim"}});
  Counter& b = registry.counter("bw_x_total", "x", {{"source", "sim"}});
  Counter& c = registry.counter("bw_x_total", "x", {{"source", "push"}});
  CHECK(&a == &b);
  CHECK(&a != &c);
}

TEST_CASE("a name registered with another type is refused", "[metrics]") {
  MetricsRegistry registry;
  registry.counter("bw_x", "x");
  CHECK_THROWS_AS(registry.gauge("bw_x", "x"), std::invalid_argument);
}

TEST_CASE("label values are escaped", "[metrics]") {
  MetricsRegistry registry;
  registry.gauge("bw_g", "g", {{"path", "a\"b\\c\nd"}}).set(1.5);
  CHECK(registry.render().find("bw_g{path=\"a\\\"b\\\\c\\nd\"} 1.5\n") != std::string::npos);
}

TEST_CASE("a histogram renders cumulative buckets, +Inf, sum and count", "[metrics]") {
  MetricsRegistry registry;
  Histogram& h = registry.histogram("bw_latency_seconds", "Latency.", {0.1, 1}, {{"op", "x"}});
  h.observe(0.05);
  h.observe(0.1);  // on the bound: in that bucket (le is inclusive)
  h.observe(0.5);
  h.observe(7);
  CHECK(registry.render() ==
        "# HELP bw_latency_seconds Latency.\n"
        "# TYPE bw_latency_seconds histogram\n"
        "bw_latency_seconds_bucket{op=\"x\",le=\"0.1\"} 2\n"
        "bw_latency_seconds_bucket{op=\"x\",le=\"1\"} 3\n"
        "bw_latency_seconds_bucket{op=\"x\",le=\"+Inf\"} 4\n"
        "bw_latency_seconds_sum{op=\"x\"} 7.65\n"
        "bw_latency_seconds_count{op=\"x\"} 4\n");
}

TEST_CASE("collected values are read at render time", "[metrics]") {
  MetricsRegistry registry;
  int depth = 1;
  registry.collect("bw_depth", "Depth.", MetricType::gauge, [&] {
    return Samples{{{{"queue", "engine"}}, static_cast<double>(depth)}};
  });
  depth = 42;
  CHECK(registry.render().find("bw_depth{queue=\"engine\"} 42\n") != std::string::npos);
}

TEST_CASE("counters lose no increments under concurrent updates", "[metrics]") {
  MetricsRegistry registry;
  Counter& counter = registry.counter("bw_c_total", "c");
  Histogram& histogram = registry.histogram("bw_h", "h", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.inc();
        histogram.observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.value() == 40000);
  Histogram::Snapshot snapshot = histogram.snapshot();
  CHECK(snapshot.count == 40000);
  CHECK(snapshot.sum == 20000.0);
}

TEST_CASE("size buckets are powers of two up to the maximum", "[metrics]") {
  CHECK(size_buckets(8) == std::vector<double>{1, 2, 4, 8});
}
