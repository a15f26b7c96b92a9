// Helpers for the provider source tests: a wall clock (the fakes stamp ticks
// with the real time), a thread-safe recording sink, and polling waits.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ingest/quote_sink.hpp"
#include "ingest/quote_source.hpp"
#include "rules/clock.hpp"

namespace bw::testing {

class WallClock : public Clock {
 public:
  TimestampMs now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

class CollectingSink : public QuoteSink {
 public:
  bool publish(const Quote& quote, std::string_view) override {
    std::lock_guard lock(mutex_);
    quotes_.push_back(quote);
    return true;
  }
  std::vector<Quote> quotes() const {
    std::lock_guard lock(mutex_);
    return quotes_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return quotes_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Quote> quotes_;
};

// Polls `condition` until it holds or ~15 s pass; returns whether it held.
inline bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

inline SourceHealth health_of(const QuoteSource& source) {
  return source.health(WallClock().now_ms(), std::chrono::seconds(60));
}

inline std::size_t count_containing(const std::vector<std::string>& lines,
                                    const std::string& needle) {
  std::size_t n = 0;
  for (const auto& line : lines) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace bw::testing
