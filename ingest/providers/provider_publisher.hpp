// ProviderPublisher: the one place a provider source turns parsed quotes into
// engine quotes — the source's QuoteNormalizer (aliases, validation, skew,
// duplicates and out-of-order by Polygon's sequence or event time, counted
// and rate-limit logged), then a bar's high/low, then the sink.
//
//   ProviderPublisher publisher("polygon", normalizer_options, sink, monitor, clock);
//   publisher.frame_error("malformed json");   // a frame that could not be read
//   publisher.publish(frame);                  // its quotes, and its rejected items
//
// Used from the source's own thread only; the sink and the monitor it calls
// are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ingest/providers/provider_frame.hpp"
#include "ingest/quote_normalizer.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/source_health.hpp"
#include "rules/clock.hpp"

namespace bw {

class ProviderPublisher {
 public:
  ProviderPublisher(std::string source, NormalizerOptions options, QuoteSink& sink,
                    SourceMonitor& monitor, const Clock& clock);

  // Publishes every accepted quote of `frame` and counts each rejected item.
  // Returns the number published.
  std::size_t publish(const ProviderFrame& frame);
  // A frame or response that could not be read at all: counted and logged.
  void frame_error(std::string_view reason);
  // One quote (pollers); false when refused.
  bool publish_one(const ProviderQuote& quote, TimestampMs now);

 private:
  const std::string source_;
  QuoteNormalizer normalizer_;
  QuoteSink& sink_;
  const Clock& clock_;
};

}  // namespace bw
