// PagedVector: a growable array of default-constructible records kept in
// fixed pages of 2^PageBits records instead of one block, so growing it
// never copies the whole array and its spare capacity is at most the rest of
// one page (a std::vector grown by 1.25x keeps up to 25 % spare; by 2x, up to
// 50 %). The last page grows 2x until it is full, so a small array stays
// small. Indexing costs one more load than a vector (the page's address).
//
//   PagedVector<Record, 12> records;
//   records.emplace_back();           // may move the last page's records
//   records[i].field = 1;
//
// References stay valid until the next emplace_back. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace bw {

template <typename T, unsigned PageBits>
class PagedVector {
 public:
  static constexpr std::size_t kPage = std::size_t{1} << PageBits;

  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return pages_[i >> PageBits][i & (kPage - 1)]; }
  const T& operator[](std::size_t i) const { return pages_[i >> PageBits][i & (kPage - 1)]; }

  T& emplace_back() {
    const std::size_t in_page = size_ & (kPage - 1);
    if (in_page == 0 && (pages_.empty() || last_capacity_ == kPage)) {
      pages_.push_back(std::make_unique<T[]>(std::min<std::size_t>(kPage, 16)));
      last_capacity_ = std::min<std::size_t>(kPage, 16);
    } else if (in_page == last_capacity_) {
      const std::size_t capacity = std::min(kPage, last_capacity_ * 2);
      auto page = std::make_unique<T[]>(capacity);
      std::move(pages_.back().get(), pages_.back().get() + in_page, page.get());
      pages_.back() = std::move(page);
      last_capacity_ = capacity;
    }
    T& record = (*this)[size_++];
    record = T{};
    return record;
  }

  // Heap bytes held: the pages (capacity, not size) and the page table.
  std::size_t capacity_bytes() const {
    if (pages_.empty()) return 0;
    return ((pages_.size() - 1) * kPage + last_capacity_) * sizeof(T) +
           pages_.capacity() * sizeof(std::unique_ptr<T[]>);
  }

 private:
  std::vector<std::unique_ptr<T[]>> pages_;  // all full-size but the last
  std::size_t last_capacity_ = 0;            // records the last page holds
  std::size_t size_ = 0;
};

}  // namespace bw
