// HttpPollerSource: the polled REST sources `finnhub_rest`, `yahoo_chart` and
// `http_json`. One thread drives one libcurl multi handle (connections are
// reused across polls); every `interval` it requests each symbol (or, for an
// http_json URL without {symbol}, the one URL), within a request-rate budget.
// 429 and 5xx pause the whole source with exponential backoff, honouring
// Retry-After; a transport error does too.
//
//   HttpPollerOptions options{.name = "yahoo", .type = "yahoo_chart", .symbols = {"AAPL"}};
//   HttpPollerSource source(options, hub, clock);
//   source.start();  ...  source.stop();   // stop() joins; also done by the destructor
//
// Requests (url is the configured base URL):
//   finnhub_rest  GET {url}/quote?symbol=S, header X-Finnhub-Token: KEY
//   yahoo_chart   GET {url}/v8/finance/chart/S?interval=1m&range=1d
//                 with `crumb`: first a cookie (GET cookie_url, kept in a
//                 cookie jar shared by the source's handles), then a crumb
//                 (GET crumb_url, a text body) passed as &crumb=...; a 401
//                 fetches a new cookie and crumb once, then backs off
//   http_json     GET url with {symbol} replaced per symbol (or once, without it);
//                 the key, when set, in header `api_key_header` (default
//                 "Authorization: Bearer KEY")
// The API key, the crumb and the cookies are never logged.
// start/stop from the owning thread only; health() from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ingest/providers/rest_frames.hpp"
#include "ingest/quote_normalizer.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/quote_source.hpp"
#include "rules/clock.hpp"

namespace bw {

struct HttpPollerOptions {
  std::string name;
  std::string type;  // finnhub_rest, yahoo_chart, http_json
  std::string url;
  std::vector<std::string> symbols;
  std::chrono::milliseconds interval{5'000};
  int max_requests_per_minute = 60;  // the request-rate budget
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds backoff_initial{1'000};
  std::chrono::milliseconds backoff_max{300'000};
  std::string ca_file;         // empty: the system's CA store
  std::string api_key;         // never logged
  std::string api_key_header;  // http_json: header name for the key; empty: Authorization: Bearer
  JsonQuotePaths paths;        // http_json
  // yahoo_chart: the cookie + crumb handshake Yahoo asks of clients.
  bool crumb = false;
  std::string cookie_url = "https://fc.yahoo.com";
  std::string crumb_url = "https://query1.finance.yahoo.com/v1/test/getcrumb";
  std::size_t max_response_bytes = 1 << 20;
  NormalizerOptions normalizer;  // aliases, skew, duplicate/out-of-order checks
};

class HttpPollerSource : public QuoteSource {
 public:
  // Throws std::invalid_argument for an unknown type or missing settings.
  HttpPollerSource(HttpPollerOptions options, QuoteSink& sink, const Clock& clock);
  ~HttpPollerSource() override;
  HttpPollerSource(const HttpPollerSource&) = delete;
  HttpPollerSource& operator=(const HttpPollerSource&) = delete;

  void start() override;
  void stop() override;
  SourceHealth health(TimestampMs now_ms, std::chrono::milliseconds stale_after) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Retry-After as seconds or an HTTP date, relative to `now_ms`; nullopt when
// unreadable. Exposed for tests.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           TimestampMs now_ms);

}  // namespace bw
