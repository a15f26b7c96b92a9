// PriceFlusher: writes the engine's restart snapshot of each symbol — last
// price, session day and series states — on its own thread, so the engine
// thread does not wait for the notifier or the database on every flush (a
// flush of 1,000 symbols holds the writer for several milliseconds; on the
// engine thread that delayed every quote behind it: docs/BENCHMARKS.md,
// "Quote → notification: where the time goes").
//
//   PriceFlusher flusher(wait_for_fires, prices);
//   flusher.start();
//   flusher.submit(ticket, std::move(snapshot));  // engine thread
//   flusher.stop();   // writes what is pending, then joins
//
// Ordering: a snapshot submitted with fire ticket T is written only after
// `wait_for_fires(T)` returned (the notifier committed every fire up to T), so
// a stored last price is never past a crossing whose fire is not stored. A
// newer snapshot of a symbol replaces an older unwritten one, and snapshots
// are written in the order they were submitted. Rows go out in transactions
// of at most kChunk, so a notification commit waits for at most one chunk,
// with kChunkGap between chunks (none once stopping), so a flush of 1,000
// symbols is 16 short bursts rather than one of 3 ms that the quote →
// notification path would queue behind on a small machine. A
// failed write is kept (unless replaced) and retried after kRetryDelay; on
// stop it gets one last try. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/price_repository.hpp"

namespace bw {

class PriceFlusher {
 public:
  using WaitForFires = std::function<void(std::uint64_t ticket)>;
  static constexpr std::size_t kChunk = 64;
  static constexpr std::chrono::milliseconds kRetryDelay{200};
  static constexpr std::chrono::milliseconds kChunkGap{1};

  PriceFlusher(WaitForFires wait_for_fires, PriceRepository& prices);
  ~PriceFlusher();
  PriceFlusher(const PriceFlusher&) = delete;
  PriceFlusher& operator=(const PriceFlusher&) = delete;

  void start();
  void submit(std::uint64_t ticket, std::vector<LastPrice> snapshot);
  void stop();

 private:
  struct Pending {
    std::uint64_t ticket = 0;
    std::unordered_map<Symbol, LastPrice> prices;
  };

  void run();
  // Writes `batch.prices`; what could not be written stays in it.
  void write(Pending& batch);
  // Waits kChunkGap, or until stop() (which then writes the rest at once).
  void pause_between_chunks();
  // Puts back what a failed write left, unless a newer snapshot replaced it.
  void keep_unwritten(Pending& batch);

  const WaitForFires wait_for_fires_;
  PriceRepository& prices_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Pending pending_;  // guarded by mutex_
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bw
