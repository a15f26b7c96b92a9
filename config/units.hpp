// Strict parsers for the units config files use: durations ("250ms", "30s",
// "5m", "1h") and sizes ("512", "64KiB", "16MiB", "1GiB", "10kB", "5MB").
// No unit, fractions, or negative numbers in durations are errors.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "rules/result.hpp"

namespace bw {

Result<std::chrono::milliseconds> parse_duration(std::string_view text);
Result<std::uint64_t> parse_size(std::string_view text);

}  // namespace bw
