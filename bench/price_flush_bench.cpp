// The last-price flush (app/price_flusher): PriceRepository::save of one
// 64-row chunk, the unit the flusher writes per transaction, for symbols
// already in the table (every row an update, as in steady state), with a
// session day. Items are rows. Run: build/bench/bw_bench --benchmark_filter=PriceSave
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "store/price_repository.hpp"
#include "tests/support/temp_database.hpp"

namespace {

using namespace bw;

constexpr std::size_t kSymbols = 1000;
constexpr std::size_t kChunk = 64;

LastPrice price_of(std::size_t symbol, std::int64_t tick) {
  Symbol name = "SYM";
  name += std::to_string(symbol);
  LastPrice p{std::move(name), Price::from_units(100 * Price::kScale + tick),
              1'764'169'200'000 + tick};
  p.day = DayState{20'419, p.price, Price::from_units(99 * Price::kScale), 1'000 + tick};
  return p;
}

void PriceSave_Chunk(benchmark::State& state) {
  testing::TempDatabase temp;
  PriceRepository prices(temp.db());
  std::vector<LastPrice> all;
  for (std::size_t i = 0; i < kSymbols; ++i) all.push_back(price_of(i, 0));
  prices.save(all);
  std::int64_t tick = 0;
  std::size_t next = 0;
  for (auto _ : state) {
    std::vector<LastPrice> chunk;
    chunk.reserve(kChunk);
    ++tick;
    for (std::size_t i = 0; i < kChunk; ++i) chunk.push_back(price_of((next + i) % kSymbols, tick));
    next = (next + kChunk) % kSymbols;
    prices.save(chunk);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kChunk));
}
BENCHMARK(PriceSave_Chunk)->Unit(benchmark::kMicrosecond);

}  // namespace
