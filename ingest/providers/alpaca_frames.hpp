// Alpaca market data v2 WebSocket frames
// (wss://stream.data.alpaca.markets/v2/{iex|sip|test}): the pure parser and
// the auth and subscribe messages. Every frame is a JSON array of messages,
// each with a "T" type:
//   success   {"T":"success","msg":"connected"|"authenticated"}
//   error     {"T":"error","code":402,"msg":"auth failed"} (401, 402, 404: auth;
//             406 connection limit exceeded; 405 symbol limit; 409 insufficient
//             subscription; ...)
//   subscription {"T":"subscription","trades":[...],"quotes":[...],"bars":[...]}
//   t trade   {"S","p","s" (size),"t" (RFC 3339)}
//   q quote   {"S","bp","bs","ap","as","t"}: price is the bid/ask midpoint
//   b bar     {"S","o","h","l","c","v","t"}: price is the close
// Other types (daily/updated bars, statuses, corrections) are ignored.
//
//   ProviderFrame frame;
//   Status s = parse_alpaca_frame(text, frame);
//
// Pure; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/providers/provider_frame.hpp"
#include "rules/result.hpp"

namespace bw {

Status parse_alpaca_frame(std::string_view text, ProviderFrame& out);

std::string alpaca_auth_message(std::string_view key, std::string_view secret);

// channels: any of "trades", "quotes", "bars".
std::string alpaca_subscribe_message(const std::vector<std::string>& symbols,
                                     const std::vector<std::string>& channels);

}  // namespace bw
