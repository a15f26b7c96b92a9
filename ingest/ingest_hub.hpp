// IngestHub: the one door every validated quote goes through. It counts per
// source, tells the observers (last-quote cache, the SSE quote topic) and
// queues the quote for the engine.
//
//   IngestHub hub(queue, std::chrono::milliseconds(500));
//   hub.add_observer([&](const Quote& q) { last_quotes.update(q); });
//   source.start();   // sources call hub.publish(quote, "sim")
//
// Observers are added before the first publish and must be thread-safe and
// quick. publish() is safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/engine_queue.hpp"
#include "ingest/quote_sink.hpp"

namespace bw {

struct SourceCounters {
  std::uint64_t accepted = 0;
  std::uint64_t rejected_full = 0;
};

class IngestHub : public QuoteSink {
 public:
  using Observer = std::function<void(const Quote&)>;

  IngestHub(EngineQueue& queue, std::chrono::milliseconds full_queue_timeout);

  void add_observer(Observer observer);
  bool publish(const Quote& quote, std::string_view source) override;

  std::map<std::string, SourceCounters> counters() const;

 private:
  EngineQueue& queue_;
  const std::chrono::milliseconds full_queue_timeout_;
  std::vector<Observer> observers_;  // constant after the first publish
  mutable std::mutex counters_mutex_;
  std::map<std::string, SourceCounters, std::less<>> counters_;  // guarded by counters_mutex_
};

}  // namespace bw
