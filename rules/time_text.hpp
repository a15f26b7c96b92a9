// RFC 3339 timestamps: the one reader and writer of them for the API, the
// tick files and the provider frames.
//
//   format_rfc3339(1764169200123) == "2025-11-26T15:00:00.123Z"
//   parse_rfc3339("2026-11-26T15:00:00Z")           // UTC, "Z" or ±hh:mm offsets
//
// parse_rfc3339 takes "T", "t" or a space between date and time (RFC 3339
// §5.6 allows the space), 1 to 9 fraction digits (kept to the millisecond,
// truncated), and a leap second :60. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/quote.hpp"

namespace bw {

std::string format_rfc3339(TimestampMs ms);
std::optional<TimestampMs> parse_rfc3339(std::string_view text);

}  // namespace bw
