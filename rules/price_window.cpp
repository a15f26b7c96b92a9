#include "rules/price_window.hpp"

namespace bw {

void PriceWindow::push(const Quote& quote) {
  const TimestampMs ts = seen_ && quote.ts_ms < newest_ ? newest_ : quote.ts_ms;
  seen_ = true;
  newest_ = ts;
  // A newer point at the same or a better price makes the older ones useless.
  while (!lows_.empty() && lows_.back().price >= quote.low) lows_.pop_back();
  lows_.push_back({ts, quote.low});
  while (!highs_.empty() && highs_.back().price <= quote.high) highs_.pop_back();
  highs_.push_back({ts, quote.high});
  if (lows_.size() > kMaxPoints) lows_.pop_front();
  if (highs_.size() > kMaxPoints) highs_.pop_front();
  drop_expired(ts);
}

// Points at exactly now - length are still inside the window.
void PriceWindow::drop_expired(TimestampMs now) {
  const TimestampMs oldest = now - length_;
  while (lows_.front().ts < oldest) lows_.pop_front();
  while (highs_.front().ts < oldest) highs_.pop_front();
}

}  // namespace bw
