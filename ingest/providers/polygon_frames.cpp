#include "ingest/providers/polygon_frames.hpp"

#include <nlohmann/json.hpp>

#include "ingest/flat_json.hpp"
#include "ingest/providers/quote_fields.hpp"

namespace bw {

namespace {

bool symbol_field(const FlatObject& item, std::string_view what, ProviderQuote& quote,
                  ProviderFrame& out) {
  auto symbol = item.text("sym");
  if (!symbol) {
    out.rejected.push_back(std::string(what) + ": sym is missing");
    return false;
  }
  quote.raw.symbol = std::string(*symbol);
  return true;
}

// Optional Unix-ms field `key`; false (rejected) when present but not an integer.
bool time_field(const FlatObject& item, std::string_view key, std::string_view what,
                ProviderQuote& quote, ProviderFrame& out) {
  if (!item.field(key)) return true;
  auto ts = item.integer(key);
  if (!ts) {
    out.rejected.push_back(std::string(what) + ": time " + std::string(key) +
                           " is not an integer (Unix ms)");
    return false;
  }
  quote.raw.ts_ms = *ts;
  return true;
}

void parse_trade(const FlatObject& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!symbol_field(item, "trade", quote, out)) return;
  auto price = item.number("p");
  if (!price) return (void)out.rejected.emplace_back("trade: price p is missing or not a number");
  quote.raw.price = *price;
  if (auto size = item.number("s")) {
    quote.raw.volume = whole_volume(*size);
    if (!quote.raw.volume) return (void)out.rejected.emplace_back("trade: size s is out of range");
  }
  if (!time_field(item, "t", "trade", quote, out)) return;
  if (auto sequence = item.integer("q"); sequence && *sequence >= 0) {
    quote.sequence = static_cast<std::uint64_t>(*sequence);
  }
  out.quotes.push_back(std::move(quote));
}

void parse_quote(const FlatObject& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!symbol_field(item, "quote", quote, out) || !read_top_of_book(item, "quote", quote, out) ||
      !time_field(item, "t", "quote", quote, out)) {
    return;
  }
  out.quotes.push_back(std::move(quote));
}

void parse_aggregate(const FlatObject& item, ProviderFrame& out) {
  ProviderQuote quote;
  // The bar is stamped with its end ("e"): that is when its close was the last price.
  if (!symbol_field(item, "aggregate", quote, out) || !read_bar(item, "aggregate", quote, out) ||
      !time_field(item, "e", "aggregate", quote, out)) {
    return;
  }
  out.quotes.push_back(std::move(quote));
}

void parse_status(const FlatObject& item, ProviderFrame& out) {
  const std::string status(item.text("status").value_or(""));
  std::string message(item.text("message").value_or(status));
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

void parse_event(const FlatObject& item, ProviderFrame& out) {
  auto event = item.text("ev");
  if (!event) return (void)out.rejected.emplace_back("event: ev is missing");
  if (*event == "T") return parse_trade(item, out);
  if (*event == "Q") return parse_quote(item, out);
  if (*event == "AM" || *event == "A") return parse_aggregate(item, out);
  if (*event == "status") return parse_status(item, out);
  // Other events (LULD, imbalances, ...) are not quotes: ignored.
}

}  // namespace

Status parse_polygon_frame(std::string_view text, ProviderFrame& out) {
  FlatFrame& frame = thread_scratch_frame();
  if (Status scanned = scan_flat_frame(text, "", frame); !scanned) return scanned;
  // An object is tolerated: a single event outside an array.
  if (frame.top_kind != JsonValue::Kind::array && frame.top_kind != JsonValue::Kind::object) {
    return Error{"not a polygon message: expected an array"};
  }
  for (const FlatObject& item : frame.items) parse_event(item, out);
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
