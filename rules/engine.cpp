#include "rules/engine.hpp"

#include <algorithm>

namespace bw {

namespace {

// A `crossing` alert that one merged bar crossed both ways fires once; its
// first crossing must have left the side the previous price was on.
Direction first_crossing(Price start, const Quote& quote, Price line, Direction found) {
  const bool up = std::min(start, quote.low) < line && line <= quote.high;
  const bool down = quote.low <= line && line < std::max(start, quote.high);
  if (!(up && down)) return found;
  if (start < line) return Direction::up;
  if (start > line) return Direction::down;
  return quote.price < start ? Direction::down : Direction::up;  // started on the line
}

}  // namespace

Status Engine::add(const Alert& alert) {
  if (alert.state != AlertState::armed) {
    return Error{"alert " + std::to_string(alert.id) + " is not armed"};
  }
  remove(alert.id);
  alerts_.emplace(alert.id, ArmedAlert{alert.user_id, alert.symbol, alert.condition});
  books_[alert.symbol].index.insert(alert.id, alert.condition);
  return {};
}

bool Engine::remove(AlertId id) {
  auto it = alerts_.find(id);
  if (it == alerts_.end()) return false;
  books_[it->second.symbol].index.erase(id, it->second.condition);
  alerts_.erase(it);
  return true;
}

void Engine::restore_last_price(const Symbol& symbol, Price price) {
  books_[symbol].last = price;
}

std::optional<Price> Engine::last_price(const Symbol& symbol) const {
  auto it = books_.find(symbol);
  if (it == books_.end()) return std::nullopt;
  return it->second.last;
}

void Engine::on_quote(const Quote& quote, std::vector<Fire>& fires) {
  SymbolBook& book = books_[quote.symbol];
  const Price start = book.last.value_or(quote.open);
  hits_.clear();
  book.index.collect(book.last, quote, hits_);
  book.last = quote.price;
  for (const ThresholdHit& hit : hits_) {
    auto it = alerts_.find(hit.alert_id);
    // Already fired by this quote (a `crossing` alert seen on both line sets).
    if (it == alerts_.end()) continue;
    const Condition& condition = it->second.condition;
    const Direction direction = condition.type == ConditionType::crossing
                                    ? first_crossing(start, quote, condition.price, hit.direction)
                                    : hit.direction;
    fires.push_back(make_fire(hit.alert_id, it->second, direction, quote));
    book.index.erase(hit.alert_id, it->second.condition);  // trigger mode `once`
    alerts_.erase(it);
  }
}

Fire Engine::make_fire(AlertId id, const ArmedAlert& alert, Direction direction,
                       const Quote& quote) const {
  // Report the close when it meets the condition; otherwise the bar's extreme
  // that did (a merged spike).
  const Price threshold = alert.condition.price;
  const bool strict =
      alert.condition.type == ConditionType::above || alert.condition.type == ConditionType::below;
  Price price = quote.price;
  if (direction == Direction::up) {
    bool close_meets = strict ? quote.price > threshold : quote.price >= threshold;
    if (!close_meets) price = quote.high;
  } else {
    bool close_meets = strict ? quote.price < threshold : quote.price <= threshold;
    if (!close_meets) price = quote.low;
  }
  return Fire{id, alert.user_id, alert.symbol, alert.condition, direction, price, quote.ts_ms};
}

}  // namespace bw
