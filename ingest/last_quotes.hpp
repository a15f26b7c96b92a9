// LastQuotes: the latest quote of every symbol seen, for the REST API.
//
//   last_quotes.update(quote);
//   last_quotes.update(std::span<const Quote>(batch));   // one lock for a batch
//   std::optional<Quote> q = last_quotes.find("AAPL");
//
// Thread-safe: writers and readers from any thread (a shared mutex).
#pragma once

#include <algorithm>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "rules/quote.hpp"

namespace bw {

class LastQuotes {
 public:
  void update(const Quote& quote) {
    std::unique_lock lock(mutex_);
    quotes_[quote.symbol] = quote;
  }
  void update(std::span<const Quote> quotes) {
    std::unique_lock lock(mutex_);
    for (const Quote& quote : quotes) quotes_[quote.symbol] = quote;
  }
  // Every symbol's latest quote, ordered by symbol.
  std::vector<Quote> all() const {
    std::vector<Quote> out;
    {
      std::shared_lock lock(mutex_);
      out.reserve(quotes_.size());
      for (const auto& [symbol, quote] : quotes_) out.push_back(quote);
    }
    std::sort(out.begin(), out.end(),
              [](const Quote& a, const Quote& b) { return a.symbol < b.symbol; });
    return out;
  }

  std::optional<Quote> find(const Symbol& symbol) const {
    std::shared_lock lock(mutex_);
    auto it = quotes_.find(symbol);
    if (it == quotes_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<Symbol, Quote> quotes_;  // guarded by mutex_
};

}  // namespace bw
