// Symbol: a validated, upper-case ticker such as "AAPL", "BRK.B" or "BTC/USD".
//
//   Result<Symbol> s = normalize_symbol(" aapl");   // error: space not allowed
//   Result<Symbol> t = normalize_symbol("brk.b");   // "BRK.B"
//
// Allowed: A-Z 0-9 . - / (lower case is upper-cased), 1 to 15 characters.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "rules/result.hpp"

namespace bw {

using Symbol = std::string;

inline constexpr std::size_t kMaxSymbolLength = 15;

// Upper-cases and validates; the error names what is wrong with the text.
Result<Symbol> normalize_symbol(std::string_view text);

}  // namespace bw
