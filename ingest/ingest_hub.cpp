#include "ingest/ingest_hub.hpp"

namespace bw {

IngestHub::IngestHub(EngineQueue& queue, std::chrono::milliseconds full_queue_timeout)
    : queue_(queue), full_queue_timeout_(full_queue_timeout) {}

void IngestHub::add_observer(Observer observer) {
  observers_.push_back(std::move(observer));
}

bool IngestHub::publish(const Quote& quote, std::string_view source) {
  const bool queued = queue_.push_quote(quote, full_queue_timeout_);
  {
    std::lock_guard lock(counters_mutex_);
    auto it = counters_.find(source);
    if (it == counters_.end()) it = counters_.emplace(std::string(source), SourceCounters{}).first;
    ++(queued ? it->second.accepted : it->second.rejected_full);
  }
  // Observers see only what the engine will see.
  if (!queued) return false;
  for (const Observer& observer : observers_) observer(quote);
  return true;
}

std::map<std::string, SourceCounters> IngestHub::counters() const {
  std::lock_guard lock(counters_mutex_);
  return {counters_.begin(), counters_.end()};
}

}  // namespace bw
