#include "ingest/tick_parsers.hpp"

#include <array>
#include <charconv>
#include <string>

#include "rules/time_text.hpp"

namespace bw {

namespace {

constexpr int kMaxColumns = 32;
using Fields = std::array<std::string_view, kMaxColumns>;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// Splits on commas; returns the field count, or -1 past kMaxColumns.
int split_csv(std::string_view line, Fields& fields) {
  line = trim(line);
  int count = 0;
  while (true) {
    const auto comma = line.find(',');
    if (count == kMaxColumns) return -1;
    fields[count++] = trim(line.substr(0, comma));
    if (comma == std::string_view::npos) return count;
    line.remove_prefix(comma + 1);
  }
}

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  if (text.empty()) return false;
  if (text.front() == '+') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_whole(std::string_view text, std::int64_t& out) {
  return parse_number(text, out);
}

bool parse_double(std::string_view text, double& out) {
  // from_chars also takes "inf"/"nan"; validation refuses non-finite prices.
  return parse_number(text, out);
}

Status optional_double(std::string_view text, std::optional<double>& out, const char* field) {
  if (text.empty()) return {};
  double value = 0;
  if (!parse_double(text, value)) return Error{std::string(field) + ": must be a number"};
  out = value;
  return {};
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

std::string columns_error(int expected, int got) {
  return "columns: expected " + std::to_string(expected) + ", got " + std::to_string(got);
}

}  // namespace

Result<TimestampMs> unix_time_to_ms(std::int64_t value) {
  if (value <= 0) return Error{"ts: must be after 1970-01-01T00:00:00Z"};
  if (value < 100'000'000'000LL) return value * 1000;          // seconds
  if (value < 100'000'000'000'000LL) return value;             // milliseconds
  if (value < 100'000'000'000'000'000LL) return value / 1000;  // microseconds
  return value / 1'000'000;                                    // nanoseconds
}

Result<TimestampMs> parse_tick_time(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    std::int64_t value = 0;
    if (!parse_whole(text, value)) return Error{"ts: is out of range"};
    return unix_time_to_ms(value);
  }
  if (std::optional<TimestampMs> ms = parse_rfc3339(text)) return *ms;
  return Error{"ts: must be RFC 3339 (e.g. 2026-11-26T15:00:00Z) or a Unix time"};
}

Result<CsvLayout> csv_layout_from_header(std::string_view header) {
  Fields fields;
  const int count = split_csv(header, fields);
  if (count < 0) return Error{"header: too many columns"};
  CsvLayout layout{-1, -1, -1, -1, -1, -1, count};
  for (int i = 0; i < count; ++i) {
    int* slot = iequals(fields[i], "ts")       ? &layout.ts
                : iequals(fields[i], "symbol") ? &layout.symbol
                : iequals(fields[i], "price")  ? &layout.price
                : iequals(fields[i], "volume") ? &layout.volume
                : iequals(fields[i], "bid")    ? &layout.bid
                : iequals(fields[i], "ask")    ? &layout.ask
                                               : nullptr;
    if (!slot) {
      return Error{"header: unknown column \"" + std::string(fields[i]) +
                   "\" (expected ts, symbol, price, volume, bid, ask)"};
    }
    if (*slot != -1) return Error{"header: column \"" + std::string(fields[i]) + "\" repeated"};
    *slot = i;
  }
  for (auto [slot, name] : {std::pair{layout.ts, "ts"}, std::pair{layout.symbol, "symbol"},
                            std::pair{layout.price, "price"}}) {
    if (slot == -1) return Error{std::string("header: column \"") + name + "\" is required"};
  }
  if ((layout.bid == -1) != (layout.ask == -1)) {
    return Error{"header: bid and ask come together"};
  }
  return layout;
}

Result<CsvLayout> csv_layout_for_columns(int columns) {
  switch (columns) {
    case 3:
      return CsvLayout{0, 1, 2, -1, -1, -1, 3};
    case 4:
      return CsvLayout{0, 1, 2, 3, -1, -1, 4};
    case 5:
      return CsvLayout{0, 1, 2, -1, 3, 4, 5};
    case 6:
      return CsvLayout{0, 1, 2, 3, 4, 5, 6};
    default:
      return Error{"columns: expected ts,symbol,price[,volume][,bid,ask] (3 to 6), got " +
                   std::to_string(columns)};
  }
}

bool looks_like_csv_header(std::string_view line) {
  Fields fields;
  if (split_csv(line, fields) < 1) return false;
  return !parse_tick_time(fields[0]).ok();
}

Result<RawQuote> parse_csv_row(std::string_view line, const CsvLayout& layout) {
  Fields fields;
  const int count = split_csv(line, fields);
  if (count != layout.columns) return Error{columns_error(layout.columns, count)};
  RawQuote raw;
  Result<TimestampMs> ts = parse_tick_time(fields[layout.ts]);
  if (!ts) return Error{ts.error()};
  raw.ts_ms = *ts;
  raw.symbol.assign(fields[layout.symbol]);
  if (!parse_double(fields[layout.price], raw.price)) return Error{"price: must be a number"};
  if (layout.volume >= 0 && !fields[layout.volume].empty()) {
    std::int64_t volume = 0;
    if (!parse_whole(fields[layout.volume], volume)) return Error{"volume: must be a whole number"};
    raw.volume = volume;
  }
  if (layout.bid >= 0) {
    if (Status s = optional_double(fields[layout.bid], raw.bid, "bid"); !s) return Error{s.error()};
    if (Status s = optional_double(fields[layout.ask], raw.ask, "ask"); !s) return Error{s.error()};
  }
  return raw;
}

bool is_databento_header(std::string_view header) {
  return header.find("ts_recv") != std::string_view::npos &&
         header.find("rtype") != std::string_view::npos;
}

Result<DatabentoLayout> databento_layout(std::string_view header) {
  Fields fields;
  const int count = split_csv(header, fields);
  if (count < 0) return Error{"header: too many columns"};
  DatabentoLayout layout;
  layout.columns = count;
  for (int i = 0; i < count; ++i) {
    if (fields[i] == "ts_recv") layout.ts_recv = i;
    if (fields[i] == "action") layout.action = i;
    if (fields[i] == "price") layout.price = i;
    if (fields[i] == "size") layout.size = i;
    if (fields[i] == "symbol") layout.symbol = i;
  }
  for (auto [slot, name] : {std::pair{layout.ts_recv, "ts_recv"},
                            std::pair{layout.action, "action"}, std::pair{layout.price, "price"},
                            std::pair{layout.size, "size"}, std::pair{layout.symbol, "symbol"}}) {
    if (slot == -1) {
      return Error{std::string("header: Databento column \"") + name +
                   "\" is missing (export trades with map_symbols=true)"};
    }
  }
  return layout;
}

Result<RawQuote> parse_databento_row(std::string_view line, const DatabentoLayout& layout) {
  Fields fields;
  const int count = split_csv(line, fields);
  if (count != layout.columns) return Error{columns_error(layout.columns, count)};
  if (fields[layout.action] != "T") return Error{"action: not a trade"};
  RawQuote raw;
  Result<TimestampMs> ts = parse_tick_time(fields[layout.ts_recv]);
  if (!ts) return Error{"ts_recv: " + ts.error().substr(4)};
  raw.ts_ms = *ts;
  raw.symbol.assign(fields[layout.symbol]);
  const std::string_view price = fields[layout.price];
  if (price.find('.') != std::string_view::npos) {
    if (!parse_double(price, raw.price)) return Error{"price: must be a number"};
  } else {
    std::int64_t nanos = 0;  // fixed point, 1e-9 units; INT64_MAX means undefined
    if (!parse_whole(price, nanos) || nanos == INT64_MAX) {
      return Error{"price: must be a number (decimal, or an integer in units of 1e-9)"};
    }
    raw.price = static_cast<double>(nanos / 1'000'000'000) +
                static_cast<double>(nanos % 1'000'000'000) / 1e9;
  }
  std::int64_t size = 0;
  if (!parse_whole(fields[layout.size], size)) return Error{"size: must be a whole number"};
  raw.volume = size;
  return raw;
}

// ---- NDJSON ---------------------------------------------------------------

namespace {

// A cursor over one line holding a flat JSON object.
class FlatJson {
 public:
  explicit FlatJson(std::string_view text) : text_(text) {}

  enum class Kind { string, number, literal_true, literal_false, null };
  struct Value {
    Kind kind = Kind::null;
    std::string_view text;  // number text, or string contents (decoded when escaped)
    bool integer = false;   // number without fraction or exponent
  };

  std::optional<std::string> error;

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\n'))
      ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  bool fail(const char* what) {
    if (!error) {
      error =
          std::string("malformed JSON (") + what + " at column " + std::to_string(pos_ + 1) + ")";
    }
    return false;
  }

  // A string at the cursor; `scratch` holds it when it has escapes.
  bool string(std::string_view& out, std::string& scratch) {
    if (!consume('"')) return fail("expected a string");
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        out = text_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c == '\\') return escaped_string(start, out, scratch);
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      ++pos_;
    }
    return fail("unterminated string");
  }

  bool value(Value& out, std::string& scratch) {
    const char c = peek();
    if (c == '"') {
      out.kind = Kind::string;
      return string(out.text, scratch);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(out);
    if (literal("true")) return out.kind = Kind::literal_true, true;
    if (literal("false")) return out.kind = Kind::literal_false, true;
    if (literal("null")) return out.kind = Kind::null, true;
    if (c == '{' || c == '[') return fail("nested objects and arrays are not accepted");
    return fail("expected a value");
  }

 private:
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool digits() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(Value& out) {
    const std::size_t start = pos_;
    consume('-');
    if (consume('0')) {
      // a leading zero stands alone
    } else if (!digits()) {
      return fail("expected a digit");
    }
    out.integer = true;
    if (consume('.')) {
      out.integer = false;
      if (!digits()) return fail("expected a digit after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      out.integer = false;
      if (!consume('+')) consume('-');
      if (!digits()) return fail("expected a digit in the exponent");
    }
    out.kind = Kind::number;
    out.text = text_.substr(start, pos_ - start);
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(std::uint32_t& out) {
    if (pos_ + 4 > text_.size()) return fail("short \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      out <<= 4;
      if (c >= '0' && c <= '9')
        out |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        out |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        out |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return fail("bad \\u escape");
    }
    return true;
  }

  bool escaped_string(std::size_t start, std::string_view& out, std::string& scratch) {
    scratch.assign(text_.substr(start, pos_ - start));
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') {
        out = scratch;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        scratch += c;
        continue;
      }
      if (at_end()) break;
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          scratch += '"';
          break;
        case '\\':
          scratch += '\\';
          break;
        case '/':
          scratch += '/';
          break;
        case 'b':
          scratch += '\b';
          break;
        case 'f':
          scratch += '\f';
          break;
        case 'n':
          scratch += '\n';
          break;
        case 'r':
          scratch += '\r';
          break;
        case 't':
          scratch += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
            std::uint32_t low = 0;
            if (!consume('\\') || !consume('u') || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
              return fail("unpaired surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("unpaired surrogate");
          }
          append_utf8(scratch, cp);
          break;
        }
        default:
          return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

constexpr unsigned kSymbol = 1, kPrice = 2, kVolume = 4, kTs = 8, kBid = 16, kAsk = 32,
                   kPrevClose = 64, kSeq = 128;

unsigned field_of(std::string_view key) {
  switch (key.size()) {
    case 2:
      return key == "ts" ? kTs : 0;
    case 3:
      return key == "bid" ? kBid : key == "ask" ? kAsk : key == "seq" ? kSeq : 0;
    case 5:
      return key == "price" ? kPrice : 0;
    case 6:
      return key == "symbol" ? kSymbol : key == "volume" ? kVolume : 0;
    case 10:
      return key == "prev_close" ? kPrevClose : 0;
    default:
      return 0;
  }
}

Status assign_field(unsigned field, std::string_view key, const FlatJson::Value& value,
                    NdjsonQuote& out) {
  using Kind = FlatJson::Kind;
  RawQuote& raw = out.quote;
  const bool null = value.kind == Kind::null;
  switch (field) {
    case kSymbol:
      if (value.kind != Kind::string) return Error{"symbol: must be a string"};
      raw.symbol.assign(value.text);
      return {};
    case kPrice:
      if (value.kind != Kind::number || !parse_double(value.text, raw.price)) {
        return Error{"price: must be a number"};
      }
      return {};
    case kVolume: {
      if (null) return {};
      std::int64_t volume = 0;
      if (value.kind != Kind::number || !value.integer || !parse_whole(value.text, volume)) {
        return Error{"volume: must be a whole number"};
      }
      raw.volume = volume;
      return {};
    }
    case kBid:
    case kAsk:
    case kPrevClose: {
      if (null) return {};
      std::optional<double>& target = field == kBid   ? raw.bid
                                      : field == kAsk ? raw.ask
                                                      : raw.prev_close;
      double number = 0;
      if (value.kind != Kind::number || !parse_double(value.text, number)) {
        return Error{std::string(key) + ": must be a number"};
      }
      target = number;
      return {};
    }
    case kTs: {
      if (null) return {};
      if (value.kind == Kind::number && value.integer) {
        std::int64_t number = 0;
        if (!parse_whole(value.text, number)) return Error{"ts: is out of range"};
        Result<TimestampMs> ms = unix_time_to_ms(number);
        if (!ms) return Error{ms.error()};
        raw.ts_ms = *ms;
        return {};
      }
      if (value.kind != Kind::string) return Error{"ts: must be RFC 3339 text or a Unix time"};
      Result<TimestampMs> ms = parse_tick_time(value.text);
      if (!ms) return Error{ms.error()};
      raw.ts_ms = *ms;
      return {};
    }
    case kSeq: {
      if (null) return {};
      std::uint64_t seq = 0;
      if (value.kind != Kind::number || !value.integer || !parse_number(value.text, seq)) {
        return Error{"seq: must be a non-negative whole number"};
      }
      out.sequence = seq;
      return {};
    }
    default:
      return Error{std::string(key) + ": unknown field"};
  }
}

}  // namespace

Result<NdjsonQuote> parse_ndjson_quote(std::string_view line) {
  FlatJson json(line);
  NdjsonQuote out;
  std::string key_scratch;
  std::string value_scratch;
  unsigned seen = 0;
  std::optional<std::string> field_error;  // the first field problem, reported after syntax
  json.skip_space();
  if (!json.consume('{')) {
    json.fail("expected '{'");
    return Error{*json.error};
  }
  json.skip_space();
  if (!json.consume('}')) {
    while (true) {
      json.skip_space();
      std::string_view key;
      FlatJson::Value value;
      if (!json.string(key, key_scratch)) break;
      json.skip_space();
      if (!json.consume(':')) {
        json.fail("expected ':'");
        break;
      }
      json.skip_space();
      if (!json.value(value, value_scratch)) break;
      if (!field_error) {
        const unsigned field = field_of(key);
        if (field && (seen & field)) {
          field_error = std::string(key) + ": appears twice";
        } else {
          seen |= field;
          if (Status s = assign_field(field, key, value, out); !s) field_error = s.error();
        }
      }
      json.skip_space();
      if (json.consume(',')) continue;
      if (json.consume('}')) break;
      json.fail("expected ',' or '}'");
      break;
    }
  }
  if (!json.error) {
    json.skip_space();
    if (!json.at_end()) json.fail("trailing characters");
  }
  if (json.error) return Error{*json.error};
  if (field_error) return Error{*field_error};
  if (!(seen & kSymbol)) return Error{"symbol: is required"};
  if (!(seen & kPrice)) return Error{"price: is required"};
  return out;
}

}  // namespace bw
