#include "ingest/ingest_hub.hpp"

namespace bw {

IngestHub::IngestHub(EngineQueue& queue, std::chrono::milliseconds full_queue_timeout)
    : queue_(queue), full_queue_timeout_ms_(full_queue_timeout.count()) {}

IngestHub::~IngestHub() = default;

void IngestHub::add_observer(Observer observer) {
  observers_.push_back([observer = std::move(observer)](std::span<const Quote> quotes) {
    for (const Quote& quote : quotes) observer(quote);
  });
}

void IngestHub::add_batch_observer(BatchObserver observer) {
  observers_.push_back(std::move(observer));
}

void IngestHub::set_full_queue_timeout(std::chrono::milliseconds timeout) {
  full_queue_timeout_ms_.store(timeout.count(), std::memory_order_relaxed);
}

void IngestHub::register_source(const std::string& name) {
  if (!registered_.contains(name)) registered_.emplace(name, std::make_unique<AtomicCounters>());
}

SourceCounters IngestHub::AtomicCounters::load() const {
  return {accepted.load(std::memory_order_relaxed), merged.load(std::memory_order_relaxed),
          rejected_full.load(std::memory_order_relaxed),
          last_quote_ms.load(std::memory_order_relaxed)};
}

IngestHub::AtomicCounters& IngestHub::counters_for(std::string_view source) {
  if (auto it = registered_.find(source); it != registered_.end()) return *it->second;
  std::lock_guard lock(late_mutex_);
  auto it = late_.find(source);
  if (it == late_.end()) {
    it = late_.emplace(std::string(source), std::make_unique<AtomicCounters>()).first;
  }
  return *it->second;  // stable: entries are never erased
}

bool IngestHub::publish(const Quote& quote, std::string_view source) {
  const PushOutcome outcome = queue_.push(
      quote, std::chrono::milliseconds(full_queue_timeout_ms_.load(std::memory_order_relaxed)));
  AtomicCounters& counters = counters_for(source);
  if (outcome == PushOutcome::refused) {
    counters.rejected_full.fetch_add(1, std::memory_order_relaxed);
    return false;  // observers see only what the engine will see
  }
  counters.accepted.fetch_add(1, std::memory_order_relaxed);
  if (outcome == PushOutcome::merged) counters.merged.fetch_add(1, std::memory_order_relaxed);
  counters.last_quote_ms.store(quote.ts_ms, std::memory_order_relaxed);
  for (const BatchObserver& observer : observers_) observer(std::span<const Quote>(&quote, 1));
  return true;
}

std::vector<std::size_t> IngestHub::publish_batch(std::span<const Quote> quotes,
                                                  std::string_view source) {
  if (quotes.empty()) return {};
  thread_local std::vector<PushOutcome> outcomes;
  outcomes.resize(quotes.size());
  const std::size_t refused_count = queue_.push_many(
      quotes, std::chrono::milliseconds(full_queue_timeout_ms_.load(std::memory_order_relaxed)),
      outcomes.data());
  std::uint64_t merged = 0;
  for (PushOutcome outcome : outcomes) merged += outcome == PushOutcome::merged ? 1 : 0;
  AtomicCounters& counters = counters_for(source);
  std::vector<std::size_t> refused;
  if (refused_count > 0) {
    counters.rejected_full.fetch_add(refused_count, std::memory_order_relaxed);
    refused.reserve(refused_count);
    for (std::size_t i = 0; i < quotes.size(); ++i) {
      if (outcomes[i] == PushOutcome::refused) refused.push_back(i);
    }
  }
  const std::size_t accepted = quotes.size() - refused_count;
  if (accepted == 0) return refused;
  counters.accepted.fetch_add(accepted, std::memory_order_relaxed);
  if (merged > 0) counters.merged.fetch_add(merged, std::memory_order_relaxed);
  std::span<const Quote> seen = quotes;
  std::vector<Quote> kept;  // only when some were refused: observers see what the engine sees
  if (refused_count > 0) {
    kept.reserve(accepted);
    for (std::size_t i = 0; i < quotes.size(); ++i) {
      if (outcomes[i] != PushOutcome::refused) kept.push_back(quotes[i]);
    }
    seen = kept;
  }
  counters.last_quote_ms.store(seen.back().ts_ms, std::memory_order_relaxed);
  for (const BatchObserver& observer : observers_) observer(seen);
  return refused;
}

std::map<std::string, SourceCounters> IngestHub::counters() const {
  std::map<std::string, SourceCounters> out;
  for (const auto& [name, c] : registered_) out.emplace(name, c->load());
  std::lock_guard lock(late_mutex_);
  for (const auto& [name, c] : late_) out.emplace(name, c->load());
  return out;
}

std::optional<SourceCounters> IngestHub::counters(std::string_view source) const {
  if (auto it = registered_.find(source); it != registered_.end()) return it->second->load();
  std::lock_guard lock(late_mutex_);
  if (auto it = late_.find(source); it != late_.end()) return it->second->load();
  return std::nullopt;
}

}  // namespace bw
