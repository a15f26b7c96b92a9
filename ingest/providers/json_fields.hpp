// Typed field access on an nlohmann::json object for the frame parsers: each
// returns nullopt when the field is missing or of another type, so a parser
// can name the field it could not use. Header-only; pure.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bw::json_fields {

inline const nlohmann::json* field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

inline std::optional<double> number(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  if (!value || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

// An integral number (an integer, or a float with no fractional part).
inline std::optional<std::int64_t> integer(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  if (!value) return std::nullopt;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_float()) {
    double d = value->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

inline std::optional<std::string_view> text(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string_view(value->get_ref<const std::string&>());
}

}  // namespace bw::json_fields
