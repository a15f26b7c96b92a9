// Finnhub WebSocket frames (wss://ws.finnhub.io?token=KEY): the pure parser
// and the subscribe message.
//
//   ProviderFrame frame;
//   Status s = parse_finnhub_frame(R"({"type":"trade","data":[{"s":"AAPL","p":1.5,"t":1,"v":2}]})",
//   frame); std::string sub = finnhub_subscribe_message("AAPL");
//
// Frames: {"type":"trade","data":[{"s","p","t" (Unix ms),"v","c"}]},
// {"type":"ping"}, {"type":"error","msg":...}. Pure; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "ingest/providers/provider_frame.hpp"
#include "rules/result.hpp"

namespace bw {

// Appends what `text` carries to `out`. An error: the frame is not JSON or not
// a Finnhub message (nothing appended); a bad trade inside a good frame is
// one entry in out.rejected instead.
Status parse_finnhub_frame(std::string_view text, ProviderFrame& out);

std::string finnhub_subscribe_message(std::string_view symbol);

}  // namespace bw
