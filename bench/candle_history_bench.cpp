// CandleHistory benchmark (issue 6): the cost the chart history adds to every
// accepted quote (CandleHistory::record, one hub observer), and the cost of a
// GET /api/v1/quotes/{symbol}/bars read with full rings.
//
//   build/bench/bw_bench --benchmark_filter='Candle'
//
// Record: 2,000 symbols, quotes 250 ms apart per symbol (round-robin), so the
// rings fill and roll over. Bars: one symbol with 8 hours of 1-minute and 30
// minutes of 5-second bars, read at each interval (300 bars asked).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "ingest/candle_history.hpp"

namespace {

using namespace bw;

constexpr TimestampMs kStart = 1'764'000'000'000;

void BM_CandleRecord(benchmark::State& state) {
  const std::size_t symbols = static_cast<std::size_t>(state.range(0));
  std::vector<Symbol> names;
  for (std::size_t i = 0; i < symbols; ++i) {
    Symbol name = "S";
    name += std::to_string(i);  // not "S" + to_string: g++ 12 warns (-Wrestrict, a false positive)
    names.push_back(std::move(name));
  }
  CandleHistory history;
  std::size_t n = 0;
  for (auto _ : state) {
    const std::size_t i = n % symbols;
    const TimestampMs ts = kStart + static_cast<TimestampMs>(n / symbols) * 250;
    const Price price =
        Price::from_units(100'00000000 + static_cast<std::int64_t>(n % 977) * 1000000);
    history.record(Quote::trade(names[i], price, 10, ts));
    ++n;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(BM_CandleRecord)->Arg(1)->Arg(2000);

void BM_CandleBars(benchmark::State& state) {
  const auto interval = static_cast<CandleInterval>(state.range(0));
  CandleHistory history;
  // 8 hours of a quote every second: every ring full.
  for (TimestampMs t = 0; t < 8 * 3600; ++t) {
    history.record(Quote::trade("AAPL", Price::from_units(150'00000000 + (t % 300) * 1000000), 1,
                                kStart + t * 1000));
  }
  for (auto _ : state) {
    std::vector<Candle> bars = history.bars("AAPL", interval, 300);
    benchmark::DoNotOptimize(bars.data());
  }
  state.SetLabel(std::string(candle_interval_name(interval)));
}
BENCHMARK(BM_CandleBars)
    ->Arg(static_cast<int>(CandleInterval::five_seconds))
    ->Arg(static_cast<int>(CandleInterval::one_minute))
    ->Arg(static_cast<int>(CandleInterval::one_hour));

}  // namespace
