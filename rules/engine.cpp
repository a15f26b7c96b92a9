#include "rules/engine.hpp"

#include <algorithm>
#include <initializer_list>

#include "rules/condition_judge.hpp"
#include "rules/condition_spec.hpp"

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

// The close when it meets the condition; otherwise the bar's extreme that did
// (a merged spike). Each condition and direction judges against one line,
// strictly (above/below, a channel's outside) or not (crossings, entering).
Price reported_price(const Condition& condition, Direction direction, const Quote& quote) {
  const Price close = quote.price;
  if (condition.type == ConditionType::inside_channel) {
    // The first of close, low, high, open that lies in the channel; a bar
    // that spans the whole channel reports its close.
    for (Price candidate : {close, quote.low, quote.high, quote.open}) {
      if (condition.price <= candidate && candidate <= condition.upper) return candidate;
    }
    return close;
  }
  Price line = condition.price;
  bool strict = false;
  switch (condition.type) {
    case ConditionType::above:
    case ConditionType::below:
      strict = true;
      break;
    case ConditionType::entering_channel:
      line = direction == Direction::up ? condition.price : condition.upper;
      break;
    case ConditionType::exiting_channel:
    case ConditionType::outside_channel:
      line = direction == Direction::up ? condition.upper : condition.price;
      strict = true;
      break;
    default:
      break;
  }
  if (direction == Direction::up) {
    const bool close_meets = strict ? close > line : close >= line;
    return close_meets ? close : quote.high;
  }
  const bool close_meets = strict ? close < line : close <= line;
  return close_meets ? close : quote.low;
}

bool uses_rearm(const Condition& condition, const TriggerPolicy& policy) {
  return policy.repeating() && policy.rearm.enabled() && is_line_condition(condition.type) &&
         !is_channel(condition.type);
}

Status Engine::add(const Alert& alert) {
  if (alert.state != AlertState::armed) {
    return Error{"alert " + std::to_string(alert.id) + " is not armed"};
  }
  // Line conditions keep the engine's historic contract (any threshold, even
  // a negative one); the others must be valid, or judging them means nothing.
  if (!is_line_condition(alert.condition.type)) {
    if (Status s = validate_condition(alert.condition); !s) return s;
  }
  SymbolBook& book = books_[alert.symbol];
  // Windows first: an edit that keeps a window keeps its history.
  window_scratch_.clear();
  alert.condition.collect_windows(window_scratch_);
  for (DurationMs length : window_scratch_) book.windows.acquire(length);
  remove(alert.id);
  // A wait without a band (or for a `once` alert) means nothing: armed.
  const RearmWait wait =
      uses_rearm(alert.condition, alert.trigger) ? alert.rearm_wait : RearmWait::none;
  alerts_.emplace(alert.id, ArmedAlert{alert.user_id, alert.symbol, alert.condition, alert.trigger,
                                       alert.expires_at, alert.last_fired_at, wait, alert.revision,
                                       0, alert.sessions});
  if (!is_line_condition(alert.condition.type)) {
    book.judged.push_back(alert.id);
    return {};
  }
  ThresholdIndex& index = book.index;
  if (wait == RearmWait::none) {
    index.insert(alert.id, alert.condition);
  } else {
    index.insert_rearm(alert.id, rearm_level(alert.trigger.rearm, alert.condition.price, wait),
                       wait);
  }
  return {};
}

bool Engine::remove(AlertId id) {
  auto it = alerts_.find(id);
  if (it == alerts_.end()) return false;
  const ArmedAlert& alert = it->second;
  SymbolBook& book = books_[alert.symbol];
  if (!is_line_condition(alert.condition.type)) {
    std::erase(book.judged, id);
    window_scratch_.clear();
    alert.condition.collect_windows(window_scratch_);
    for (DurationMs length : window_scratch_) book.windows.release(length);
    alerts_.erase(it);
    return true;
  }
  ThresholdIndex& index = book.index;
  if (alert.rearm_wait == RearmWait::none) {
    index.erase(id, alert.condition);
  } else {
    index.erase_rearm(id, rearm_level(alert.policy.rearm, alert.condition.price, alert.rearm_wait),
                      alert.rearm_wait);
  }
  alerts_.erase(it);
  return true;
}

void Engine::restore_last_price(const Symbol& symbol, Price price) {
  books_[symbol].last = price;
}

void Engine::restore_day_state(const Symbol& symbol, const DayState& state) {
  books_[symbol].day.restore(state);
}

std::optional<DayState> Engine::day_state(const Symbol& symbol) const {
  auto it = books_.find(symbol);
  if (it == books_.end()) return std::nullopt;
  return it->second.day.state();
}

std::optional<Price> Engine::last_price(const Symbol& symbol) const {
  auto it = books_.find(symbol);
  if (it == books_.end()) return std::nullopt;
  return it->second.last;
}

std::optional<PolicyState> Engine::policy_state(AlertId id) const {
  auto it = alerts_.find(id);
  if (it == alerts_.end()) return std::nullopt;
  return PolicyState{it->second.revision, it->second.last_fired_at, it->second.rearm_wait};
}

void Engine::take_rearmed(std::vector<AlertId>& out) {
  out.insert(out.end(), rearmed_.begin(), rearmed_.end());
  rearmed_.clear();
}

// Re-arm is judged before firing: a bar that reaches the band and the line
// re-arms and fires (its path inside the bar is unknown; no fire is lost).
void Engine::rearm_waiting(SymbolBook& book, const Quote& quote) {
  rearm_hits_.clear();
  book.index.collect_rearms(quote, rearm_hits_);
  for (AlertId id : rearm_hits_) {
    ArmedAlert& alert = alerts_.at(id);
    book.index.erase_rearm(id,
                           rearm_level(alert.policy.rearm, alert.condition.price, alert.rearm_wait),
                           alert.rearm_wait);
    alert.rearm_wait = RearmWait::none;
    book.index.insert(id, alert.condition);
    rearmed_.push_back(id);
  }
}

void Engine::on_quote(const Quote& quote, std::vector<Fire>& fires) {
  SymbolBook& book = books_[quote.symbol];
  book.day.on_quote(quote);
  if (!book.windows.empty() || !book.judged.empty()) judge_direct(book, quote, fires);
  if (book.index.quiet(book.last, quote)) {
    book.last = quote.price;  // nothing can fire or re-arm: skip the index
    return;
  }
  const Price start = book.last.value_or(quote.open);
  const std::uint64_t sequence = ++quote_sequence_;
  rearm_waiting(book, quote);
  hits_.clear();
  book.index.collect(book.last, quote, hits_);
  book.last = quote.price;
  for (const ThresholdHit& hit : hits_) {
    auto it = alerts_.find(hit.alert_id);
    if (it == alerts_.end()) continue;  // left the engine earlier in this quote
    ArmedAlert& alert = it->second;
    if (alert.judged_quote == sequence) continue;  // a `crossing` seen on both line sets
    alert.judged_quote = sequence;
    if (alert.expires_at && quote.ts_ms >= *alert.expires_at) {
      remove(hit.alert_id);  // expired: never fires again
      continue;
    }
    if (!in_sessions(alert.sessions, quote.ts_ms, calendar_)) continue;
    if (!alert.policy.allows(alert.last_fired_at, quote.ts_ms)) continue;
    const Condition& condition = alert.condition;
    const Direction direction = condition.type == ConditionType::crossing
                                    ? first_crossing(start, quote, condition.price, hit.direction)
                                    : hit.direction;
    fires.push_back(make_fire(hit.alert_id, alert, direction, quote));
    after_fire(book, hit.alert_id, alert, direction, fires.back());
  }
  // The next quotes skip the index while they stay inside the new band.
  book.index.refresh_quiet_band(quote.price);
}

// The same order as the index path: the condition, then the expiry, then the
// time gate. A `once` fire removes the alert, so the ids are copied first.
void Engine::judge_direct(SymbolBook& book, const Quote& quote, std::vector<Fire>& fires) {
  book.windows.push(quote);
  if (book.judged.empty()) return;
  const JudgeInput input{book.last.value_or(quote.open), quote, &book.windows, &book.day};
  judged_scratch_.assign(book.judged.begin(), book.judged.end());
  for (AlertId id : judged_scratch_) {
    auto it = alerts_.find(id);
    if (it == alerts_.end()) continue;
    ArmedAlert& alert = it->second;
    std::optional<Verdict> verdict = judge_condition(alert.condition, input);
    if (!verdict) continue;
    if (alert.expires_at && quote.ts_ms >= *alert.expires_at) {
      remove(id);  // expired: never fires again
      continue;
    }
    if (!in_sessions(alert.sessions, quote.ts_ms, calendar_)) continue;
    if (!alert.policy.allows(alert.last_fired_at, quote.ts_ms)) continue;
    Fire fire{id,
              alert.user_id,
              alert.symbol,
              alert.condition,
              verdict->direction,
              verdict->price,
              quote.ts_ms};
    fire.revision = alert.revision;
    fires.push_back(std::move(fire));
    after_fire(book, id, alert, verdict->direction, fires.back());
  }
}

void Engine::after_fire(SymbolBook& book, AlertId id, ArmedAlert& alert, Direction direction,
                        Fire& fire) {
  alert.last_fired_at = fire.ts_ms;
  if (!alert.policy.repeating()) {
    fire.state_after = AlertState::triggered;
    remove(id);  // invalidates `alert`
    return;
  }
  fire.state_after = AlertState::armed;
  if (uses_rearm(alert.condition, alert.policy)) {
    alert.rearm_wait = direction == Direction::up ? RearmWait::below : RearmWait::above;
    book.index.erase(id, alert.condition);
    book.index.insert_rearm(
        id, rearm_level(alert.policy.rearm, alert.condition.price, alert.rearm_wait),
        alert.rearm_wait);
  }
  fire.rearm_wait = alert.rearm_wait;
}

Fire Engine::make_fire(AlertId id, const ArmedAlert& alert, Direction direction,
                       const Quote& quote) const {
  Fire fire{id,           alert.user_id,
            alert.symbol, alert.condition,
            direction,    reported_price(alert.condition, direction, quote),
            quote.ts_ms};
  fire.revision = alert.revision;
  fire.prev_close = quote.prev_close;
  return fire;
}

}  // namespace bw
