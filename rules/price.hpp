// Price: an exact decimal with 8 fractional digits, stored as a scaled 64-bit
// integer, so a threshold of 150.10 and a trade at 150.10 compare exactly.
//
//   Price t = *Price::parse("150.10");
//   Price p = *Price::from_double(150.1);   // rounds to the nearest 1e-8
//   assert(t == p);  t.to_string() == "150.10"
//
// A value type; safe to share between threads when not mutated.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bw {

class Price {
 public:
  static constexpr int kDecimals = 8;
  static constexpr std::int64_t kScale = 100'000'000;
  // Largest accepted magnitude in whole units: keeps scaled values far from
  // int64 overflow while covering every listed instrument.
  static constexpr std::int64_t kMaxWhole = 10'000'000'000;

  constexpr Price() = default;
  static constexpr Price from_units(std::int64_t units) { return Price(units); }

  // Rounds to the nearest 1e-8. Empty for NaN, infinities and |x| > kMaxWhole.
  static std::optional<Price> from_double(double value);
  // Parses plain decimal text ("150", "-0.5", "150.10"); at most 8 decimals.
  static std::optional<Price> parse(std::string_view text);

  constexpr std::int64_t units() const { return units_; }
  double to_double() const { return static_cast<double>(units_) / kScale; }
  // Decimal text with at least `min_decimals` decimals and no further trailing zeros.
  std::string to_string(int min_decimals = 2) const;

  constexpr auto operator<=>(const Price&) const = default;

 private:
  constexpr explicit Price(std::int64_t units) : units_(units) {}
  std::int64_t units_ = 0;
};

}  // namespace bw
