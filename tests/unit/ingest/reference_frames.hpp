// The DOM-based provider frame parsers (nlohmann::json) kept as the reference
// for the differential tests of the flat-scanner parsers. Test-only.
#pragma once

#include <string_view>

#include "ingest/providers/provider_frame.hpp"
#include "rules/result.hpp"

namespace bw::reference {

Status parse_finnhub_frame(std::string_view text, ProviderFrame& out);
Status parse_alpaca_frame(std::string_view text, ProviderFrame& out);
Status parse_polygon_frame(std::string_view text, ProviderFrame& out);

}  // namespace bw::reference
