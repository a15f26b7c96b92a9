#include "ingest/providers/polygon_frames.hpp"

#include <nlohmann/json.hpp>

#include "ingest/providers/json_fields.hpp"
#include "ingest/providers/quote_fields.hpp"

namespace bw {

namespace jf = json_fields;

namespace {

bool symbol_field(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
                  ProviderFrame& out) {
  auto symbol = jf::text(item, "sym");
  if (!symbol) {
    out.rejected.push_back(std::string(what) + ": sym is missing");
    return false;
  }
  quote.raw.symbol = std::string(*symbol);
  return true;
}

// Optional Unix-ms field `key`; false (rejected) when present but not an integer.
bool time_field(const nlohmann::json& item, std::string_view key, std::string_view what,
                ProviderQuote& quote, ProviderFrame& out) {
  if (!jf::field(item, key)) return true;
  auto ts = jf::integer(item, key);
  if (!ts) {
    out.rejected.push_back(std::string(what) + ": time " + std::string(key) +
                           " is not an integer (Unix ms)");
    return false;
  }
  quote.raw.ts_ms = *ts;
  return true;
}

void parse_trade(const nlohmann::json& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!symbol_field(item, "trade", quote, out)) return;
  auto price = jf::number(item, "p");
  if (!price) return (void)out.rejected.emplace_back("trade: price p is missing or not a number");
  quote.raw.price = *price;
  if (auto size = jf::number(item, "s")) quote.raw.volume = static_cast<std::int64_t>(*size);
  if (!time_field(item, "t", "trade", quote, out)) return;
  if (auto sequence = jf::integer(item, "q"); sequence && *sequence >= 0) {
    quote.sequence = static_cast<std::uint64_t>(*sequence);
  }
  out.quotes.push_back(std::move(quote));
}

void parse_quote(const nlohmann::json& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!symbol_field(item, "quote", quote, out) || !read_top_of_book(item, "quote", quote, out) ||
      !time_field(item, "t", "quote", quote, out)) {
    return;
  }
  out.quotes.push_back(std::move(quote));
}

void parse_aggregate(const nlohmann::json& item, ProviderFrame& out) {
  ProviderQuote quote;
  // The bar is stamped with its end ("e"): that is when its close was the last price.
  if (!symbol_field(item, "aggregate", quote, out) || !read_bar(item, "aggregate", quote, out) ||
      !time_field(item, "e", "aggregate", quote, out)) {
    return;
  }
  out.quotes.push_back(std::move(quote));
}

void parse_status(const nlohmann::json& item, ProviderFrame& out) {
  const std::string status(jf::text(item, "status").value_or(""));
  std::string message(jf::text(item, "message").value_or(status));
  ControlKind kind = ControlKind::info;
  if (status == "connected") {
    kind = ControlKind::connected;
  } else if (status == "auth_success") {
    kind = ControlKind::authenticated;
  } else if (status == "auth_failed") {
    kind = ControlKind::auth_failed;
  } else if (status == "success") {
    kind = ControlKind::subscribed;
  } else if (status == "max_connections" || status == "error") {
    kind = ControlKind::error;
    message = status + ": " + message;
  }
  out.control.push_back({kind, 0, std::move(message)});
}

void parse_event(const nlohmann::json& item, ProviderFrame& out) {
  auto event = jf::text(item, "ev");
  if (!event) return (void)out.rejected.emplace_back("event: ev is missing");
  if (*event == "T") return parse_trade(item, out);
  if (*event == "Q") return parse_quote(item, out);
  if (*event == "AM" || *event == "A") return parse_aggregate(item, out);
  if (*event == "status") return parse_status(item, out);
  // Other events (LULD, imbalances, ...) are not quotes: ignored.
}

}  // namespace

Status parse_polygon_frame(std::string_view text, ProviderFrame& out) {
  nlohmann::json frame = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded()) return Error{"malformed json"};
  if (frame.is_object()) {
    parse_event(frame, out);
    return {};
  }
  if (!frame.is_array()) return Error{"not a polygon message: expected an array"};
  for (const nlohmann::json& item : frame) parse_event(item, out);
  return {};
}

std::string polygon_auth_message(std::string_view key) {
  return nlohmann::json{{"action", "auth"}, {"params", key}}.dump();
}

std::string polygon_subscribe_message(const std::vector<std::string>& symbols,
                                      const std::vector<std::string>& channels) {
  std::string params;
  for (const std::string& channel : channels) {
    const char* prefix = channel == "quotes" ? "Q." : channel == "aggregates" ? "AM." : "T.";
    for (const std::string& symbol : symbols) {
      if (!params.empty()) params += ',';
      params += prefix + symbol;
    }
  }
  return nlohmann::json{{"action", "subscribe"}, {"params", params}}.dump();
}

}  // namespace bw
