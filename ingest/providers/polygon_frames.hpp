// Polygon (Massive) stocks WebSocket frames (wss://socket.polygon.io/stocks):
// the pure parser and the auth and subscribe messages. Every frame is a JSON
// array of events, each with an "ev" type:
//   status {"ev":"status","status":"connected"|"auth_success"|"auth_failed"|
//           "success"|"max_connections"|...,"message":...}
//   T  trade  {"sym","p","s" (size),"t" (Unix ms),"q" (sequence per ticker)}
//   Q  quote  {"sym","bp","bs","ap","as","t"}: price is the bid/ask midpoint
//   AM minute aggregate {"sym","o","h","l","c","v","s" (start ms),"e" (end ms)}
//
//   ProviderFrame frame;
//   Status s = parse_polygon_frame(text, frame);
//
// Pure; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/providers/provider_frame.hpp"
#include "rules/result.hpp"

namespace bw {

Status parse_polygon_frame(std::string_view text, ProviderFrame& out);

std::string polygon_auth_message(std::string_view key);

// channels: any of "trades" (T.), "quotes" (Q.), "aggregates" (AM.).
std::string polygon_subscribe_message(const std::vector<std::string>& symbols,
                                      const std::vector<std::string>& channels);

}  // namespace bw
