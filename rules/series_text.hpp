// The saved text of a series (indicator or volume window): integers separated
// by single spaces, written by SeriesTextWriter and read back by
// SeriesTextReader, which rejects anything else.
//
//   SeriesTextWriter out; out.add(42).add(wide);  out.text() == "42 123..."
//   SeriesTextReader in(text); std::int64_t v; if (!in.next(v)) return false;
//
// Plain value types; not thread-safe.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace bw {

__extension__ typedef __int128 SeriesWide;
__extension__ typedef unsigned __int128 SeriesUnsignedWide;

inline std::string series_wide_to_string(SeriesWide value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  SeriesUnsignedWide magnitude = negative ? static_cast<SeriesUnsignedWide>(-(value + 1)) + 1
                                          : static_cast<SeriesUnsignedWide>(value);
  std::string digits;
  while (magnitude > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  return negative ? "-" + digits : digits;
}

class SeriesTextWriter {
 public:
  SeriesTextWriter& add(std::int64_t value) { return word(std::to_string(value)); }
  SeriesTextWriter& add_wide(SeriesWide value) { return word(series_wide_to_string(value)); }
  const std::string& text() const { return text_; }

 private:
  SeriesTextWriter& word(const std::string& word) {
    if (!text_.empty()) text_ += ' ';
    text_ += word;
    return *this;
  }
  std::string text_;
};

class SeriesTextReader {
 public:
  explicit SeriesTextReader(std::string_view text) : text_(text) {}

  bool next(std::int64_t& out) {
    std::string_view word;
    if (!take(word)) return false;
    auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), out);
    return error == std::errc{} && end == word.data() + word.size();
  }
  // A 128-bit integer of at most 38 digits.
  bool next_wide(SeriesWide& out) {
    std::string_view word;
    if (!take(word)) return false;
    const bool negative = !word.empty() && word.front() == '-';
    if (negative) word.remove_prefix(1);
    if (word.empty() || word.size() > 38) return false;
    SeriesWide value = 0;
    for (char c : word) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    out = negative ? -value : value;
    return true;
  }
  bool done() const { return pos_ >= text_.size(); }

 private:
  bool take(std::string_view& word) {
    if (pos_ >= text_.size()) return false;
    const std::size_t end = text_.find(' ', pos_);
    word = text_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    return !word.empty();
  }
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace bw
