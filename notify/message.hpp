// The human-readable text of a fire, e.g. "AAPL crossed above 150.00 at 150.25".
// Pure; thread-safe.
#pragma once

#include <string>

#include "rules/engine.hpp"

namespace bw {

std::string render_message(const Fire& fire);

}  // namespace bw
