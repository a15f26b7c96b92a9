// Parse throughput of the provider frames (Finnhub, Alpaca v2, Polygon):
// the pure parser alone, and parse + normalise (the source's QuoteNormalizer:
// aliases lookup, validation, the per-symbol state under its mutex — what a
// WebSocket source does per frame before the sink). The same frame is parsed
// over and over, so the duplicate and out-of-order checks are switched off
// (they would refuse every repeat); their cost is one map lookup per quote.
// Items are quotes; the argument is the number of trades batched in one frame
// (1: one trade per frame, the worst case).
#include <benchmark/benchmark.h>

#include <string>

#include "ingest/providers/alpaca_frames.hpp"
#include "ingest/providers/finnhub_frames.hpp"
#include "ingest/providers/polygon_frames.hpp"
#include "ingest/quote_normalizer.hpp"

namespace {

const char* const kSymbols[] = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "AMD"};
constexpr bw::TimestampMs kNow = 1'764'169'200'000;

std::string finnhub_frame(int trades) {
  std::string out = R"({"type":"trade","data":[)";
  for (int i = 0; i < trades; ++i) {
    if (i) out += ',';
    out += R"({"s":")" + std::string(kSymbols[i % 8]) + R"(","p":)" + std::to_string(150 + i % 7) +
           ".25" + R"(,"t":)" + std::to_string(kNow + i) + R"(,"v":100,"c":["1","12"]})";
  }
  return out + "]}";
}

std::string alpaca_frame(int trades) {
  std::string out = "[";
  for (int i = 0; i < trades; ++i) {
    if (i) out += ',';
    out += R"({"T":"t","S":")" + std::string(kSymbols[i % 8]) + R"(","i":96921,"x":"D","p":)" +
           std::to_string(150 + i % 7) +
           R"(.55,"s":100,"t":"2025-11-26T15:00:00.208123456Z","c":["@","I"],"z":"C"})";
  }
  return out + "]";
}

std::string polygon_frame(int trades) {
  std::string out = "[";
  for (int i = 0; i < trades; ++i) {
    if (i) out += ',';
    out += R"({"ev":"T","sym":")" + std::string(kSymbols[i % 8]) +
           R"(","x":4,"i":"12345","z":3,"p":)" + std::to_string(150 + i % 7) +
           R"(.125,"s":100,"c":[0,12],"t":)" + std::to_string(kNow + i) + R"(,"q":)" +
           std::to_string(3681328 + 7 * i) + "}";
  }
  return out + "]";
}

template <bw::Status (*Parse)(std::string_view, bw::ProviderFrame&)>
void run(benchmark::State& state, const std::string& frame, bool validate) {
  bw::ProviderFrame parsed;
  bw::SourceMonitor monitor("bench", "bench");
  bw::NormalizerOptions options;
  options.drop_duplicates = false;
  options.drop_out_of_order = false;
  bw::QuoteNormalizer normalizer("bench", options, monitor);
  std::int64_t quotes = 0;
  for (auto _ : state) {
    parsed.clear();
    bw::Status ok = Parse(frame, parsed);
    benchmark::DoNotOptimize(ok);
    if (validate) {
      for (const bw::ProviderQuote& q : parsed.quotes) {
        auto quote = normalizer.normalize(q.raw, kNow + 1000, q.sequence);
        benchmark::DoNotOptimize(quote);
      }
    }
    quotes += static_cast<std::int64_t>(parsed.quotes.size());
  }
  state.SetItemsProcessed(quotes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
}

void BM_FinnhubParse(benchmark::State& state) {
  run<bw::parse_finnhub_frame>(state, finnhub_frame(static_cast<int>(state.range(0))), false);
}
void BM_FinnhubParseNormalize(benchmark::State& state) {
  run<bw::parse_finnhub_frame>(state, finnhub_frame(static_cast<int>(state.range(0))), true);
}
void BM_AlpacaParse(benchmark::State& state) {
  run<bw::parse_alpaca_frame>(state, alpaca_frame(static_cast<int>(state.range(0))), false);
}
void BM_AlpacaParseNormalize(benchmark::State& state) {
  run<bw::parse_alpaca_frame>(state, alpaca_frame(static_cast<int>(state.range(0))), true);
}
void BM_PolygonParse(benchmark::State& state) {
  run<bw::parse_polygon_frame>(state, polygon_frame(static_cast<int>(state.range(0))), false);
}
void BM_PolygonParseNormalize(benchmark::State& state) {
  run<bw::parse_polygon_frame>(state, polygon_frame(static_cast<int>(state.range(0))), true);
}

BENCHMARK(BM_FinnhubParse)->Arg(1)->Arg(50);
BENCHMARK(BM_FinnhubParseNormalize)->Arg(1)->Arg(50);
BENCHMARK(BM_AlpacaParse)->Arg(1)->Arg(50);
BENCHMARK(BM_AlpacaParseNormalize)->Arg(1)->Arg(50);
BENCHMARK(BM_PolygonParse)->Arg(1)->Arg(50);
BENCHMARK(BM_PolygonParseNormalize)->Arg(1)->Arg(50);

}  // namespace
