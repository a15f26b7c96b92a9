// FlatJson: a validating single-pass JSON scanner that reads a frame straight
// into flat items (one level of key/value members per message), with no DOM.
// The WebSocket frame parsers (Finnhub, Alpaca, Polygon) use it: their
// messages are flat objects, batched in an array (Alpaca, Polygon) or in one
// member of an envelope object (Finnhub "data"). So does the push API's JSON
// array of quotes (web/ingest_routes, decode_quote in web/json_codec).
//
//   FlatFrame& frame = thread_scratch_frame();
//   Status s = scan_flat_frame(text, "data", frame);   // !s: not JSON; nothing usable
//   for (const FlatObject& item : frame.items) if (auto p = item.number("p")) ...
//
// The grammar is RFC 8259 exactly as nlohmann::json (3.11) accepts it, so a
// frame is malformed here if and only if it was malformed to the DOM parser
// before: strict numbers (no leading zeros, "+", "1.", ".5"), numbers whose
// float value overflows are errors, strings must be valid UTF-8 without raw
// control characters, \u escapes must pair surrogates, one value with only
// whitespace after it, an optional leading UTF-8 byte-order mark. Numbers keep
// nlohmann's kinds: an integer that fits int64 (negative) or uint64
// (non-negative) is integral, anything else a double. Duplicate keys: the last
// one wins, as in the DOM. One deliberate difference: nesting is bounded at
// kMaxFrameDepth levels (the DOM had no bound); deeper frames are malformed.
//
// Nested objects and arrays inside an item are validated and skipped; their
// kind and raw text are kept so a parser can tell "present but not a number".
// String values and keys without escapes are views into the input; escaped
// ones are decoded into the frame's arena. Every view stays valid until the
// frame is scanned again or the input is freed.
//
// Pure; a FlatFrame is not shared between threads (thread_scratch_frame()
// gives each thread its own).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/result.hpp"

namespace bw {

inline constexpr int kMaxFrameDepth = 64;

struct JsonValue {
  enum class Kind : std::uint8_t {
    null,
    boolean,
    integer,           // fits int64 (nlohmann's number_integer)
    unsigned_integer,  // non-negative, fits uint64 (number_unsigned)
    floating,          // anything else that is a number (number_float)
    string,
    array,
    object
  };
  Kind kind = Kind::null;
  bool boolean = false;
  std::int64_t integer = 0;
  std::uint64_t unsigned_integer = 0;
  double floating = 0;
  // string: the decoded text; array/object: the raw JSON text of the value.
  std::string_view text;

  bool is_number() const {
    return kind == Kind::integer || kind == Kind::unsigned_integer || kind == Kind::floating;
  }
};

struct JsonMember {
  std::string_view key;  // decoded
  JsonValue value;
};

// One flat JSON value of a frame: an object's members (nested containers
// skipped), or, when the value is not an object, no members at all.
struct FlatObject {
  bool is_object = false;
  std::string_view raw;  // the value's JSON text, as it appears in the frame
  std::span<const JsonMember> members;

  // The last member named `key` (the DOM's duplicate-key rule), or nullptr.
  const JsonValue* field(std::string_view key) const {
    for (auto it = members.rbegin(); it != members.rend(); ++it) {
      if (it->key == key) return &it->value;
    }
    return nullptr;
  }
  std::optional<double> number(std::string_view key) const {
    const JsonValue* value = field(key);
    if (!value) return std::nullopt;
    switch (value->kind) {
      case JsonValue::Kind::integer:
        return static_cast<double>(value->integer);
      case JsonValue::Kind::unsigned_integer:
        return static_cast<double>(value->unsigned_integer);
      case JsonValue::Kind::floating:
        return value->floating;
      default:
        return std::nullopt;
    }
  }
  // An integral number: an integer, or a float with no fractional part (as
  // json_fields::integer does for the DOM).
  std::optional<std::int64_t> integer(std::string_view key) const {
    const JsonValue* value = field(key);
    if (!value) return std::nullopt;
    if (value->kind == JsonValue::Kind::integer) return value->integer;
    if (value->kind == JsonValue::Kind::unsigned_integer) {
      return static_cast<std::int64_t>(value->unsigned_integer);
    }
    if (value->kind == JsonValue::Kind::floating) {
      const double d = value->floating;
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
        return static_cast<std::int64_t>(d);
      }
    }
    return std::nullopt;
  }
  std::optional<std::string_view> text(std::string_view key) const {
    const JsonValue* value = field(key);
    if (!value || value->kind != JsonValue::Kind::string) return std::nullopt;
    return value->text;
  }
};

struct FlatFrame {
  JsonValue::Kind top_kind = JsonValue::Kind::null;
  // The top-level object's members when it is an envelope (items_key given).
  FlatObject top;
  // The messages: the elements of a top-level array, the elements of the
  // envelope's `items_key` array (its last occurrence), or the top-level
  // object itself when no items_key is given.
  std::vector<FlatObject> items;

  // Storage behind the views above; reused across scans.
  std::vector<JsonMember> item_members;
  std::vector<JsonMember> top_members;
  std::string arena;  // decoded escaped strings; reserved so it never moves
  struct Span {
    std::size_t first = 0, count = 0;
  };
  std::vector<Span> item_spans;
};

// Scans `text` into `out` (cleared first). An error ("malformed json")
// when the text is not one JSON value; `out` is then unspecified.
Status scan_flat_frame(std::string_view text, std::string_view items_key, FlatFrame& out);

// A per-thread frame whose buffers are reused by every scan on this thread.
FlatFrame& thread_scratch_frame();

}  // namespace bw
