// MultiRowSql: a batch of rows written with a few statements of many rows
// each instead of one statement per row. The chunk sizes are largest first:
// the batch goes in as full chunks of the first size, the remainder as chunks
// of the smaller ones (a batch of 256 at {64, 32, …, 1} is four statements).
// There is one statement text per size, built once, for the caller to keep
// prepared (sql::kReused).
//
//   static const MultiRowSql<3> inserts({64, 8, 1}, "INSERT INTO t (a, b) VALUES ", 2);
//   inserts.for_each_chunk(rows.size(), [&](const std::string& text, std::size_t first,
//                                           std::size_t size) {
//     sql::Statement insert(c, sql::kReused, text);   // binds (row - first) * 2 + 1, + 2
//     ...
//   });
//
// Keep columns × the largest size under SQLite's 32766 parameters.
// Immutable after construction: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace bw {

template <std::size_t N>
class MultiRowSql {
 public:
  // Each text: `head`, then `rows` groups of `columns` placeholders, then `tail`.
  MultiRowSql(std::array<std::size_t, N> sizes, std::string_view head, std::size_t columns,
              std::string_view tail = "")
      : sizes_(sizes) {
    std::string row = "(";
    for (std::size_t column = 0; column < columns; ++column) row += column == 0 ? "?" : ",?";
    row += ")";
    for (std::size_t k = 0; k < N; ++k) {
      texts_[k] = head;
      for (std::size_t r = 0; r < sizes_[k]; ++r) {
        if (r > 0) texts_[k] += ",";
        texts_[k] += row;
      }
      texts_[k] += tail;
    }
  }

  // Calls write(text, first_row, size) for consecutive chunks covering rows
  // [0, count), in order.
  template <typename Write>
  void for_each_chunk(std::size_t count, Write&& write) const {
    std::size_t next = 0;
    for (std::size_t k = 0; k < N; ++k) {
      while (count - next >= sizes_[k]) {
        write(texts_[k], next, sizes_[k]);
        next += sizes_[k];
      }
    }
  }

 private:
  std::array<std::size_t, N> sizes_;
  std::array<std::string, N> texts_;
};

}  // namespace bw
