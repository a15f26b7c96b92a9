// Pure parsers for the polled REST quote endpoints: a response body in, the
// quote(s) out, or the reason it could not be used.
//
//   Result<ProviderQuote> q = parse_finnhub_quote(body, "AAPL");   // GET /quote?symbol=AAPL
//   Result<ProviderQuote> y = parse_yahoo_chart(body, "AAPL");     // GET /v8/finance/chart/AAPL
//   JsonQuotePaths paths{.price = "last", .symbol = "ticker"};
//   std::vector<ProviderQuote> out; std::vector<std::string> rejected;
//   Status s = parse_json_quotes(body, paths, "AAPL", out, rejected);
//
// Pure; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/providers/provider_frame.hpp"
#include "rules/result.hpp"

namespace bw {

// {"c":current,"d","dp","h","l","o","pc":prev_close,"t":unix_s}. Finnhub
// answers an unknown symbol with c = 0 and t = 0: an error here.
Result<ProviderQuote> parse_finnhub_quote(std::string_view body, std::string_view symbol);

// {"chart":{"result":[{"meta":{"symbol","regularMarketPrice","regularMarketTime" (unix s),
// "regularMarketVolume","chartPreviousClose"|"previousClose"}}],"error":null}}
Result<ProviderQuote> parse_yahoo_chart(std::string_view body, std::string_view symbol);

// Field paths into a JSON document: dot-separated keys, a number selects an
// array element ("data.0.last"). Empty: the field is not read.
struct JsonQuotePaths {
  std::string items;   // the array of quotes; empty: the document is one quote
  std::string symbol;  // empty: the symbol the request was made for
  std::string price;   // required
  std::string volume;
  std::string ts;  // Unix seconds, Unix ms (≥ 1e11), or an RFC 3339 string
  std::string bid;
  std::string ask;
  std::string prev_close;
  bool operator==(const JsonQuotePaths&) const = default;
};

// Appends each quote to `out`, each skipped item's reason to `rejected`;
// an error when the body is not JSON or `items` is not an array.
Status parse_json_quotes(std::string_view body, const JsonQuotePaths& paths,
                         std::string_view request_symbol, std::vector<ProviderQuote>& out,
                         std::vector<std::string>& rejected);

// A path is valid when every segment is non-empty; for config validation.
bool valid_json_path(std::string_view path);

}  // namespace bw
