// IngestHub: the one door every validated quote goes through. It counts per
// source, tells the observers (last-quote cache, the SSE quote topic) and
// queues the quote for the engine.
//
//   IngestHub hub(queue, std::chrono::milliseconds(500));
//   hub.register_source("sim");   // optional: lock-free counting for known sources
//   hub.add_observer([&](const Quote& q) { last_quotes.update(q); });
//   hub.add_batch_observer([&](std::span<const Quote> qs) { candles.record(qs); });
//   source.start();   // sources call hub.publish(quote, "sim")
//                     // or hub.publish_batch(quotes, "sim") once per read
//
// A batch costs one engine-queue lock and one consumer wake-up, one counter
// update and one call per batch observer (which can take its own lock once),
// so a busy source publishes what one read brought in as one batch.
// Observers and registered sources are added before the first publish;
// observers must be thread-safe and quick. publish() and publish_batch() are
// safe from any thread. Observers see only accepted quotes, in order.
// Counting a registered source is a relaxed atomic add (no lock); a source
// first seen at publish time is counted under a mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ingest/engine_queue.hpp"
#include "ingest/quote_sink.hpp"

namespace bw {

struct SourceCounters {
  std::uint64_t accepted = 0;       // queued or merged
  std::uint64_t merged = 0;         // of accepted: merged into a pending quote
  std::uint64_t rejected_full = 0;  // refused: queue full past the timeout, or closed
  TimestampMs last_quote_ms = 0;    // the accepted quote's own timestamp; 0: none yet
};

class IngestHub : public QuoteSink {
 public:
  using Observer = std::function<void(const Quote&)>;
  using BatchObserver = std::function<void(std::span<const Quote>)>;

  IngestHub(EngineQueue& queue, std::chrono::milliseconds full_queue_timeout);
  ~IngestHub() override;

  void add_observer(Observer observer);
  void add_batch_observer(BatchObserver observer);
  void register_source(const std::string& name);
  // Hot reload of engine.full_queue_timeout; safe while publishing.
  void set_full_queue_timeout(std::chrono::milliseconds timeout);
  bool publish(const Quote& quote, std::string_view source) override;
  std::vector<std::size_t> publish_batch(std::span<const Quote> quotes,
                                         std::string_view source) override;

  // Sources that published at least once, or were registered.
  std::map<std::string, SourceCounters> counters() const;
  std::optional<SourceCounters> counters(std::string_view source) const;

 private:
  struct AtomicCounters {
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> merged{0};
    std::atomic<std::uint64_t> rejected_full{0};
    std::atomic<TimestampMs> last_quote_ms{0};
    SourceCounters load() const;
  };
  using CounterMap = std::map<std::string, std::unique_ptr<AtomicCounters>, std::less<>>;
  AtomicCounters& counters_for(std::string_view source);

  EngineQueue& queue_;
  std::atomic<std::chrono::milliseconds::rep> full_queue_timeout_ms_;
  std::vector<BatchObserver> observers_;  // constant after the first publish
  CounterMap registered_;                 // constant after the first publish
  mutable std::mutex late_mutex_;
  CounterMap late_;  // guarded by late_mutex_ (the map; values are atomics)
};

}  // namespace bw
