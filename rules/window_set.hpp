// WindowSet: the PriceWindows of one symbol, one per distinct window length,
// shared by every alert (and compound term) of the symbol that uses it.
//
//   WindowSet windows;
//   windows.acquire(30'000);              // an alert with a 30 s move arrives
//   windows.push(quote);                  // every quote of the symbol
//   windows.find(30'000)->lowest();
//   windows.release(30'000);              // the alert left: dropped at zero users
//
// A window starts empty when its first user arrives: its history is rebuilt
// from the quotes that follow (docs/RULES.md, "Window moves"). Not thread-safe.
#pragma once

#include <map>

#include "rules/price_window.hpp"

namespace bw {

class WindowSet {
 public:
  void acquire(DurationMs length);
  void release(DurationMs length);
  void push(const Quote& quote);
  // The window of that length; null when no alert uses it.
  const PriceWindow* find(DurationMs length) const;
  bool empty() const { return slots_.empty(); }
  std::size_t size() const { return slots_.size(); }

 private:
  struct Slot {
    PriceWindow window;
    int users = 0;
  };
  std::map<DurationMs, Slot> slots_;
};

}  // namespace bw
