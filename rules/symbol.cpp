#include "rules/symbol.hpp"

namespace bw {

namespace {
bool allowed(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/';
}
}  // namespace

Result<Symbol> normalize_symbol(std::string_view text) {
  if (text.empty()) return Error{"symbol: must not be empty"};
  if (text.size() > kMaxSymbolLength) {
    return Error{"symbol: must be at most 15 characters"};
  }
  Symbol out;
  out.reserve(text.size());
  for (char c : text) {
    char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if (!allowed(upper)) {
      return Error{"symbol: may contain only A-Z, 0-9, '.', '-' and '/'"};
    }
    out.push_back(upper);
  }
  return out;
}

}  // namespace bw
