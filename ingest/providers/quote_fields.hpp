// The quote and bar fields Alpaca and Polygon spell alike, read into a
// ProviderQuote: top of book ("bp", "ap"; the price becomes the midpoint) and
// a bar ("o", "h", "l", "c", optional "v"; the price becomes the close).
//
//   if (!read_top_of_book(item, "quote", quote, frame)) return;   // reason in frame.rejected
//
// `what` names the item kind in the reason ("quote: bp and ap are required
// numbers"). Pure functions; thread-safe.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "ingest/providers/provider_frame.hpp"

namespace bw {

bool read_top_of_book(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
                      ProviderFrame& out);
bool read_bar(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
              ProviderFrame& out);

}  // namespace bw
