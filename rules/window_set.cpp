#include "rules/window_set.hpp"

namespace bw {

void WindowSet::acquire(DurationMs length) {
  auto it = slots_.try_emplace(length, Slot{PriceWindow(length), 0}).first;
  ++it->second.users;
}

void WindowSet::release(DurationMs length) {
  auto it = slots_.find(length);
  if (it == slots_.end()) return;
  if (--it->second.users <= 0) slots_.erase(it);
}

void WindowSet::push(const Quote& quote) {
  for (auto& [length, slot] : slots_) slot.window.push(quote);
}

const PriceWindow* WindowSet::find(DurationMs length) const {
  auto it = slots_.find(length);
  return it == slots_.end() ? nullptr : &it->second.window;
}

}  // namespace bw
