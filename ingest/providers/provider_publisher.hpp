// ProviderPublisher: the one place a provider source turns parsed quotes into
// engine quotes — validation (later: the per-source normaliser), bar
// high/low, counting and rate-limited logging of what it rejects.
//
//   ProviderPublisher publisher("polygon", sink, monitor, clock);
//   publisher.frame_error("malformed json");   // a frame that could not be read
//   publisher.publish(frame);                  // its quotes, and its rejected items
//
// Used from the source's own thread only (not thread-safe); the sink and the
// monitor it calls are.
#pragma once

#include <string>
#include <string_view>

#include "ingest/providers/provider_frame.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/source_health.hpp"
#include "rules/clock.hpp"

namespace bw {

class ProviderPublisher {
 public:
  ProviderPublisher(std::string source, QuoteSink& sink, SourceMonitor& monitor,
                    const Clock& clock);

  // Publishes every valid quote of `frame` and counts each rejected item.
  // Returns the number published.
  std::size_t publish(const ProviderFrame& frame);
  // A frame or response that could not be read at all: counted and logged.
  void frame_error(std::string_view reason);
  // One quote (pollers); false when rejected.
  bool publish_one(const ProviderQuote& quote, TimestampMs now);

 private:
  void reject(std::string_view reason);

  static constexpr int kLogsPerWindow = 5;
  static constexpr TimestampMs kLogWindowMs = 60'000;

  const std::string source_;
  QuoteSink& sink_;
  SourceMonitor& monitor_;
  const Clock& clock_;
  TimestampMs log_window_start_ = 0;
  int logged_in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace bw
