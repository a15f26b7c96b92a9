#include "ingest/providers/finnhub_frames.hpp"

#include <nlohmann/json.hpp>

#include "ingest/flat_json.hpp"
#include "ingest/providers/quote_fields.hpp"

namespace bw {

namespace {

void parse_trade(const FlatObject& item, ProviderFrame& out) {
  auto symbol = item.text("s");
  if (!symbol) return (void)out.rejected.emplace_back("trade: symbol s is missing");
  auto price = item.number("p");
  if (!price) return (void)out.rejected.emplace_back("trade: price p is missing or not a number");
  ProviderQuote quote;
  quote.raw.symbol = std::string(*symbol);
  quote.raw.price = *price;
  if (item.field("v")) {
    auto volume = item.number("v");
    if (!volume) return (void)out.rejected.emplace_back("trade: volume v is not a number");
    // Finnhub sends fractional volumes for crypto; shares are whole.
    quote.raw.volume = whole_volume(*volume);
    if (!quote.raw.volume)
      return (void)out.rejected.emplace_back("trade: volume v is out of range");
  }
  if (item.field("t")) {
    auto ts = item.integer("t");
    if (!ts) return (void)out.rejected.emplace_back("trade: time t is not an integer (Unix ms)");
    quote.raw.ts_ms = *ts;
  }
  out.quotes.push_back(std::move(quote));
}

}  // namespace

Status parse_finnhub_frame(std::string_view text, ProviderFrame& out) {
  FlatFrame& frame = thread_scratch_frame();
  if (Status scanned = scan_flat_frame(text, "data", frame); !scanned) return scanned;
  auto type = frame.top.text("type");
  if (!type) return Error{"not a finnhub message: type is missing"};
  if (*type == "trade") {
    const JsonValue* data = frame.top.field("data");
    if (!data || data->kind != JsonValue::Kind::array) return Error{"trade: data is not an array"};
    for (const FlatObject& item : frame.items) parse_trade(item, out);
  } else if (*type == "ping") {
    out.control.push_back({ControlKind::ping, 0, "ping"});
  } else if (*type == "error") {
    std::string message(frame.top.text("msg").value_or("error without a message"));
    out.control.push_back({ControlKind::error, 0, std::move(message)});
  } else {
    out.control.push_back({ControlKind::info, 0, "unhandled message type " + std::string(*type)});
  }
  return {};
}

std::string finnhub_subscribe_message(std::string_view symbol) {
  return nlohmann::json{{"type", "subscribe"}, {"symbol", symbol}}.dump();
}

}  // namespace bw
