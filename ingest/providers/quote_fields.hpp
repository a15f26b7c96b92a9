// The quote and bar fields Alpaca and Polygon spell alike, read into a
// ProviderQuote from a scanned item (flat_json.hpp): top of book ("bp", "ap"; the price becomes the
// midpoint) and a bar ("o", "h", "l", "c", optional "v"; the price becomes the close).
//
//   if (!read_top_of_book(item, "quote", quote, frame)) return;   // reason in frame.rejected
//
// `what` names the item kind in the reason ("quote: bp and ap are required
// numbers"). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/flat_json.hpp"
#include "ingest/providers/provider_frame.hpp"

namespace bw {

// A volume as whole shares (fraction dropped); nullopt when it does not fit
// an int64 (or is not finite).
std::optional<std::int64_t> whole_volume(double volume);

bool read_top_of_book(const FlatObject& item, std::string_view what, ProviderQuote& quote,
                      ProviderFrame& out);
bool read_bar(const FlatObject& item, std::string_view what, ProviderQuote& quote,
              ProviderFrame& out);

}  // namespace bw
