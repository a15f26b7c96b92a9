// SeriesSet: the series state of one symbol that series conditions judge
// (volume windows, moving averages, RSIs), one per key, shared by every alert
// (and compound term) of the symbol that uses the same key.
//
//   SeriesSet series;
//   series.acquire(key);                  // an alert using it arrives
//   series.push(quote);                   // every quote of the symbol
//   series.average(key)->value();
//   series.release(key);                  // dropped at zero users
//
// A series starts empty when its first user arrives, unless a saved state for
// its key was restored (restore() before acquire(): a restart keeps the
// warm-up). Memory per series: an SMA its `period` closes, a volume window
// its k counters, EMA and RSI a few words. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rules/condition.hpp"
#include "rules/indicators.hpp"
#include "rules/volume_window.hpp"

namespace bw {

enum class SeriesKind { volume, sma, ema, rsi };

// What one series computes: volume windows of `length` ms with a baseline of
// `extra` ms, or an indicator on bars of `length` ms over `extra` bars.
struct SeriesKey {
  SeriesKind kind = SeriesKind::volume;
  DurationMs length = 0;
  std::int64_t extra = 0;

  auto operator<=>(const SeriesKey&) const = default;
  bool operator==(const SeriesKey&) const = default;
};

// The key of a series condition; empty for other types.
std::optional<SeriesKey> series_key(const Condition& condition);
// The keys a condition (and its terms) uses.
void collect_series(const Condition& condition, std::vector<SeriesKey>& out);
// "sma:60000:20"; parse_series_key reads it back (empty on bad text).
std::string format_series_key(const SeriesKey& key);
std::optional<SeriesKey> parse_series_key(std::string_view text);

using Series = std::variant<VolumeWindow, MovingAverage, WilderRsi>;

// A series' saved state: its key and text.
struct SeriesState {
  std::string key;
  std::string state;
  bool operator==(const SeriesState&) const = default;
};

class SeriesSet {
 public:
  void acquire(const SeriesKey& key);
  void release(const SeriesKey& key);
  void push(const Quote& quote);
  bool empty() const { return slots_.empty(); }
  // True once any series was acquired or restored: its saved rows may need
  // replacing even when none is live any more.
  bool ever_used() const { return ever_used_; }
  std::size_t size() const { return slots_.size(); }

  const VolumeWindow* volume(const SeriesKey& key) const;
  const MovingAverage* average(const SeriesKey& key) const;
  const WilderRsi* rsi(const SeriesKey& key) const;

  // Keeps a saved state for the key; applied when the series is acquired
  // (held at most until then; a bad text is dropped there).
  void restore(const SeriesState& saved);
  // The states of the live series.
  std::vector<SeriesState> save() const;

 private:
  struct Slot {
    Series series;
    int users = 0;
  };
  const Series* find(const SeriesKey& key) const;

  std::map<SeriesKey, Slot> slots_;
  std::map<SeriesKey, std::string> restored_;  // saved states not yet acquired
  bool ever_used_ = false;
};

}  // namespace bw
