// ProviderFrame: what a pure frame parser makes of one provider message — the
// quotes it carries, the control messages (connected, authenticated,
// subscribed, ping, errors) and the items it had to skip, each with a reason.
//
//   ProviderFrame frame;
//   Status s = parse_finnhub_frame(text, frame);   // !s: the whole frame is unreadable
//   for (const ProviderQuote& q : frame.quotes) publish(q.raw);
//
// Parsers never touch a socket or a clock: bytes in, frame out. A plain value
// type; parsers are pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/quote_validation.hpp"

namespace bw {

// A quote as the provider sent it, with its per-symbol sequence number when
// the provider has one (Polygon's trade `q`: increasing, not contiguous).
struct ProviderQuote {
  RawQuote raw;
  std::optional<std::uint64_t> sequence;
  // A bar (Alpaca "b", Polygon "AM"): raw.price is its close; the engine
  // judges crossings against high and low so a touch inside the bar fires.
  std::optional<double> open, high, low;
};

enum class ControlKind {
  connected,      // the provider greeted us; authenticate next
  authenticated,  // credentials accepted; subscribe next
  auth_failed,    // credentials refused (fatal until the config changes)
  subscribed,     // subscription acknowledged
  ping,           // application-level ping (Finnhub); no reply needed
  error,          // a provider error (connection limit, bad request, ...)
  info,           // anything else worth a log line (status messages)
};

struct ControlMessage {
  ControlKind kind = ControlKind::info;
  int code = 0;         // provider's error code when it sends one (Alpaca 402, 406, ...)
  std::string message;  // the provider's own text
};

struct ProviderFrame {
  std::vector<ProviderQuote> quotes;
  std::vector<ControlMessage> control;
  std::vector<std::string> rejected;  // one reason per skipped item

  void clear() {
    quotes.clear();
    control.clear();
    rejected.clear();
  }
};

}  // namespace bw
