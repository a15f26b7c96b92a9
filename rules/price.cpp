#include "rules/price.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace bw {

std::optional<Price> Price::from_double(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  if (std::fabs(value) > static_cast<double>(kMaxWhole)) return std::nullopt;
  // Scale the whole and fractional parts separately: the split is exact, and
  // rounding only the small fraction keeps the nearest 1e-8 even for large
  // prices. 150.1 (really 150.0999999999999943) becomes 15010000000, the
  // decimal the sender meant.
  const double whole = std::trunc(value);
  const double fraction = value - whole;
  return Price(static_cast<std::int64_t>(whole) * kScale +
               std::llround(fraction * static_cast<double>(kScale)));
}

std::optional<Price> Price::parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::int64_t whole = 0;
  std::int64_t fraction = 0;
  int fraction_digits = 0;
  bool seen_dot = false;
  bool seen_digit = false;
  for (char c : text) {
    if (c == '.') {
      if (seen_dot) return std::nullopt;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    if (seen_dot) {
      if (++fraction_digits > kDecimals) return std::nullopt;
      fraction = fraction * 10 + (c - '0');
    } else {
      whole = whole * 10 + (c - '0');
      if (whole > kMaxWhole) return std::nullopt;
    }
  }
  if (!seen_digit) return std::nullopt;
  for (int i = fraction_digits; i < kDecimals; ++i) fraction *= 10;
  std::int64_t units = whole * kScale + fraction;
  if (units > kMaxWhole * kScale) return std::nullopt;
  return Price(negative ? -units : units);
}

std::string Price::to_string(int min_decimals) const {
  min_decimals = std::max(min_decimals, 0);
  std::int64_t magnitude = units_ < 0 ? -units_ : units_;
  std::string fraction = std::to_string(magnitude % kScale);
  fraction.insert(0, kDecimals - fraction.size(), '0');
  std::size_t keep = fraction.find_last_not_of('0');
  keep = (keep == std::string::npos) ? 0 : keep + 1;
  if (keep < static_cast<std::size_t>(min_decimals)) keep = min_decimals;
  fraction.resize(keep, '0');
  std::string out = units_ < 0 ? "-" : "";
  out += std::to_string(magnitude / kScale);
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

}  // namespace bw
