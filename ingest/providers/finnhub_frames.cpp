#include "ingest/providers/finnhub_frames.hpp"

#include <nlohmann/json.hpp>

#include "ingest/providers/json_fields.hpp"

namespace bw {

namespace jf = json_fields;

namespace {

void parse_trade(const nlohmann::json& item, ProviderFrame& out) {
  auto symbol = jf::text(item, "s");
  if (!symbol) return (void)out.rejected.emplace_back("trade: symbol s is missing");
  auto price = jf::number(item, "p");
  if (!price) return (void)out.rejected.emplace_back("trade: price p is missing or not a number");
  ProviderQuote quote;
  quote.raw.symbol = std::string(*symbol);
  quote.raw.price = *price;
  if (const nlohmann::json* v = jf::field(item, "v")) {
    if (!v->is_number()) return (void)out.rejected.emplace_back("trade: volume v is not a number");
    // Finnhub sends fractional volumes for crypto; shares are whole.
    quote.raw.volume = static_cast<std::int64_t>(v->get<double>());
  }
  if (jf::field(item, "t")) {
    auto ts = jf::integer(item, "t");
    if (!ts) return (void)out.rejected.emplace_back("trade: time t is not an integer (Unix ms)");
    quote.raw.ts_ms = *ts;
  }
  out.quotes.push_back(std::move(quote));
}

}  // namespace

Status parse_finnhub_frame(std::string_view text, ProviderFrame& out) {
  nlohmann::json frame = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded()) return Error{"malformed json"};
  auto type = jf::text(frame, "type");
  if (!type) return Error{"not a finnhub message: type is missing"};
  if (*type == "trade") {
    const nlohmann::json* data = jf::field(frame, "data");
    if (!data || !data->is_array()) return Error{"trade: data is not an array"};
    for (const nlohmann::json& item : *data) parse_trade(item, out);
  } else if (*type == "ping") {
    out.control.push_back({ControlKind::ping, 0, "ping"});
  } else if (*type == "error") {
    std::string message(jf::text(frame, "msg").value_or("error without a message"));
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
