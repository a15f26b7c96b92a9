#include "metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <variant>

namespace bw {

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {
  if (!std::is_sorted(upper_bounds_.begin(), upper_bounds_.end())) {
    throw std::invalid_argument("histogram bounds must be sorted");
  }
}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < upper_bounds_.size() && value > upper_bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = upper_bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;  // from the buckets, so _count always equals the +Inf bucket
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> latency_buckets_seconds() {
  return {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,   0.05,     0.1,     0.25,   0.5,     1,      2.5,   5,      10};
}

std::vector<double> size_buckets(double max) {
  std::vector<double> bounds;
  for (double b = 1; b <= max; b *= 2) bounds.push_back(b);
  return bounds;
}

namespace {

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  // The shortest text that reads back as the same double ("0.1", not
  // "0.10000000000000001").
  char buffer[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v) break;
  }
  return buffer;
}

// Label values escape backslash, double quote and newline; HELP text escapes
// backslash and newline (text format 0.0.4).
std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string label_text(const Labels& labels, const char* extra_name = nullptr,
                       const std::string& extra_value = {}) {
  if (labels.empty() && !extra_name) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    out += (first ? "" : ",") + name + "=\"" + escape(value, true) + "\"";
    first = false;
  }
  if (extra_name) out += std::string(first ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  return out + "}";
}

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  MetricType type;
  using Owned =
      std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>>;
  std::vector<std::pair<Labels, Owned>> series;
  std::vector<std::function<Samples()>> collectors;

  template <typename T>
  T* find(const Labels& labels) {
    for (auto& [l, owned] : series) {
      if (l == labels) return std::get<std::unique_ptr<T>>(owned).get();
    }
    return nullptr;
  }

  void render(std::string& out) const {
    out += "# HELP " + name + " " + escape(help, false) + "\n";
    out += "# TYPE " + name + " " + type_name(type) + "\n";
    for (const auto& [labels, owned] : series) {
      if (auto* c = std::get_if<std::unique_ptr<Counter>>(&owned)) {
        out += name + label_text(labels) + " " + std::to_string((*c)->value()) + "\n";
      } else if (auto* g = std::get_if<std::unique_ptr<Gauge>>(&owned)) {
        out += name + label_text(labels) + " " + format_number((*g)->value()) + "\n";
      } else {
        render_histogram(out, labels, std::get<std::unique_ptr<Histogram>>(owned)->snapshot());
      }
    }
    for (const auto& read : collectors) {
      for (const Sample& sample : read()) {
        out += name + label_text(sample.labels) + " " + format_number(sample.value) + "\n";
      }
    }
  }

  void render_histogram(std::string& out, const Labels& labels,
                        const Histogram::Snapshot& s) const {
    for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
      const std::string le = i < s.upper_bounds.size() ? format_number(s.upper_bounds[i]) : "+Inf";
      out += name + "_bucket" + label_text(labels, "le", le) + " " +
             std::to_string(s.cumulative[i]) + "\n";
    }
    out += name + "_sum" + label_text(labels) + " " + format_number(s.sum) + "\n";
    out += name + "_count" + label_text(labels) + " " + std::to_string(s.count) + "\n";
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 MetricType type) {
  for (auto& f : families_) {
    if (f->name != name) continue;
    if (f->type != type) throw std::invalid_argument("metric " + name + " has another type");
    return *f;
  }
  families_.push_back(std::make_unique<Family>(Family{name, help, type, {}, {}}));
  return *families_.back();
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, Labels labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, MetricType::counter);
  if (Counter* existing = f.find<Counter>(labels)) return *existing;
  auto owned = std::make_unique<Counter>();
  Counter& ref = *owned;
  f.series.emplace_back(std::move(labels), std::move(owned));
  return ref;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, Labels labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, MetricType::gauge);
  if (Gauge* existing = f.find<Gauge>(labels)) return *existing;
  auto owned = std::make_unique<Gauge>();
  Gauge& ref = *owned;
  f.series.emplace_back(std::move(labels), std::move(owned));
  return ref;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<double> upper_bounds, Labels labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, MetricType::histogram);
  if (Histogram* existing = f.find<Histogram>(labels)) return *existing;
  auto owned = std::make_unique<Histogram>(std::move(upper_bounds));
  Histogram& ref = *owned;
  f.series.emplace_back(std::move(labels), std::move(owned));
  return ref;
}

void MetricsRegistry::collect(const std::string& name, const std::string& help, MetricType type,
                              std::function<Samples()> read) {
  if (type == MetricType::histogram) {
    throw std::invalid_argument("collected metrics are counters or gauges");
  }
  std::lock_guard lock(mutex_);
  family(name, help, type).collectors.push_back(std::move(read));
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace bw
