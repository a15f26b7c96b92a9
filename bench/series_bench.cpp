// Series-condition benchmark (issue 3): the per-quote cost of volume spikes
// and indicator alerts (SMA/EMA crossings, RSI on bars built from ticks).
// 1,000 symbols, a Zipf-distributed quote stream (a random walk per symbol,
// 10 ms of event time between quotes, so 1m bars of popular symbols roll
// often), and 1k / 10k / 100k alerts Zipf-distributed over the symbols, each
// one of 7 types with an interval from {1m, 5m, 1h}, a period from {9, 14,
// 20, 50, 200} (spikes: 1m or 5m over 1h), every_time with a 1m cooldown.
// Alerts with the same (symbol, kind, interval, period) share one series, so
// the cost grows with the distinct series of a symbol plus its alerts.
//
//   build/bench/bw_bench --benchmark_filter='Series' --benchmark_counters_tabular=true
//
// Counters: items_per_second = quotes/s; series = distinct series in the
// engine; bytes_per_alert = heap growth while arming, over the alert count
// (series buffers fill later as bars close: bytes_after_run is the growth at
// the end); fires_per_s.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "rules/engine.hpp"

namespace {

using namespace bw;

constexpr std::size_t kSeriesSymbols = 1'000;
constexpr std::size_t kSeriesQuotes = 1 << 20;

std::vector<double> zipf_cdf(std::size_t n) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) cdf[i] = sum += 1.0 / double(i + 1);
  for (double& c : cdf) c /= sum;
  return cdf;
}

std::size_t sample(const std::vector<double>& cdf, std::mt19937_64& rng) {
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  return std::min<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin(),
                               cdf.size() - 1);
}

Condition series_condition(std::mt19937_64& rng) {
  constexpr std::array<DurationMs, 3> kIntervals{60'000, 300'000, 3'600'000};
  constexpr std::array<int, 5> kPeriods{9, 14, 20, 50, 200};
  const auto type = static_cast<ConditionType>(static_cast<int>(ConditionType::volume_spike) +
                                               static_cast<int>(rng() % 7));
  Condition c{type, Price{}};
  if (type == ConditionType::volume_spike) {
    c.price = Price::from_units(3 * Price::kScale);
    c.window_ms = rng() % 2 ? 60'000 : 300'000;
    c.baseline_ms = 3'600'000;
    return c;
  }
  c.interval_ms = kIntervals[rng() % kIntervals.size()];
  c.period = kPeriods[rng() % kPeriods.size()];
  if (is_rsi(type))
    c.price = Price::from_units((type == ConditionType::rsi_above ? 70 : 30) * Price::kScale);
  return c;
}

struct SeriesWorkload {
  std::vector<Alert> alerts;
  std::vector<Quote> quotes;
  std::size_t series = 0;
};

const SeriesWorkload& series_workload(std::size_t alert_count) {
  static std::map<std::size_t, std::unique_ptr<SeriesWorkload>> cache;
  auto& slot = cache[alert_count];
  if (slot) return *slot;
  slot = std::make_unique<SeriesWorkload>();
  std::mt19937_64 rng(7);
  const std::vector<double> cdf = zipf_cdf(kSeriesSymbols);
  std::vector<Symbol> symbols;
  std::vector<Price> price;
  for (std::size_t i = 0; i < kSeriesSymbols; ++i) {
    symbols.push_back(std::string("S").append(std::to_string(i)));
    price.push_back(Price::from_units(static_cast<std::int64_t>(10 + rng() % 490) * Price::kScale));
  }
  std::set<std::pair<std::size_t, std::string>> distinct;
  for (std::size_t i = 0; i < alert_count; ++i) {
    const std::size_t s = sample(cdf, rng);
    Alert alert;
    alert.id = static_cast<AlertId>(i + 1);
    alert.user_id = 1;
    alert.symbol = symbols[s];
    alert.condition = series_condition(rng);
    alert.trigger.mode = TriggerMode::every_time;
    alert.trigger.interval_ms = 60'000;
    std::vector<SeriesKey> keys;
    collect_series(alert.condition, keys);
    distinct.emplace(s, format_series_key(keys.front()));
    slot->alerts.push_back(std::move(alert));
  }
  slot->series = distinct.size();
  TimestampMs ts = 1'764'169'200'000;
  slot->quotes.reserve(kSeriesQuotes);
  for (std::size_t i = 0; i < kSeriesQuotes; ++i) {
    const std::size_t s = sample(cdf, rng);
    const std::int64_t step = static_cast<std::int64_t>(
        std::uniform_real_distribution<double>(-0.001, 0.001)(rng) * double(price[s].units()));
    price[s] = Price::from_units(std::max<std::int64_t>(Price::kScale, price[s].units() + step));
    slot->quotes.push_back(
        Quote::trade(symbols[s], price[s], static_cast<std::int64_t>(1 + rng() % 500), ts += 10));
  }
  return *slot;
}

std::size_t heap_now() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// The same alert judged one by one: a one-term any_of stays on the engine's
// per-alert path, which every series alert took before rules/series_index.
Alert judged_one_by_one(Alert alert) {
  Condition wrapper{ConditionType::any_of, Price{}};
  wrapper.terms.push_back(std::move(alert.condition));
  alert.condition = std::move(wrapper);
  return alert;
}

void run_series_engine(benchmark::State& state, bool grouped) {
  const std::size_t alert_count = static_cast<std::size_t>(state.range(0));
  const SeriesWorkload& w = series_workload(alert_count);
  const std::size_t before = heap_now();
  auto engine = std::make_unique<Engine>();
  for (const Alert& alert : w.alerts) (void)engine->add(grouped ? alert : judged_one_by_one(alert));
  const std::size_t armed = heap_now();
  std::vector<Fire> fires;
  fires.reserve(4096);
  std::size_t next = 0;
  std::int64_t fired = 0;
  for (auto _ : state) {
    fires.clear();
    engine->on_quote(w.quotes[next], fires);
    fired += static_cast<std::int64_t>(fires.size());
    if (++next == w.quotes.size()) next = 0;  // time steps back: counts in the open bars
  }
  state.SetItemsProcessed(state.iterations());
  const std::size_t after = heap_now();
  state.counters["series"] = static_cast<double>(w.series);
  state.counters["fires_per_s"] =
      benchmark::Counter(static_cast<double>(fired), benchmark::Counter::kIsRate);
  state.counters["bytes_per_alert"] =
      static_cast<double>(armed > before ? armed - before : 0) / static_cast<double>(alert_count);
  state.counters["bytes_after_run"] =
      static_cast<double>(after > before ? after - before : 0) / static_cast<double>(alert_count);
}

// Series alerts grouped per (type, series key) in the SeriesIndex.
void BM_SeriesEngine(benchmark::State& state) {
  run_series_engine(state, true);
}

// Every alert judged on every quote of its symbol (the path before the
// SeriesIndex, kept for compounds): the same run's baseline.
void BM_SeriesEngineOneByOne(benchmark::State& state) {
  run_series_engine(state, false);
}

}  // namespace

BENCHMARK(BM_SeriesEngine)->Arg(1'000)->Arg(10'000)->Arg(100'000)->MinTime(1.0);
BENCHMARK(BM_SeriesEngineOneByOne)->Arg(1'000)->Arg(10'000)->Arg(100'000)->MinTime(1.0);
