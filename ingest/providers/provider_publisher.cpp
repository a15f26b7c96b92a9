#include "ingest/providers/provider_publisher.hpp"

#include <vector>

namespace bw {

namespace {

// A bar's open/high/low on top of the accepted close; without them the quote
// keeps the single-trade shape. The parser checked l ≤ o, c ≤ h.
void apply_bar(const ProviderQuote& raw, Quote& quote) {
  if (!raw.high || !raw.low || !raw.open) return;
  auto high = Price::from_double(*raw.high);
  auto low = Price::from_double(*raw.low);
  auto open = Price::from_double(*raw.open);
  if (!high || !low || !open || low->units() <= 0) return;
  quote.high = *high;
  quote.low = *low;
  quote.open = *open;
}

}  // namespace

ProviderPublisher::ProviderPublisher(std::string source, NormalizerOptions options, QuoteSink& sink,
                                     SourceMonitor& monitor, const Clock& clock)
    : source_(std::move(source)),
      normalizer_(source_, std::move(options), monitor),
      sink_(sink),
      clock_(clock) {}

std::size_t ProviderPublisher::publish(const ProviderFrame& frame) {
  if (frame.rejected.empty() && frame.quotes.empty()) return 0;
  const TimestampMs now = clock_.now_ms();
  for (const std::string& reason : frame.rejected) normalizer_.reject(reason, {}, now);
  // A frame's quotes reach the sink as one batch (one engine-queue lock).
  std::vector<Quote> accepted;
  accepted.reserve(frame.quotes.size());
  for (const ProviderQuote& raw : frame.quotes) {
    Result<Quote> quote = normalizer_.normalize(raw.raw, now, raw.sequence);
    if (!quote) continue;  // counted and logged by the normaliser
    apply_bar(raw, *quote);
    accepted.push_back(std::move(*quote));
  }
  if (accepted.empty()) return 0;
  return accepted.size() - sink_.publish_batch(accepted, source_).size();
}

bool ProviderPublisher::publish_one(const ProviderQuote& raw, TimestampMs now) {
  Result<Quote> quote = normalizer_.normalize(raw.raw, now, raw.sequence);
  if (!quote) return false;  // counted and logged by the normaliser
  apply_bar(raw, *quote);
  return sink_.publish(*quote, source_);
}

void ProviderPublisher::frame_error(std::string_view reason) {
  normalizer_.reject(reason, {}, clock_.now_ms());
}

}  // namespace bw
