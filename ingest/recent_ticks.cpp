#include "ingest/recent_ticks.hpp"

namespace bw {

static_assert(sizeof(RecentTicks::StoredTick) == 72, "the documented memory bound");

RecentTicks::RecentTicks(RecentTicksOptions options) : options_(options) {}

void RecentTicks::record(const Quote& quote) { record(std::span<const Quote>(&quote, 1)); }

void RecentTicks::record(std::span<const Quote> quotes) {
  if (options_.ticks_per_symbol == 0 || quotes.empty()) return;
  std::lock_guard lock(mutex_);
  for (const Quote& quote : quotes) record_locked(quote);
}

void RecentTicks::record_locked(const Quote& quote) {
  auto it = rings_.find(quote.symbol);
  if (it == rings_.end()) {
    if (rings_.size() >= options_.max_symbols) return;  // full: new symbols are not kept
    it = rings_.emplace(quote.symbol, Ring{}).first;
  }
  const StoredTick tick{quote.ts_ms, quote.volume, quote.price, quote.open,      quote.high,
                        quote.low,   quote.bid,    quote.ask,   quote.prev_close};
  Ring& ring = it->second;
  if (ring.ticks.size() < options_.ticks_per_symbol) {
    ring.ticks.push_back(tick);
    return;
  }
  ring.ticks[ring.next] = tick;
  ring.next = (ring.next + 1) % ring.ticks.size();
}

std::vector<Quote> RecentTicks::snapshot(const Symbol& symbol) const {
  std::vector<Quote> out;
  std::lock_guard lock(mutex_);
  auto it = rings_.find(symbol);
  if (it == rings_.end()) return out;
  const Ring& ring = it->second;
  out.reserve(ring.ticks.size());
  for (std::size_t i = 0; i < ring.ticks.size(); ++i) {
    const StoredTick& t = ring.ticks[(ring.next + i) % ring.ticks.size()];
    out.push_back(Quote{symbol, t.price, t.open, t.high, t.low, t.volume, t.ts_ms, t.bid, t.ask,
                        t.prev_close});
  }
  return out;
}

std::size_t RecentTicks::symbol_count() const {
  std::lock_guard lock(mutex_);
  return rings_.size();
}

}  // namespace bw
