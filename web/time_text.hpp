// RFC 3339 timestamps as the API writes and reads them.
//
//   format_rfc3339(1764169200123) == "2025-11-26T15:00:00.123Z"
//   parse_rfc3339("2026-11-26T15:00:00Z")           // UTC, "Z" or ±hh:mm offsets
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/quote.hpp"

namespace bw {

std::string format_rfc3339(TimestampMs ms);
std::optional<TimestampMs> parse_rfc3339(std::string_view text);

}  // namespace bw
