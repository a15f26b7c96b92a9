// Parse + validate + normalise throughput per tick format, one core: the
// work a replay file or a tcp_ndjson connection does per line before the hub.
//
//   build/bench/bw_bench --benchmark_filter=Ingest
//
// Each benchmark runs over 65 536 pre-built lines of 1 000 symbols with
// rising event times; the normaliser's ordering state is reset once per pass
// (one insert per symbol, then look-ups), so every line is accepted.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "ingest/quote_normalizer.hpp"
#include "ingest/tick_parsers.hpp"

namespace {

using namespace bw;

constexpr int kLines = 65536;
constexpr int kSymbols = 1000;
constexpr TimestampMs kStart = 1'764'169'200'000;

std::string symbol(int i) {
  static const char* stems[] = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "JPM"};
  return std::string(stems[i % 8]) + std::to_string(i / 8);
}

std::vector<std::string> ndjson_lines() {
  std::vector<std::string> out;
  char buf[256];
  for (int i = 0; i < kLines; ++i) {
    std::snprintf(buf, sizeof buf,
                  R"({"symbol":"%s","price":%.2f,"volume":%d,"ts":%lld,"bid":%.2f,"ask":%.2f})",
                  symbol(i % kSymbols).c_str(), 100 + (i % 997) * 0.01, 100 + i % 50,
                  static_cast<long long>(kStart + i), 99.99 + (i % 997) * 0.01,
                  100.01 + (i % 997) * 0.01);
    out.emplace_back(buf);
  }
  return out;
}

std::vector<std::string> csv_lines() {
  std::vector<std::string> out;
  char buf[256];
  for (int i = 0; i < kLines; ++i) {
    std::snprintf(buf, sizeof buf, "%lld,%s,%.2f,%d,%.2f,%.2f", static_cast<long long>(kStart + i),
                  symbol(i % kSymbols).c_str(), 100 + (i % 997) * 0.01, 100 + i % 50,
                  99.99 + (i % 997) * 0.01, 100.01 + (i % 997) * 0.01);
    out.emplace_back(buf);
  }
  return out;
}

std::vector<std::string> databento_lines() {
  std::vector<std::string> out;
  char buf[256];
  for (int i = 0; i < kLines; ++i) {
    const long long ns = (kStart + i) * 1'000'000LL + 123'456;
    std::snprintf(buf, sizeof buf, "%lld,%lld,0,2,%d,T,N,0,%lld,%d,130,165200,%d,%s", ns, ns - 5000,
                  i % kSymbols, 100'000'000'000LL + (i % 997) * 10'000'000LL, 100 + i % 50, i,
                  symbol(i % kSymbols).c_str());
    out.emplace_back(buf);
  }
  return out;
}

template <typename Parse>
void run(benchmark::State& state, const std::vector<std::string>& lines, Parse parse) {
  SourceMonitor monitor("bench", "bench");
  QuoteNormalizer normalizer("bench", {}, monitor);
  const TimestampMs now = kStart + kLines + 1000;
  std::int64_t accepted = 0;
  for (auto _ : state) {
    normalizer.reset();
    for (const std::string& line : lines) {
      Result<RawQuote> raw = parse(line);
      if (!raw) continue;
      Result<Quote> quote = normalizer.normalize(*raw, now);
      accepted += quote.ok();
      benchmark::DoNotOptimize(quote);
    }
  }
  if (accepted != static_cast<std::int64_t>(state.iterations()) * kLines) {
    state.SkipWithError("a line was refused");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kLines);
}

void BM_IngestNdjson(benchmark::State& state) {
  static const std::vector<std::string> lines = ndjson_lines();
  run(state, lines, [](const std::string& line) -> Result<RawQuote> {
    Result<NdjsonQuote> q = parse_ndjson_quote(line);
    if (!q) return Error{q.error()};
    return std::move(q->quote);
  });
}
BENCHMARK(BM_IngestNdjson)->Unit(benchmark::kMillisecond);

void BM_IngestCsv(benchmark::State& state) {
  static const std::vector<std::string> lines = csv_lines();
  const CsvLayout layout = *csv_layout_for_columns(6);
  run(state, lines, [&layout](const std::string& line) { return parse_csv_row(line, layout); });
}
BENCHMARK(BM_IngestCsv)->Unit(benchmark::kMillisecond);

void BM_IngestDatabento(benchmark::State& state) {
  static const std::vector<std::string> lines = databento_lines();
  const DatabentoLayout layout = *databento_layout(
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,"
      "size,flags,ts_in_delta,sequence,symbol");
  run(state, lines,
      [&layout](const std::string& line) { return parse_databento_row(line, layout); });
}
BENCHMARK(BM_IngestDatabento)->Unit(benchmark::kMillisecond);

}  // namespace
