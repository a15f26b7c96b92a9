// SymbolTable: interns symbols to the dense ids the engine uses for its books.
// Tickers (at most 16 bytes; normalize_symbol allows 15) sit inline in a flat
// open-addressing table of 24-byte cells, so a lookup is one hash of two
// words and usually one cache line; longer text falls back to a node map.
//
//   SymbolTable table;
//   table.insert("AAPL", 0);
//   table.find("AAPL") == 0;  table.find("MSFT") == SymbolTable::kNone
//
// Not thread-safe: owned by one engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bw {

class SymbolTable {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  std::uint32_t find(std::string_view text) const {
    if (text.size() > kInline) {
      auto it = long_.find(std::string(text));
      return it == long_.end() ? kNone : it->second;
    }
    if (cells_.empty()) return kNone;
    const Cell key = pack(text);
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Cell& cell = cells_[i];
      if (cell.id == kNone) return kNone;
      if (cell.a == key.a && cell.b == key.b && cell.length == key.length) return cell.id;
    }
  }

  // `text` must not be in the table yet.
  void insert(std::string_view text, std::uint32_t id) {
    if (text.size() > kInline) {
      long_.emplace(std::string(text), id);
      return;
    }
    if ((size_ + 1) * 2 > cells_.size()) grow();
    Cell cell = pack(text);
    cell.id = id;
    place(cell);
    ++size_;
  }

 private:
  static constexpr std::size_t kInline = 16;
  struct Cell {
    std::uint64_t a = 0;  // the text's first 8 bytes, zero-padded
    std::uint64_t b = 0;  // the next 8
    std::uint32_t id = kNone;
    std::uint32_t length = 0;
  };

  static Cell pack(std::string_view text) {
    char bytes[kInline] = {};
    std::memcpy(bytes, text.data(), text.size());
    Cell cell;
    std::memcpy(&cell.a, bytes, 8);
    std::memcpy(&cell.b, bytes + 8, 8);
    cell.length = static_cast<std::uint32_t>(text.size());
    return cell;
  }

  std::size_t home(const Cell& key) const {
    std::uint64_t h = key.a * 0x9E3779B97F4A7C15ull;
    h ^= (key.b + key.length) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return static_cast<std::size_t>((h * 0x165667B19E3779F9ull) >> shift_);
  }

  void place(const Cell& cell) {
    std::size_t i = home(cell);
    while (cells_[i].id != kNone) i = (i + 1) & mask_;
    cells_[i] = cell;
  }

  void grow() {
    std::vector<Cell> old;
    old.swap(cells_);
    const std::size_t capacity = old.empty() ? 64 : old.size() * 2;
    cells_.assign(capacity, Cell{});
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
    for (const Cell& cell : old) {
      if (cell.id != kNone) place(cell);
    }
  }

  std::vector<Cell> cells_;  // at most half full; size a power of two
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::unordered_map<std::string, std::uint32_t> long_;  // text over 16 bytes
};

}  // namespace bw
