#include "config/units.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace bw {

namespace {

struct Split {
  std::uint64_t number = 0;
  std::string_view unit;
};

Result<Split> split_number(std::string_view text) {
  Split out;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, out.number);
  if (ec == std::errc::result_out_of_range) return Error{"number is too large"};
  if (ec != std::errc() || rest == text.data()) {
    return Error{"expected a whole number followed by a unit, got \"" + std::string(text) + "\""};
  }
  out.unit = std::string_view(rest, static_cast<std::size_t>(end - rest));
  return out;
}

template <std::size_t N>
Result<std::uint64_t> scale(const Split& split,
                            const std::array<std::pair<std::string_view, std::uint64_t>, N>& units,
                            std::string_view expected) {
  for (const auto& [name, factor] : units) {
    if (split.unit != name) continue;
    if (factor != 0 && split.number > UINT64_MAX / factor) return Error{"value is too large"};
    return split.number * factor;
  }
  return Error{"unknown unit \"" + std::string(split.unit) + "\" (expected " +
               std::string(expected) + ")"};
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  Result<Split> split = split_number(text);
  if (!split) return Error{split.error()};
  if (split->unit.empty()) return Error{"duration needs a unit: ms, s, m, h or d (e.g. \"30s\")"};
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 5> kUnits{
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};
  Result<std::uint64_t> ms = scale(*split, kUnits, "ms, s, m, h or d");
  if (!ms) return Error{ms.error()};
  if (*ms > static_cast<std::uint64_t>(INT64_MAX)) return Error{"duration is too long"};
  return std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
}

Result<std::uint64_t> parse_size(std::string_view text) {
  Result<Split> split = split_number(text);
  if (!split) return Error{split.error()};
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 8> kUnits{{
      {"", 1},
      {"B", 1},
      {"kB", 1000},
      {"KiB", 1024},
      {"MB", 1000'000},
      {"MiB", 1024 * 1024},
      {"GB", 1000'000'000},
      {"GiB", 1024ull * 1024 * 1024},
  }};
  return scale(*split, kUnits, "B, kB, KiB, MB, MiB, GB or GiB");
}

}  // namespace bw
