#include "ingest/providers/alpaca_frames.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ingest/flat_json.hpp"
#include "ingest/providers/quote_fields.hpp"
#include "rules/time_text.hpp"

namespace bw {

namespace {

// Symbol and RFC 3339 time, common to trades, quotes and bars; false: rejected.
bool common_fields(const FlatObject& item, std::string_view what, ProviderQuote& quote,
                   ProviderFrame& out) {
  auto symbol = item.text("S");
  if (!symbol) {
    out.rejected.push_back(std::string(what) + ": symbol S is missing");
    return false;
  }
  quote.raw.symbol = std::string(*symbol);
  if (item.field("t")) {
    auto text = item.text("t");
    auto ts = text ? parse_rfc3339(*text) : std::nullopt;
    if (!ts) {
      out.rejected.push_back(std::string(what) + ": t is not an RFC 3339 time");
      return false;
    }
    quote.raw.ts_ms = *ts;
  }
  return true;
}

void parse_trade(const FlatObject& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!common_fields(item, "trade", quote, out)) return;
  auto price = item.number("p");
  if (!price) return (void)out.rejected.emplace_back("trade: price p is missing or not a number");
  quote.raw.price = *price;
  if (auto size = item.number("s")) {
    quote.raw.volume = whole_volume(*size);
    if (!quote.raw.volume) return (void)out.rejected.emplace_back("trade: size s is out of range");
  }
  out.quotes.push_back(std::move(quote));
}

void parse_quote(const FlatObject& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!common_fields(item, "quote", quote, out) || !read_top_of_book(item, "quote", quote, out))
    return;
  out.quotes.push_back(std::move(quote));
}

void parse_bar(const FlatObject& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!common_fields(item, "bar", quote, out) || !read_bar(item, "bar", quote, out)) return;
  out.quotes.push_back(std::move(quote));
}

ControlKind error_kind(int code) {
  // 401 not authenticated, 402 auth failed, 404 auth timeout.
  return (code == 401 || code == 402 || code == 404) ? ControlKind::auth_failed
                                                     : ControlKind::error;
}

void parse_message(const FlatObject& item, ProviderFrame& out) {
  auto type = item.text("T");
  if (!type) return (void)out.rejected.emplace_back("message: type T is missing");
  if (*type == "t") return parse_trade(item, out);
  if (*type == "q") return parse_quote(item, out);
  if (*type == "b") return parse_bar(item, out);
  const std::string message(item.text("msg").value_or(""));
  if (*type == "success") {
    if (message == "connected") return out.control.push_back({ControlKind::connected, 0, message});
    if (message == "authenticated") {
      return out.control.push_back({ControlKind::authenticated, 0, message});
    }
    return out.control.push_back({ControlKind::info, 0, message});
  }
  if (*type == "error") {
    const int code = static_cast<int>(item.integer("code").value_or(0));
    return out.control.push_back({error_kind(code), code, message.empty() ? "error" : message});
  }
  if (*type == "subscription") {
    // The acknowledgement as the DOM printed it (keys sorted, compact): rare,
    // so the item's own text is parsed again just for this line.
    return out.control.push_back(
        {ControlKind::subscribed, 0, nlohmann::json::parse(item.raw, nullptr, false).dump()});
  }
  // Daily bars "d", updated bars "u", statuses "s", LULDs "l", corrections
  // "c", cancels "x": not quotes this server alerts on.
}

}  // namespace

Status parse_alpaca_frame(std::string_view text, ProviderFrame& out) {
  FlatFrame& frame = thread_scratch_frame();
  if (Status scanned = scan_flat_frame(text, "", frame); !scanned) return scanned;
  // An object is tolerated: a single message outside an array.
  if (frame.top_kind != JsonValue::Kind::array && frame.top_kind != JsonValue::Kind::object) {
    return Error{"not an alpaca message: expected an array"};
  }
  for (const FlatObject& item : frame.items) parse_message(item, out);
  return {};
}

std::string alpaca_auth_message(std::string_view key, std::string_view secret) {
  return nlohmann::json{{"action", "auth"}, {"key", key}, {"secret", secret}}.dump();
}

std::string alpaca_subscribe_message(const std::vector<std::string>& symbols,
                                     const std::vector<std::string>& channels) {
  nlohmann::json message{{"action", "subscribe"}};
  for (const std::string& channel : channels) message[channel] = symbols;
  return message.dump();
}

}  // namespace bw
