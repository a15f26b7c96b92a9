#include "ingest/candle_history.hpp"

#include <algorithm>
#include <array>
#include <mutex>

namespace bw {

namespace {

constexpr std::int64_t kFineWidthMs = 5'000;
constexpr std::int64_t kCoarseWidthMs = 60'000;

struct IntervalInfo {
  CandleInterval interval;
  std::string_view name;
  std::int64_t width_ms;
};

constexpr std::array<IntervalInfo, 6> kIntervals{{
    {CandleInterval::five_seconds, "5s", 5'000},
    {CandleInterval::fifteen_seconds, "15s", 15'000},
    {CandleInterval::one_minute, "1m", 60'000},
    {CandleInterval::five_minutes, "5m", 300'000},
    {CandleInterval::fifteen_minutes, "15m", 900'000},
    {CandleInterval::one_hour, "1h", 3'600'000},
}};

const IntervalInfo& info(CandleInterval interval) {
  for (const IntervalInfo& entry : kIntervals) {
    if (entry.interval == interval) return entry;
  }
  return kIntervals.front();  // unreachable: every enumerator is in the table
}

// Start of the bar of width `width_ms` that holds `ts` (event times are > 0).
TimestampMs bucket_of(TimestampMs ts, std::int64_t width_ms) {
  return ts - ts % width_ms;
}

Candle candle_from(const Quote& quote, TimestampMs start) {
  return Candle{start, quote.open, quote.high, quote.low, quote.price, quote.volume};
}

// Widens `bar` by a quote (or a finer bar) that belongs to it. `latest` says
// the addition is the newest data of the bar, so it sets the close.
void widen(Candle& bar, Price high, Price low, Price close, std::int64_t volume, bool latest) {
  bar.high = std::max(bar.high, high);
  bar.low = std::min(bar.low, low);
  if (latest) bar.close = close;
  bar.volume += volume;
}

}  // namespace

std::optional<CandleInterval> parse_candle_interval(std::string_view text) {
  for (const IntervalInfo& entry : kIntervals) {
    if (entry.name == text) return entry.interval;
  }
  return std::nullopt;
}

std::string_view candle_interval_name(CandleInterval interval) {
  return info(interval).name;
}

std::int64_t candle_interval_ms(CandleInterval interval) {
  return info(interval).width_ms;
}

void CandleHistory::fold(Ring& ring, std::size_t capacity, std::int64_t width_ms,
                         const Quote& quote) {
  const TimestampMs start = bucket_of(quote.ts_ms, width_ms);
  std::deque<Candle>& bars = ring.bars;
  if (bars.empty() || start > bars.back().start_ms) {
    bars.push_back(candle_from(quote, start));
  } else if (start == bars.back().start_ms) {
    widen(bars.back(), quote.high, quote.low, quote.price, quote.volume, true);
    return;
  } else {
    // Out of order: fold into its bar, or insert one, unless the ring is full
    // and the period is older than everything it keeps.
    if (bars.size() >= capacity && start < bars.front().start_ms) return;
    auto it = std::lower_bound(bars.begin(), bars.end(), start,
                               [](const Candle& bar, TimestampMs t) { return bar.start_ms < t; });
    if (it != bars.end() && it->start_ms == start) {
      widen(*it, quote.high, quote.low, quote.price, quote.volume, false);
      return;
    }
    bars.insert(it, candle_from(quote, start));
  }
  while (bars.size() > capacity) bars.pop_front();
}

void CandleHistory::record(const Quote& quote) {
  record(std::span<const Quote>(&quote, 1));
}

void CandleHistory::record(std::span<const Quote> quotes) {
  std::unique_lock lock(mutex_);
  for (const Quote& quote : quotes) {
    if (quote.ts_ms <= 0) continue;  // validated quotes always have a time; be safe
    auto it = series_.find(quote.symbol);
    if (it == series_.end()) {
      if (series_.size() >= max_symbols_) {
        untracked_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      it = series_.emplace(quote.symbol, Series{}).first;
    }
    fold(it->second.fine, kFineBars, kFineWidthMs, quote);
    fold(it->second.coarse, kCoarseBars, kCoarseWidthMs, quote);
  }
}

std::vector<Candle> CandleHistory::bars(const Symbol& symbol, CandleInterval interval,
                                        std::size_t limit) const {
  const std::int64_t width = candle_interval_ms(interval);
  limit = std::min(limit, kMaxBarsPerRequest);
  std::vector<Candle> out;
  if (limit == 0) return out;
  std::shared_lock lock(mutex_);
  auto it = series_.find(symbol);
  if (it == series_.end()) return out;
  const Ring& base = width < kCoarseWidthMs ? it->second.fine : it->second.coarse;
  // Base bars are in time order: fold each into the output's last bar or start one.
  for (const Candle& bar : base.bars) {
    const TimestampMs start = bucket_of(bar.start_ms, width);
    if (!out.empty() && out.back().start_ms == start) {
      widen(out.back(), bar.high, bar.low, bar.close, bar.volume, true);
    } else {
      Candle folded = bar;
      folded.start_ms = start;
      out.push_back(folded);
    }
  }
  if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  return out;
}

std::size_t CandleHistory::symbol_count() const {
  std::shared_lock lock(mutex_);
  return series_.size();
}

}  // namespace bw
