// The human-readable text of a fire, e.g. "AAPL crossed above 150.00 at 150.25".
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "rules/engine.hpp"

namespace bw {

std::string render_message(const Fire& fire);
// The condition as a verb phrase: "crossed above", "is below", "entered channel".
std::string_view condition_phrase(const Fire& fire);
// "150.00" for a line, "140.00-150.00" for a channel, "2.00 within 30s" and
// "1.5% within 5m" for moves, "25 bps" for a spread, "-2%" for a day change,
// "1000000" for a day volume, "2 conditions" for a compound.
std::string threshold_text(const Condition& condition);

}  // namespace bw
