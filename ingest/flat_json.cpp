#include "ingest/flat_json.hpp"

#include <charconv>
#include <cstdlib>
#include <limits>

namespace bw {

namespace {

using Kind = JsonValue::Kind;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// One pass over the input; every method returns false (with error_ set) on
// the first byte that is not valid JSON.
class Scanner {
 public:
  Scanner(std::string_view text, std::string& arena)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), arena_(arena) {}

  const char* error() const { return error_; }  // what was wrong, for debugging

  void skip_bom() {
    if (end_ - p_ >= 3 && p_[0] == '\xEF' && p_[1] == '\xBB' && p_[2] == '\xBF') p_ += 3;
  }

  void whitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool at_end() const { return p_ == end_; }
  char peek() const { return p_ < end_ ? *p_ : '\0'; }
  const char* position() const { return p_; }
  void advance() { ++p_; }

  bool fail(const char* reason) {
    error_ = reason;
    return false;
  }

  bool expect(char c, const char* reason) {
    whitespace();
    if (p_ == end_ || *p_ != c) return fail(reason);
    ++p_;
    return true;
  }

  // After a member or element: true with `more` set when a ',' follows,
  // false-with-`more` unset when `close` ends the container.
  bool next(char close, bool& more) {
    whitespace();
    if (p_ < end_ && *p_ == ',') {
      ++p_;
      more = true;
      return true;
    }
    if (p_ < end_ && *p_ == close) {
      ++p_;
      more = false;
      return true;
    }
    return fail(close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
  }

  bool key(std::string_view& out) {
    whitespace();
    if (p_ == end_ || *p_ != '"') return fail("expected a string key");
    if (!string(out)) return false;
    return expect(':', "expected ':'");
  }

  // Any value at `depth`: scalars are read into `out`, containers validated
  // and skipped (kind and raw text kept).
  bool value(JsonValue& out, int depth) {
    whitespace();
    if (p_ == end_) return fail("unexpected end of input");
    switch (*p_) {
      case '"':
        out.kind = Kind::string;
        return string(out.text);
      case '{':
      case '[': {
        const char* start = p_;
        out.kind = *p_ == '{' ? Kind::object : Kind::array;
        if (!skip_container(depth)) return false;
        out.text = std::string_view(start, static_cast<std::size_t>(p_ - start));
        return true;
      }
      case 't':
        return literal("true", Kind::boolean, true, out);
      case 'f':
        return literal("false", Kind::boolean, false, out);
      case 'n':
        return literal("null", Kind::null, false, out);
      default:
        return number(out);
    }
  }

 private:
  bool literal(std::string_view word, Kind kind, bool truth, JsonValue& out) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return fail("invalid literal");
    }
    p_ += word.size();
    out.kind = kind;
    out.boolean = truth;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, typed as nlohmann types it.
  bool number(JsonValue& out) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !is_digit(*p_)) return fail("invalid value");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    const char* integral_end = p_;
    bool fractional = false;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return fail("invalid number: digits must follow '.'");
      while (p_ < end_ && is_digit(*p_)) ++p_;
      fractional = true;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) return fail("invalid number: digits must follow 'e'");
      while (p_ < end_ && is_digit(*p_)) ++p_;
      fractional = true;
    }
    if (!fractional && integer(start, integral_end, negative, out)) return true;
    return floating(start, p_, out);
  }

  // False when the integer does not fit its nlohmann kind: it is a float then.
  static bool integer(const char* start, const char* end, bool negative, JsonValue& out) {
    const char* digits = start + (negative ? 1 : 0);
    if (end - digits <= 18) {  // cannot overflow
      std::uint64_t value = 0;
      for (const char* d = digits; d < end; ++d)
        value = value * 10 + static_cast<unsigned>(*d - '0');
      if (negative) {
        out.kind = Kind::integer;
        out.integer = -static_cast<std::int64_t>(value);
      } else {
        out.kind = Kind::unsigned_integer;
        out.unsigned_integer = value;
      }
      return true;
    }
    if (negative) {
      auto [ptr, ec] = std::from_chars(start, end, out.integer);
      if (ec != std::errc() || ptr != end) return false;
      out.kind = Kind::integer;
      return true;
    }
    auto [ptr, ec] = std::from_chars(digits, end, out.unsigned_integer);
    if (ec != std::errc() || ptr != end) return false;
    out.kind = Kind::unsigned_integer;
    return true;
  }

  // Correctly rounded like strtod (which nlohmann uses); a value that
  // overflows to infinity is an error there, so it is one here.
  bool floating(const char* start, const char* end, JsonValue& out) {
    auto [ptr, ec] = std::from_chars(start, end, out.floating);
    if (ec == std::errc() && ptr == end) {
      out.kind = Kind::floating;
      return true;
    }
    // Out of range: overflow (an error) or underflow (strtod's denormal or 0).
    const std::string token(start, end);
    out.floating = std::strtod(token.c_str(), nullptr);
    if (!std::isfinite(out.floating)) return fail("number overflow");
    out.kind = Kind::floating;
    return true;
  }

  // At '"'. Views into the input unless the string has escapes.
  bool string(std::string_view& out) {
    const char* start = ++p_;
    while (p_ < end_) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\') return escaped_string(start, out);
      if (c < 0x20) return fail("control character in a string");
      if (c >= 0x80) {
        if (!utf8()) return false;
      } else {
        ++p_;
      }
    }
    return fail("unterminated string");
  }

  // Continues a string at its first backslash, decoding into the arena.
  bool escaped_string(const char* start, std::string_view& out) {
    // Decoded text is never longer than its JSON spelling, so with the whole
    // input's size reserved the arena never reallocates (earlier views stay).
    // (The arena is empty at the first escape of a scan.)
    const auto input_size = static_cast<std::size_t>(end_ - begin_);
    if (arena_.capacity() < input_size) arena_.reserve(input_size);
    const std::size_t first = arena_.size();
    arena_.append(start, p_);
    while (p_ < end_) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        out = std::string_view(arena_.data() + first, arena_.size() - first);
        return true;
      }
      if (c < 0x20) return fail("control character in a string");
      if (c >= 0x80) {
        const char* from = p_;
        if (!utf8()) return false;
        arena_.append(from, p_);
        continue;
      }
      if (c != '\\') {
        arena_ += static_cast<char>(c);
        ++p_;
        continue;
      }
      if (!escape()) return false;
    }
    return fail("unterminated string");
  }

  // At a backslash inside a string.
  bool escape() {
    ++p_;
    if (p_ == end_) return fail("unterminated string");
    switch (*p_++) {
      case '"':
        arena_ += '"';
        return true;
      case '\\':
        arena_ += '\\';
        return true;
      case '/':
        arena_ += '/';
        return true;
      case 'b':
        arena_ += '\b';
        return true;
      case 'f':
        arena_ += '\f';
        return true;
      case 'n':
        arena_ += '\n';
        return true;
      case 'r':
        arena_ += '\r';
        return true;
      case 't':
        arena_ += '\t';
        return true;
      case 'u':
        break;
      default:
        return fail("invalid escape");
    }
    std::uint32_t code_point = 0;
    if (!hex4(code_point)) return false;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
      return fail("\\u escape: a low surrogate without a high one");
    }
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
        return fail("\\u escape: a high surrogate must be followed by a low one");
      }
      p_ += 2;
      std::uint32_t low = 0;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        return fail("\\u escape: a high surrogate must be followed by a low one");
      }
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(arena_, code_point);
    return true;
  }

  bool hex4(std::uint32_t& out) {
    if (end_ - p_ < 4) return fail("\\u escape: four hex digits expected");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(p_[i]);
      if (digit < 0) return fail("\\u escape: four hex digits expected");
      out = out * 16 + static_cast<std::uint32_t>(digit);
    }
    p_ += 4;
    return true;
  }

  // One well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
  // nothing above U+10FFFF) starting at a byte >= 0x80.
  bool utf8() {
    const auto byte = [&](std::ptrdiff_t i) {
      return p_ + i < end_ ? static_cast<unsigned char>(p_[i]) : 0u;
    };
    const auto in = [](unsigned b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
    const unsigned b0 = byte(0);
    int length = 0;
    if (in(b0, 0xC2, 0xDF)) {
      length = in(byte(1), 0x80, 0xBF) ? 2 : 0;
    } else if (b0 == 0xE0) {
      length = in(byte(1), 0xA0, 0xBF) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
    } else if (in(b0, 0xE1, 0xEC) || in(b0, 0xEE, 0xEF)) {
      length = in(byte(1), 0x80, 0xBF) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
    } else if (b0 == 0xED) {
      length = in(byte(1), 0x80, 0x9F) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
    } else if (b0 == 0xF0) {
      length =
          in(byte(1), 0x90, 0xBF) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
    } else if (in(b0, 0xF1, 0xF3)) {
      length =
          in(byte(1), 0x80, 0xBF) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
    } else if (b0 == 0xF4) {
      length =
          in(byte(1), 0x80, 0x8F) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
    }
    if (length == 0) return fail("invalid UTF-8 in a string");
    p_ += length;
    return true;
  }

  // At '{' or '['. Iterative, so depth costs no stack; bounded at kMaxFrameDepth.
  bool skip_container(int depth) {
    std::uint64_t is_object = 0;  // bit i: level i (relative) is an object
    int level = -1;
    bool need_value = true;  // the next thing is a value (else: ',' or a close)
    for (;;) {
      whitespace();
      if (need_value) {
        need_value = false;
        if (p_ == end_) return fail("unexpected end of input");
        if (*p_ == '{' || *p_ == '[') {
          ++level;
          if (depth + level > kMaxFrameDepth) return fail("nested deeper than 64 levels");
          const bool object = *p_ == '{';
          is_object = object ? (is_object | (1ull << level)) : (is_object & ~(1ull << level));
          ++p_;
          whitespace();
          if (p_ < end_ && *p_ == (object ? '}' : ']')) {
            ++p_;
            if (--level < 0) return true;
            continue;
          }
          if (!skip_key_in(object)) return false;
          need_value = true;
          continue;
        }
        JsonValue ignored;
        if (!value(ignored, depth + level + 1)) return false;
        continue;
      }
      const bool object = (is_object >> level) & 1;
      bool more = false;
      if (!next(object ? '}' : ']', more)) return false;
      if (!more) {
        if (--level < 0) return true;
        continue;
      }
      if (!skip_key_in(object)) return false;
      need_value = true;
    }
  }

  // After an opening '{' or a ',' in an object, the member's key and ':'
  // come before its value; in an array there is nothing to skip.
  bool skip_key_in(bool object) {
    if (!object) return true;
    std::string_view ignored;
    return key(ignored);
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::string& arena_;
  const char* error_ = nullptr;
};

std::string_view between(const char* from, const char* to) {
  return std::string_view(from, static_cast<std::size_t>(to - from));
}

// Reads frames into a FlatFrame with a Scanner.
class FrameReader {
 public:
  FrameReader(Scanner& scanner, FlatFrame& frame) : in_(scanner), frame_(frame) {}

  // One member list at '{' (depth: the object's own) into `members`.
  bool members(std::vector<JsonMember>& members, int depth) {
    if (depth > kMaxFrameDepth) return in_.fail("nested deeper than 64 levels");
    in_.advance();
    in_.whitespace();
    if (in_.peek() == '}') {
      in_.advance();
      return true;
    }
    for (bool more = true; more;) {
      JsonMember& member = members.emplace_back();
      if (!in_.key(member.key) || !in_.value(member.value, depth + 1)) return false;
      if (!in_.next('}', more)) return false;
    }
    return true;
  }

  // One item at the current position (after whitespace).
  bool item(int depth) {
    const char* start = in_.position();
    FlatFrame::Span span{frame_.item_members.size(), 0};
    FlatObject object;
    if (in_.peek() == '{') {
      if (!members(frame_.item_members, depth)) return false;
      object.is_object = true;
      span.count = frame_.item_members.size() - span.first;
    } else {
      JsonValue ignored;
      if (!in_.value(ignored, depth)) return false;
    }
    object.raw = between(start, in_.position());
    frame_.items.push_back(object);
    frame_.item_spans.push_back(span);
    return true;
  }

  // An array of items at '['; replaces any items read before (last key wins).
  bool items(int depth) {
    if (depth > kMaxFrameDepth) return in_.fail("nested deeper than 64 levels");
    frame_.items.clear();
    frame_.item_spans.clear();
    frame_.item_members.clear();
    in_.advance();
    in_.whitespace();
    if (in_.peek() == ']') {
      in_.advance();
      return true;
    }
    for (bool more = true; more;) {
      in_.whitespace();
      if (!item(depth + 1)) return false;
      if (!in_.next(']', more)) return false;
    }
    return true;
  }

  // The envelope object at '{': its members, with `items_key`'s array read as items.
  bool envelope(std::string_view items_key) {
    const char* start = in_.position();
    in_.advance();
    in_.whitespace();
    if (in_.peek() == '}') {
      in_.advance();
    } else {
      for (bool more = true; more;) {
        std::string_view key;
        if (!in_.key(key)) return false;
        JsonMember member{key, {}};
        in_.whitespace();
        if (key == items_key && in_.peek() == '[') {
          const char* value_start = in_.position();
          if (!items(2)) return false;
          member.value.kind = JsonValue::Kind::array;
          member.value.text = between(value_start, in_.position());
        } else if (!in_.value(member.value, 2)) {
          return false;
        }
        frame_.top_members.push_back(member);
        if (!in_.next('}', more)) return false;
      }
    }
    frame_.top.is_object = true;
    frame_.top.raw = between(start, in_.position());
    return true;
  }

 private:
  Scanner& in_;
  FlatFrame& frame_;
};

}  // namespace

Status scan_flat_frame(std::string_view text, std::string_view items_key, FlatFrame& out) {
  out.top_kind = JsonValue::Kind::null;
  out.top = FlatObject{};
  out.items.clear();
  out.item_spans.clear();
  out.item_members.clear();
  out.top_members.clear();
  out.arena.clear();
  Scanner in(text, out.arena);
  FrameReader reader(in, out);
  in.skip_bom();
  in.whitespace();
  bool ok = true;
  if (in.peek() == '[') {
    out.top_kind = JsonValue::Kind::array;
    ok = reader.items(1);
  } else if (in.peek() == '{') {
    out.top_kind = JsonValue::Kind::object;
    ok = items_key.empty() ? reader.item(1) : reader.envelope(items_key);
  } else {
    JsonValue top;
    ok = in.value(top, 1);
    out.top_kind = top.kind;
  }
  if (ok) {
    in.whitespace();
    if (!in.at_end()) ok = in.fail("unexpected text after the JSON value");
  }
  // The reason stays "malformed json", as with the DOM parser: it is the
  // rejection reason sources count and show. in.error() has the detail.
  if (!ok) return Error{"malformed json"};
  for (std::size_t i = 0; i < out.items.size(); ++i) {
    out.items[i].members = std::span<const JsonMember>(
        out.item_members.data() + out.item_spans[i].first, out.item_spans[i].count);
  }
  out.top.members = std::span<const JsonMember>(out.top_members);
  return {};
}

FlatFrame& thread_scratch_frame() {
  thread_local FlatFrame frame;
  return frame;
}

}  // namespace bw
