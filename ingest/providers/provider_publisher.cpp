#include "ingest/providers/provider_publisher.hpp"

#include "log/module_logger.hpp"

namespace bw {

namespace {

// A bar's open/high/low on top of the validated close; nullopt fields keep
// the single-trade shape. Bars were checked (l ≤ o, c ≤ h) by the parser.
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

ProviderPublisher::ProviderPublisher(std::string source, QuoteSink& sink, SourceMonitor& monitor,
                                     const Clock& clock)
    : source_(std::move(source)), sink_(sink), monitor_(monitor), clock_(clock) {}

std::size_t ProviderPublisher::publish(const ProviderFrame& frame) {
  for (const std::string& reason : frame.rejected) reject(reason);
  if (frame.quotes.empty()) return 0;
  const TimestampMs now = clock_.now_ms();
  std::size_t published = 0;
  for (const ProviderQuote& quote : frame.quotes) published += publish_one(quote, now) ? 1 : 0;
  return published;
}

bool ProviderPublisher::publish_one(const ProviderQuote& raw, TimestampMs now) {
  // The normaliser call: swap validate_quote for the per-source normaliser here.
  Result<Quote> quote = validate_quote(raw.raw, now);
  if (!quote) {
    reject(quote.error());
    return false;
  }
  apply_bar(raw, *quote);
  return sink_.publish(*quote, source_);
}

void ProviderPublisher::frame_error(std::string_view reason) {
  reject(reason);
}

void ProviderPublisher::reject(std::string_view reason) {
  monitor_.rejected(reason);
  // At most kLogsPerWindow lines a minute: a broken feed must not flood the log.
  const TimestampMs now = clock_.now_ms();
  if (now - log_window_start_ >= kLogWindowMs) {
    if (suppressed_ > 0) {
      module_logger("ingest")->warn("source {}: {} more rejected items not logged", source_,
                                    suppressed_);
    }
    log_window_start_ = now;
    logged_in_window_ = 0;
    suppressed_ = 0;
  }
  if (logged_in_window_ < kLogsPerWindow) {
    ++logged_in_window_;
    module_logger("ingest")->warn("source {}: rejected: {}", source_, reason);
  } else {
    ++suppressed_;
  }
}

}  // namespace bw
