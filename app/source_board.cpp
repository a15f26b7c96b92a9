#include "app/source_board.hpp"

namespace bw {

SourceBoard::SourceBoard(IngestHub& hub, EngineQueue& queue, std::size_t queue_capacity)
    : hub_(hub), queue_(queue), queue_capacity_(queue_capacity) {}

void SourceBoard::set(std::vector<BoardEntry> entries) {
  std::lock_guard lock(mutex_);
  entries_ = std::move(entries);
}

std::vector<SourceHealth> SourceBoard::health(TimestampMs now_ms) const {
  std::lock_guard lock(mutex_);
  std::vector<SourceHealth> out;
  out.reserve(entries_.size());
  for (const BoardEntry& entry : entries_) {
    out.push_back(entry.source->health(now_ms, entry.stale_after));
  }
  return out;
}

IngestStatus SourceBoard::ingest_status(TimestampMs now_ms) const {
  IngestStatus status;
  status.sources = health(now_ms);
  status.counters = hub_.counters();
  status.queue = queue_.counters();
  status.queue_capacity = queue_capacity_;
  return status;
}

void SourceBoard::register_metrics(MetricsRegistry& registry, const Clock& clock) const {
  registry.collect(
      "bellwether_source_state",
      "1 for the state each source is in (connecting, live, stale, down), 0 for the others.",
      MetricType::gauge, [this, &clock] {
        Samples samples;
        for (const SourceHealth& h : health(clock.now_ms())) {
          for (SourceState state : {SourceState::connecting, SourceState::live, SourceState::stale,
                                    SourceState::down}) {
            samples.push_back({{{"source", h.name}, {"state", std::string(to_string(state))}},
                               h.state == state ? 1.0 : 0.0});
          }
        }
        return samples;
      });
  registry.collect("bellwether_source_rejected_total",
                   "Frames, rows, lines or quotes a source refused, by reason (malformed, "
                   "invalid, duplicate, out of order, ...).",
                   MetricType::counter, [this, &clock] {
                     Samples samples;
                     for (const SourceHealth& h : health(clock.now_ms())) {
                       for (const auto& [reason, count] : h.rejected_by_reason) {
                         samples.push_back({{{"source", h.name}, {"reason", reason}},
                                            static_cast<double>(count)});
                       }
                     }
                     return samples;
                   });
}

}  // namespace bw
