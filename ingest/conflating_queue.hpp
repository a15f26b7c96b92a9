// ConflatingQueue: the bounded queue from ingest to an engine shard. Quotes
// and engine commands travel in one FIFO, so a command (e.g. "arm alert 7")
// takes effect before every quote pushed after it.
//
//   ConflatingQueue<Command> queue(/*capacity=*/100000);
//   queue.push_quote(q);                  // merges into a pending quote of q.symbol
//   queue.push_many(quotes, 100ms, outcomes);   // a read's worth: one lock, one wake-up
//   queue.push_command(cmd);
//   std::vector<Entry> batch; queue.pop_all(batch, 100ms);
//
// Overflow policy: while the consumer falls behind, a quote for a symbol that
// already has a pending entry (pushed after the last command) is merged into
// it as a mini-bar (Quote::merge keeps open/high/low/close/volume), so the
// queue holds at most one pending quote per symbol and no crossing is lost.
// Only when `capacity` entries are pending does push_quote wait, up to its
// timeout, and then report false (the caller answers 503 or retries).
// Commands are never merged; they wait for room without a timeout.
//
// Thread-safe: any number of producers, one consumer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "rules/quote.hpp"

namespace bw {

// What push() did with a quote.
enum class PushOutcome { queued, merged, refused };

struct QueueCounters {
  std::uint64_t pushed = 0;
  std::uint64_t merged = 0;
  std::uint64_t rejected_full = 0;
  std::size_t depth = 0;
};

template <typename Command>
class ConflatingQueue {
 public:
  using Entry = std::variant<Quote, Command>;

  explicit ConflatingQueue(std::size_t capacity) : capacity_(capacity) {}

  // False when the queue stayed full for `timeout`, or is closed.
  bool push_quote(const Quote& quote, std::chrono::milliseconds timeout) {
    return push(quote, timeout) != PushOutcome::refused;
  }

  // push_quote, telling whether the quote was queued, merged into a pending
  // one, or refused (full for `timeout`, or closed).
  PushOutcome push(const Quote& quote, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (closed_) return PushOutcome::refused;
    ++counters_.pushed;
    auto pending = mergeable_.find(quote.symbol);
    if (pending != mergeable_.end()) {
      std::get<Quote>(entries_[pending->second - popped_]).merge(quote);
      ++counters_.merged;
      return PushOutcome::merged;
    }
    if (!wait_for_room(lock, timeout)) {
      ++counters_.rejected_full;
      return PushOutcome::refused;
    }
    mergeable_[quote.symbol] = popped_ + entries_.size();
    entries_.emplace_back(quote);
    ready_.notify_one();
    return PushOutcome::queued;
  }

  // push() for every quote of `quotes`, in order, under one lock and with one
  // wake-up of the consumer: the per-read path of the sources. The outcome of
  // quotes[i] goes to outcomes[i] (`outcomes` has quotes.size() elements).
  // Returns how many were refused. `timeout` bounds the whole batch: one
  // deadline from the call, so a full queue delays a batch by at most
  // `timeout` (not `timeout` per refused quote); once it has passed, a quote
  // that finds the queue full is refused at once.
  std::size_t push_many(std::span<const Quote> quotes, std::chrono::milliseconds timeout,
                        PushOutcome* outcomes) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t refused = 0;
    bool queued = false;
    std::unique_lock lock(mutex_);
    for (std::size_t i = 0; i < quotes.size(); ++i) {
      const Quote& quote = quotes[i];
      if (closed_) {
        outcomes[i] = PushOutcome::refused;
        ++refused;
        continue;
      }
      ++counters_.pushed;
      auto pending = mergeable_.find(quote.symbol);
      if (pending != mergeable_.end()) {
        std::get<Quote>(entries_[pending->second - popped_]).merge(quote);
        ++counters_.merged;
        outcomes[i] = PushOutcome::merged;
        continue;
      }
      if (entries_.size() >= capacity_) {
        // Full: wake the consumer for what this batch queued before waiting.
        if (std::exchange(queued, false)) ready_.notify_one();
        if (!wait_for_room_until(lock, deadline)) {
          ++counters_.rejected_full;
          outcomes[i] = PushOutcome::refused;
          ++refused;
          continue;
        }
      }
      mergeable_.emplace(quote.symbol, popped_ + entries_.size());
      entries_.emplace_back(quote);
      outcomes[i] = PushOutcome::queued;
      queued = true;
    }
    if (queued) ready_.notify_one();
    return refused;
  }

  // Waits for room as long as it takes; false only when closed.
  bool push_command(Command command) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return closed_ || entries_.size() < capacity_; });
    if (closed_) return false;
    // A barrier: later quotes must not merge into entries before it.
    mergeable_.clear();
    entries_.emplace_back(std::move(command));
    ready_.notify_one();
    return true;
  }

  // Moves everything pending into `out` (appending); waits up to `timeout` for
  // the first entry. Returns false once closed and drained.
  bool pop_all(std::vector<Entry>& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return closed_ || !entries_.empty(); });
    if (entries_.empty()) return !closed_;
    popped_ += entries_.size();
    if (out.empty()) {
      out.swap(entries_);  // O(1); the producers reuse `out`'s old capacity
    } else {
      for (auto& entry : entries_) out.push_back(std::move(entry));
    }
    entries_.clear();
    mergeable_.clear();
    room_.notify_all();
    return true;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

  QueueCounters counters() const {
    std::lock_guard lock(mutex_);
    QueueCounters copy = counters_;
    copy.depth = entries_.size();
    return copy;
  }

 private:
  bool wait_for_room(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds timeout) {
    return room_.wait_for(lock, timeout, [&] { return closed_ || entries_.size() < capacity_; }) &&
           !closed_;
  }
  bool wait_for_room_until(std::unique_lock<std::mutex>& lock,
                           std::chrono::steady_clock::time_point deadline) {
    return room_.wait_until(lock, deadline, [&] {
      return closed_ || entries_.size() < capacity_;
    }) && !closed_;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  // All below guarded by mutex_.
  std::vector<Entry> entries_;
  std::uint64_t popped_ = 0;  // entries handed out so far: absolute index base
  std::unordered_map<Symbol, std::uint64_t> mergeable_;  // symbol → absolute index
  QueueCounters counters_;
  bool closed_ = false;
};

}  // namespace bw
