#include "ingest/providers/rest_frames.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "ingest/providers/json_fields.hpp"
#include "rules/time_text.hpp"

namespace bw {

namespace jf = json_fields;

namespace {

// Seconds or milliseconds since the epoch: values below 1e11 (year 5138 in
// seconds, 1973 in ms) are seconds.
std::int64_t epoch_to_ms(double value) {
  return value < 1e11 ? static_cast<std::int64_t>(value * 1000) : static_cast<std::int64_t>(value);
}

const nlohmann::json* at_path(const nlohmann::json& root, std::string_view path) {
  const nlohmann::json* node = &root;
  while (!path.empty()) {
    const auto dot = path.find('.');
    std::string_view segment = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (node->is_array()) {
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
      if (ec != std::errc() || end != segment.data() + segment.size() || index >= node->size()) {
        return nullptr;
      }
      node = &(*node)[index];
    } else {
      node = jf::field(*node, segment);
      if (!node) return nullptr;
    }
  }
  return node;
}

// Numbers may arrive as JSON strings ("151.25") from some endpoints.
std::optional<double> number_at(const nlohmann::json& root, std::string_view path) {
  const nlohmann::json* node = at_path(root, path);
  if (!node) return std::nullopt;
  if (node->is_number()) return node->get<double>();
  if (node->is_string()) {
    const std::string& text = node->get_ref<const std::string&>();
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
  }
  return std::nullopt;
}

// Reads one optional number field; false (with a reason) when present but unusable.
bool optional_number(const nlohmann::json& item, const std::string& path, const char* name,
                     std::optional<double>& out, std::vector<std::string>& rejected) {
  if (path.empty() || !at_path(item, path)) return true;
  out = number_at(item, path);
  if (!out) rejected.push_back(std::string(name) + ": not a number (at \"" + path + "\")");
  return out.has_value();
}

bool read_ts(const nlohmann::json& item, const std::string& path, RawQuote& raw,
             std::vector<std::string>& rejected) {
  if (path.empty()) return true;
  const nlohmann::json* node = at_path(item, path);
  if (!node) return true;
  if (node->is_string()) {
    if (auto ms = parse_rfc3339(node->get_ref<const std::string&>())) {
      raw.ts_ms = *ms;
      return true;
    }
  } else if (node->is_number()) {
    raw.ts_ms = epoch_to_ms(node->get<double>());
    return true;
  }
  rejected.push_back("ts: neither Unix time nor RFC 3339 (at \"" + path + "\")");
  return false;
}

void parse_item(const nlohmann::json& item, const JsonQuotePaths& paths,
                std::string_view request_symbol, std::vector<ProviderQuote>& out,
                std::vector<std::string>& rejected) {
  ProviderQuote quote;
  if (paths.symbol.empty()) {
    quote.raw.symbol = std::string(request_symbol);
  } else {
    const nlohmann::json* symbol = at_path(item, paths.symbol);
    if (!symbol || !symbol->is_string()) {
      return rejected.push_back("symbol: missing or not a string (at \"" + paths.symbol + "\")");
    }
    quote.raw.symbol = symbol->get<std::string>();
  }
  auto price = number_at(item, paths.price);
  if (!price)
    return rejected.push_back("price: missing or not a number (at \"" + paths.price + "\")");
  quote.raw.price = *price;
  std::optional<double> volume;
  if (!optional_number(item, paths.volume, "volume", volume, rejected) ||
      !optional_number(item, paths.bid, "bid", quote.raw.bid, rejected) ||
      !optional_number(item, paths.ask, "ask", quote.raw.ask, rejected) ||
      !optional_number(item, paths.prev_close, "prev_close", quote.raw.prev_close, rejected) ||
      !read_ts(item, paths.ts, quote.raw, rejected)) {
    return;
  }
  if (volume) quote.raw.volume = static_cast<std::int64_t>(*volume);
  out.push_back(std::move(quote));
}

}  // namespace

Result<ProviderQuote> parse_finnhub_quote(std::string_view body, std::string_view symbol) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Error{"malformed json"};
  if (auto error = jf::text(doc, "error")) return Error{"provider error: " + std::string(*error)};
  auto current = jf::number(doc, "c");
  if (!current) return Error{"c: the current price is missing or not a number"};
  auto ts = jf::number(doc, "t");
  if (*current == 0 && ts.value_or(0) == 0) return Error{"unknown symbol (c and t are 0)"};
  ProviderQuote quote;
  quote.raw.symbol = std::string(symbol);
  quote.raw.price = *current;
  if (ts && *ts > 0) quote.raw.ts_ms = epoch_to_ms(*ts);
  if (auto prev = jf::number(doc, "pc"); prev && *prev > 0) quote.raw.prev_close = *prev;
  return quote;
}

Result<ProviderQuote> parse_yahoo_chart(std::string_view body, std::string_view symbol) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Error{"malformed json"};
  const nlohmann::json* chart = jf::field(doc, "chart");
  if (!chart) return Error{"chart is missing"};
  if (const nlohmann::json* error = jf::field(*chart, "error"); error && !error->is_null()) {
    std::string description(jf::text(*error, "description").value_or(error->dump()));
    return Error{"provider error: " + description};
  }
  const nlohmann::json* meta = at_path(*chart, "result.0.meta");
  if (!meta) return Error{"chart.result[0].meta is missing"};
  auto price = jf::number(*meta, "regularMarketPrice");
  if (!price) return Error{"meta.regularMarketPrice is missing or not a number"};
  ProviderQuote quote;
  quote.raw.symbol = std::string(jf::text(*meta, "symbol").value_or(symbol));
  quote.raw.price = *price;
  if (auto ts = jf::number(*meta, "regularMarketTime"); ts && *ts > 0) {
    quote.raw.ts_ms = epoch_to_ms(*ts);
  }
  if (auto volume = jf::number(*meta, "regularMarketVolume")) {
    quote.raw.volume = static_cast<std::int64_t>(*volume);
  }
  auto prev = jf::number(*meta, "chartPreviousClose");
  if (!prev) prev = jf::number(*meta, "previousClose");
  if (prev && *prev > 0) quote.raw.prev_close = *prev;
  return quote;
}

Status parse_json_quotes(std::string_view body, const JsonQuotePaths& paths,
                         std::string_view request_symbol, std::vector<ProviderQuote>& out,
                         std::vector<std::string>& rejected) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Error{"malformed json"};
  if (paths.items.empty()) {
    parse_item(doc, paths, request_symbol, out, rejected);
    return {};
  }
  const nlohmann::json* items = at_path(doc, paths.items);
  if (!items || !items->is_array())
    return Error{"items: not an array (at \"" + paths.items + "\")"};
  for (const nlohmann::json& item : *items) parse_item(item, paths, request_symbol, out, rejected);
  return {};
}

bool valid_json_path(std::string_view path) {
  if (path.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    if ((dot == std::string_view::npos ? path.size() : dot) == start) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace bw
