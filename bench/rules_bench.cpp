// Rule-engine benchmark (issue 3): 10,000 symbols, a Zipf-distributed quote
// stream (a random walk per symbol), and 1k / 100k / 1M alerts of mixed price
// and channel types, also Zipf-distributed over symbols. The indexed
// bw::Engine and the naive evaluator (every alert of the symbol checked,
// tests/support/naive_evaluator.hpp) run the same workload in the same binary.
//
//   build/bench/bw_bench --benchmark_filter='Rules' --benchmark_counters_tabular=true
//
// Counters: items_per_second = quotes/s; fires_per_s; p50_ns / p99_ns per
// quote (a separate pass timing each quote with steady_clock, so they include
// ~20 ns of timer overhead); bytes_per_alert = heap growth (glibc mallinfo2)
// while the engine is filled, divided by the alert count; fire_pct = share of
// quotes that fired at least one alert.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "rules/engine.hpp"
#include "tests/support/naive_evaluator.hpp"

namespace {

using namespace bw;

constexpr std::size_t kSymbols = 10'000;
constexpr std::size_t kQuotes = 1 << 20;
constexpr double kZipfExponent = 1.0;

// Samples 0..n-1 with P(i) proportional to 1 / (i + 1)^s.
class Zipf {
 public:
  explicit Zipf(std::size_t n) : cdf_(n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
      cdf_[i] = sum += 1.0 / std::pow(double(i + 1), kZipfExponent);
    for (double& c : cdf_) c /= sum;
  }
  std::size_t operator()(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::min<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin(),
                                 cdf_.size() - 1);
  }

 private:
  std::vector<double> cdf_;
};

struct Workload {
  std::vector<Alert> alerts;
  std::vector<Quote> quotes;
};

Price scaled(Price p, double factor) {
  return Price::from_units(static_cast<std::int64_t>(static_cast<double>(p.units()) * factor));
}

// Alerts sit 2 % to 50 % away from the symbol's start price, so that under
// 1 % of quotes fire; 30 % of the line types are `every_time` (1m cooldown,
// 1 % rearm band) so repeating alerts stay in the index; the rest are `once`.
Alert make_alert(AlertId id, const Symbol& symbol, Price start, std::mt19937_64& rng) {
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  Alert alert;
  alert.id = id;
  alert.user_id = id % 1000;
  alert.symbol = symbol;
  const int kind = static_cast<int>(rng() % 8);
  const double away = uniform(0.02, 0.5);
  const bool up = rng() % 2 == 0;
  Condition& c = alert.condition;
  switch (kind) {
    case 0:
      c = {ConditionType::above, scaled(start, 1 + away)};
      break;
    case 1:
      c = {ConditionType::below, scaled(start, 1 - away)};
      break;
    case 2:
      c = {ConditionType::crossing, scaled(start, up ? 1 + away : 1 - away)};
      break;
    case 3:
      c = {ConditionType::crossing_up, scaled(start, 1 + away)};
      break;
    case 4:
      c = {ConditionType::crossing_down, scaled(start, 1 - away)};
      break;
    case 5: {  // a channel away from the price
      const Price lower = scaled(start, up ? 1 + away : 1 - away - 0.1);
      c = {ConditionType::entering_channel, lower, scaled(lower, 1 + uniform(0.01, 0.1))};
      break;
    }
    case 6:
      c = {ConditionType::exiting_channel, scaled(start, 1 - away), scaled(start, 1 + away)};
      break;
    default:
      c = {ConditionType::outside_channel, scaled(start, 1 - away), scaled(start, 1 + away)};
      break;
  }
  if (!is_channel(c.type) && rng() % 10 < 3) {
    alert.trigger.mode = TriggerMode::every_time;
    alert.trigger.interval_ms = 60'000;
    alert.trigger.rearm = RearmBand::by_percent(*Price::parse("1"));
  }
  return alert;
}

const Workload& workload(std::size_t alert_count) {
  static std::map<std::size_t, std::unique_ptr<Workload>> cache;
  auto& slot = cache[alert_count];
  if (slot) return *slot;
  slot = std::make_unique<Workload>();
  std::mt19937_64 rng(42);
  Zipf zipf(kSymbols);
  std::vector<Symbol> symbols;
  std::vector<Price> price;
  for (std::size_t i = 0; i < kSymbols; ++i) {
    symbols.push_back(std::string("S").append(std::to_string(i)));
    price.push_back(Price::from_units(static_cast<std::int64_t>(10 + rng() % 490) * Price::kScale));
  }
  for (std::size_t i = 0; i < alert_count; ++i) {
    const std::size_t s = zipf(rng);
    slot->alerts.push_back(make_alert(static_cast<AlertId>(i + 1), symbols[s], price[s], rng));
  }
  // Random walk: each quote moves its symbol by up to +-0.1 %.
  TimestampMs ts = 1'764'169'200'000;
  slot->quotes.reserve(kQuotes);
  for (std::size_t i = 0; i < kQuotes; ++i) {
    const std::size_t s = zipf(rng);
    const std::int64_t step = static_cast<std::int64_t>(
        std::uniform_real_distribution<double>(-0.001, 0.001)(rng) * double(price[s].units()));
    price[s] = Price::from_units(std::max<std::int64_t>(Price::kScale, price[s].units() + step));
    slot->quotes.push_back(Quote::trade(symbols[s], price[s], 100, ts += 1));
  }
  return *slot;
}

std::size_t heap_in_use() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

template <typename Evaluator>
void run(benchmark::State& state) {
  const std::size_t alert_count = static_cast<std::size_t>(state.range(0));
  const Workload& w = workload(alert_count);
  const std::size_t before = heap_in_use();
  auto evaluator = std::make_unique<Evaluator>();
  for (const Alert& alert : w.alerts) (void)evaluator->add(alert);
  const std::size_t after = heap_in_use();

  std::vector<Fire> fires;
  fires.reserve(1024);
  std::size_t next = 0;
  std::int64_t fired = 0;
  std::int64_t quotes_that_fired = 0;
  for (auto _ : state) {
    fires.clear();
    evaluator->on_quote(w.quotes[next], fires);
    fired += static_cast<std::int64_t>(fires.size());
    quotes_that_fired += fires.empty() ? 0 : 1;
    if (++next == w.quotes.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());

  // Latency pass: time single quotes, continuing the stream.
  std::vector<std::int64_t> ns;
  const std::size_t samples =
      std::min<std::size_t>(200'000, std::max<std::size_t>(state.iterations(), 1000));
  ns.reserve(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    fires.clear();
    const auto t0 = std::chrono::steady_clock::now();
    evaluator->on_quote(w.quotes[next], fires);
    const auto t1 = std::chrono::steady_clock::now();
    ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    if (++next == w.quotes.size()) next = 0;
  }
  std::sort(ns.begin(), ns.end());
  state.counters["p50_ns"] = static_cast<double>(ns[ns.size() / 2]);
  state.counters["p99_ns"] = static_cast<double>(ns[ns.size() * 99 / 100]);
  state.counters["fires_per_s"] =
      benchmark::Counter(static_cast<double>(fired), benchmark::Counter::kIsRate);
  state.counters["fire_pct"] =
      100.0 * static_cast<double>(quotes_that_fired) / static_cast<double>(state.iterations());
  state.counters["bytes_per_alert"] =
      static_cast<double>(after > before ? after - before : 0) / static_cast<double>(alert_count);
  state.counters["alerts_left"] = static_cast<double>(evaluator->alert_count());
}

// Memory only: `n` plain price alerts (above, below, crossing, crossing_up,
// crossing_down; trigger `once`, no expiry), the issue's "bytes per price
// alert" target, Zipf over the same 10,000 symbols. The alerts are built
// before the first heap reading, so only the engine's growth is counted.
void BM_RulesEngineMemoryPriceAlerts(benchmark::State& state) {
  const std::size_t alert_count = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 rng(7);
  Zipf zipf(kSymbols);
  std::vector<Alert> alerts;
  alerts.reserve(alert_count);
  for (std::size_t i = 0; i < alert_count; ++i) {
    const std::size_t s = zipf(rng);
    const Price start = Price::from_units(static_cast<std::int64_t>(10 + s % 490) * Price::kScale);
    Alert alert;
    alert.id = static_cast<AlertId>(i + 1);
    alert.user_id = static_cast<UserId>(i % 1000);
    alert.symbol = std::string("S").append(std::to_string(s));
    const double away = std::uniform_real_distribution<double>(0.02, 0.5)(rng);
    const auto type = static_cast<ConditionType>(rng() % 5);
    const bool up = type == ConditionType::above || type == ConditionType::crossing_up ||
                    (type == ConditionType::crossing && rng() % 2 == 0);
    alert.condition = {type, scaled(start, up ? 1 + away : 1 - away)};
    alerts.push_back(std::move(alert));
  }
  const std::size_t before = heap_in_use();
  auto engine = std::make_unique<Engine>();
  for (const Alert& alert : alerts) (void)engine->add(alert);
  const std::size_t after = heap_in_use();
  for (auto _ : state) benchmark::DoNotOptimize(engine->alert_count());
  state.counters["bytes_per_alert"] =
      static_cast<double>(after > before ? after - before : 0) / static_cast<double>(alert_count);
  state.counters["alerts_left"] = static_cast<double>(engine->alert_count());
}

void BM_RulesIndexedEngine(benchmark::State& state) {
  run<Engine>(state);
}
void BM_RulesNaiveEvaluator(benchmark::State& state) {
  run<bw::testing::NaiveEvaluator>(state);
}

}  // namespace

BENCHMARK(BM_RulesIndexedEngine)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->MinTime(1.0);
BENCHMARK(BM_RulesEngineMemoryPriceAlerts)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Iterations(1);
BENCHMARK(BM_RulesNaiveEvaluator)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->MinTime(1.0);
