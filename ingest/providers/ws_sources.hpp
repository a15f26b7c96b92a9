// The WebSocket provider sources: `finnhub_ws`, `alpaca_ws` and `polygon_ws`.
// Each is a WsClient (connect, TLS, pings, reconnect with backoff) driven by a
// provider protocol that authenticates, subscribes and parses frames with the
// pure parsers of ingest/providers/*_frames.hpp.
//
//   WsSourceOptions options{.name = "alpaca", .type = "alpaca_ws", ...};
//   std::unique_ptr<QuoteSource> source = make_ws_source(std::move(options), hub, clock);
//   source->start();  ...  source->stop();
//
// Protocols (the connection is live once subscribed; a provider error before
// that closes it and reconnects after backoff):
//   finnhub_ws  url?token=KEY; {"type":"subscribe","symbol":S} per symbol; live at once.
//   alpaca_ws   "connected" → {"action":"auth","key","secret"} → "authenticated" →
//               {"action":"subscribe","trades"|"quotes"|"bars":[...]} → "subscription".
//   polygon_ws  "connected" → {"action":"auth","params":KEY} → "auth_success" →
//               {"action":"subscribe","params":"T.S,Q.S,AM.S"} → "success".
// start/stop from the owning thread only; health() from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ingest/quote_normalizer.hpp"
#include "ingest/quote_sink.hpp"
#include "ingest/quote_source.hpp"
#include "ingest/ws_client.hpp"
#include "rules/clock.hpp"

namespace bw {

struct WsSourceOptions {
  std::string name;
  std::string type;        // finnhub_ws, alpaca_ws, polygon_ws
  WsClientOptions client;  // client.url: the full endpoint (without Finnhub's token)
  std::vector<std::string> symbols;
  std::vector<std::string>
      channels;                  // alpaca: trades/quotes/bars; polygon: trades/quotes/aggregates
  std::string api_key;           // never logged
  std::string api_secret;        // alpaca only; never logged
  NormalizerOptions normalizer;  // aliases, skew, duplicate/out-of-order checks
};

// Throws std::invalid_argument for an unknown type, a bad url or unreadable CA file.
std::unique_ptr<QuoteSource> make_ws_source(WsSourceOptions options, QuoteSink& sink,
                                            const Clock& clock);

}  // namespace bw
