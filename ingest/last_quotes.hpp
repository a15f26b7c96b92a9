// LastQuotes: the latest quote of every symbol seen, for the REST API.
//
//   last_quotes.update(quote);
//   std::optional<Quote> q = last_quotes.find("AAPL");
//
// Thread-safe: writers and readers from any thread (a shared mutex).
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "rules/quote.hpp"

namespace bw {

class LastQuotes {
 public:
  void update(const Quote& quote) {
    std::unique_lock lock(mutex_);
    quotes_[quote.symbol] = quote;
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
