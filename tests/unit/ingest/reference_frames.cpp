// The DOM-based provider frame parsers as they were before the flat scanner
// (ingest/flat_json.hpp) replaced them: the reference the
// differential tests compare the production parsers against. Test-only.
// One change from the old code: volumes go through whole_volume (the old
// static_cast of an out-of-range double was undefined behaviour).
#include "reference_frames.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "ingest/providers/json_fields.hpp"
#include "ingest/providers/quote_fields.hpp"  // whole_volume
#include "rules/time_text.hpp"

namespace bw::reference {

namespace jf = bw::json_fields;

namespace {

bool reject(ProviderFrame& out, std::string_view what, std::string_view reason) {
  out.rejected.push_back(std::string(what) + ": " + std::string(reason));
  return false;
}

}  // namespace

bool read_top_of_book(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
                      ProviderFrame& out) {
  auto bid = jf::number(item, "bp");
  auto ask = jf::number(item, "ap");
  if (!bid || !ask) return reject(out, what, "bp and ap are required numbers");
  // A one-sided book (a zero side) has no midpoint worth alerting on.
  if (*bid <= 0 || *ask <= 0) return reject(out, what, "one-sided (bp or ap is 0)");
  quote.raw.bid = *bid;
  quote.raw.ask = *ask;
  quote.raw.price = (*bid + *ask) / 2;
  return true;
}

bool read_bar(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
              ProviderFrame& out) {
  auto open = jf::number(item, "o");
  auto high = jf::number(item, "h");
  auto low = jf::number(item, "l");
  auto close = jf::number(item, "c");
  if (!open || !high || !low || !close)
    return reject(out, what, "o, h, l and c are required numbers");
  if (*low > *high || *close > *high || *close < *low || *open > *high || *open < *low) {
    return reject(out, what, "o and c must lie between l and h");
  }
  quote.raw.price = *close;
  quote.open = *open;
  quote.high = *high;
  quote.low = *low;
  if (auto volume = jf::number(item, "v")) {
    quote.raw.volume = whole_volume(*volume);
    if (!quote.raw.volume) return reject(out, what, "volume v is out of range");
  }
  return true;
}

}  // namespace bw::reference

namespace bw::reference {

namespace jf = bw::json_fields;

namespace finnhub_impl {

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
    quote.raw.volume = whole_volume(v->get<double>());
    if (!quote.raw.volume)
      return (void)out.rejected.emplace_back("trade: volume v is out of range");
  }
  if (jf::field(item, "t")) {
    auto ts = jf::integer(item, "t");
    if (!ts) return (void)out.rejected.emplace_back("trade: time t is not an integer (Unix ms)");
    quote.raw.ts_ms = *ts;
  }
  out.quotes.push_back(std::move(quote));
}

}  // namespace finnhub_impl

using namespace finnhub_impl;

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

}  // namespace bw::reference

namespace bw::reference {

namespace jf = bw::json_fields;

namespace alpaca_impl {

// Symbol and RFC 3339 time, common to trades, quotes and bars; false: rejected.
bool common_fields(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
                   ProviderFrame& out) {
  auto symbol = jf::text(item, "S");
  if (!symbol) {
    out.rejected.push_back(std::string(what) + ": symbol S is missing");
    return false;
  }
  quote.raw.symbol = std::string(*symbol);
  if (jf::field(item, "t")) {
    auto text = jf::text(item, "t");
    auto ts = text ? parse_rfc3339(*text) : std::nullopt;
    if (!ts) {
      out.rejected.push_back(std::string(what) + ": t is not an RFC 3339 time");
      return false;
    }
    quote.raw.ts_ms = *ts;
  }
  return true;
}

void parse_trade(const nlohmann::json& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!common_fields(item, "trade", quote, out)) return;
  auto price = jf::number(item, "p");
  if (!price) return (void)out.rejected.emplace_back("trade: price p is missing or not a number");
  quote.raw.price = *price;
  if (auto size = jf::number(item, "s")) {
    quote.raw.volume = whole_volume(*size);
    if (!quote.raw.volume) return (void)out.rejected.emplace_back("trade: size s is out of range");
  }
  out.quotes.push_back(std::move(quote));
}

void parse_quote(const nlohmann::json& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!common_fields(item, "quote", quote, out) || !read_top_of_book(item, "quote", quote, out))
    return;
  out.quotes.push_back(std::move(quote));
}

void parse_bar(const nlohmann::json& item, ProviderFrame& out) {
  ProviderQuote quote;
  if (!common_fields(item, "bar", quote, out) || !read_bar(item, "bar", quote, out)) return;
  out.quotes.push_back(std::move(quote));
}

ControlKind error_kind(int code) {
  // 401 not authenticated, 402 auth failed, 404 auth timeout.
  return (code == 401 || code == 402 || code == 404) ? ControlKind::auth_failed
                                                     : ControlKind::error;
}

void parse_message(const nlohmann::json& item, ProviderFrame& out) {
  auto type = jf::text(item, "T");
  if (!type) return (void)out.rejected.emplace_back("message: type T is missing");
  if (*type == "t") return parse_trade(item, out);
  if (*type == "q") return parse_quote(item, out);
  if (*type == "b") return parse_bar(item, out);
  const std::string message(jf::text(item, "msg").value_or(""));
  if (*type == "success") {
    if (message == "connected") return out.control.push_back({ControlKind::connected, 0, message});
    if (message == "authenticated") {
      return out.control.push_back({ControlKind::authenticated, 0, message});
    }
    return out.control.push_back({ControlKind::info, 0, message});
  }
  if (*type == "error") {
    const int code = static_cast<int>(jf::integer(item, "code").value_or(0));
    return out.control.push_back({error_kind(code), code, message.empty() ? "error" : message});
  }
  if (*type == "subscription") {
    return out.control.push_back({ControlKind::subscribed, 0, item.dump()});
  }
  // Daily bars "d", updated bars "u", statuses "s", LULDs "l", corrections
  // "c", cancels "x": not quotes this server alerts on.
}

}  // namespace alpaca_impl

using namespace alpaca_impl;

Status parse_alpaca_frame(std::string_view text, ProviderFrame& out) {
  nlohmann::json frame = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded()) return Error{"malformed json"};
  if (frame.is_object()) {
    parse_message(frame, out);  // tolerated: a single message outside an array
    return {};
  }
  if (!frame.is_array()) return Error{"not an alpaca message: expected an array"};
  for (const nlohmann::json& item : frame) parse_message(item, out);
  return {};
}

}  // namespace bw::reference

namespace bw::reference {

namespace jf = bw::json_fields;

namespace polygon_impl {

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
  if (auto size = jf::number(item, "s")) {
    quote.raw.volume = whole_volume(*size);
    if (!quote.raw.volume) return (void)out.rejected.emplace_back("trade: size s is out of range");
  }
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

}  // namespace polygon_impl

using namespace polygon_impl;

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

}  // namespace bw::reference
