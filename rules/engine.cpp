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

namespace {

// The same rule as uses_rearm(), from the compact record.
bool rearm_applies(ConditionType type, const TriggerPolicy& policy) {
  return policy.repeating() && policy.rearm.enabled() && is_line_condition(type) &&
         !is_channel(type);
}

bool fits_u32(std::int64_t value) {
  return value >= 0 && value <= std::numeric_limits<std::uint32_t>::max();
}

// Grows by about 1.25x instead of 2x: these arrays are paid per alert.
template <typename T>
void reserve_one_more(std::vector<T>& values) {
  if (values.size() < values.capacity()) return;
  values.reserve(values.capacity() + values.capacity() / 4 + 16);
}

const TriggerPolicy kOncePolicy{};

}  // namespace

std::uint32_t Engine::intern(const Symbol& symbol) {
  const std::uint32_t known = book_ids_.find(symbol);
  if (known != SymbolTable::kNone) return known;
  const auto id = static_cast<std::uint32_t>(books_.size());
  reserve_one_more(hot_);
  hot_.emplace_back();
  books_.emplace_back();
  books_.back().symbol = symbol;
  book_ids_.insert(symbol, id);
  return id;
}

std::uint32_t Engine::slot_of(AlertId id) const {
  return ids_.find(id, [this](std::uint32_t slot) { return id_of(slots_[slot]); });
}

AlertId Engine::id_of(const AlertSlot& alert) const {
  if ((alert.flags & kWideIds) == 0) return alert.id;
  return wide_ids_.at(alert.id).id;
}

Condition Engine::condition_of(const AlertSlot& alert) const {
  if (alert.extra == kNone) return Condition{static_cast<ConditionType>(alert.type), alert.line};
  const AlertExtra& extra = extras_[alert.extra];
  if (extra.condition) return *extra.condition;
  return Condition{static_cast<ConditionType>(alert.type), alert.line, extra.upper};
}

const TriggerPolicy& Engine::policy_of(const AlertSlot& alert) const {
  return alert.extra == kNone ? kOncePolicy : extras_[alert.extra].policy;
}

UserId Engine::user_of(const AlertSlot& alert) const {
  if ((alert.flags & kWideIds) == 0) return alert.user;
  return wide_ids_.at(alert.id).user_id;
}

std::int64_t Engine::revision_of(const AlertSlot& alert) const {
  if ((alert.flags & kWideIds) == 0) return alert.revision;
  return wide_ids_.at(alert.id).revision;
}

void Engine::invalidate_quiet(std::uint32_t book_id) {
  hot_[book_id].quiet_floor = 1;
  hot_[book_id].quiet_ceiling = 0;
}

Status Engine::add(const Alert& alert) {
  if (alert.state != AlertState::armed) {
    return Error{"alert " + std::to_string(alert.id) + " is not armed"};
  }
  // The engine keeps these times in 8 bytes, with this value meaning "none".
  if (alert.expires_at == OptionalTime::kAbsent || alert.last_fired_at == OptionalTime::kAbsent) {
    return Error{"alert " + std::to_string(alert.id) + ": a time is out of range"};
  }
  // Line conditions keep the engine's historic contract (any threshold, even
  // a negative one); the others must be valid, or judging them means nothing.
  const Condition& condition = alert.condition;
  const bool line = is_line_condition(condition.type);
  if (!line) {
    if (Status s = validate_condition(condition); !s) return s;
  }
  const std::uint32_t book_id = intern(alert.symbol);
  SymbolBook& book = books_[book_id];
  // Windows first: an edit that keeps a window keeps its history.
  window_scratch_.clear();
  condition.collect_windows(window_scratch_);
  for (DurationMs length : window_scratch_) book.windows.acquire(length);
  series_scratch_.clear();
  collect_series(alert.condition, series_scratch_);
  for (const SeriesKey& key : series_scratch_) book.series.acquire(key);
  remove(alert.id);
  // A wait without a band (or for a `once` alert) means nothing: armed.
  const RearmWait wait = uses_rearm(condition, alert.trigger) ? alert.rearm_wait : RearmWait::none;

  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  AlertSlot& record = slots_[slot];
  record = AlertSlot{};
  record.line = condition.price;
  record.book = book_id;
  record.type = static_cast<std::uint8_t>(condition.type);
  record.wait = static_cast<std::uint8_t>(wait);
  record.flags = kLive;
  record.sessions = alert.sessions;
  if (fits_u32(alert.id) && fits_u32(alert.user_id) && fits_u32(alert.revision)) {
    record.id = static_cast<std::uint32_t>(alert.id);
    record.user = static_cast<std::uint32_t>(alert.user_id);
    record.revision = static_cast<std::uint32_t>(alert.revision);
  } else {
    record.flags |= kWideIds;
    record.id = slot;
    wide_ids_[slot] = WideIds{alert.id, alert.user_id, alert.revision};
  }
  // {type, line, upper} states a line condition whose other fields are unset.
  const bool compact_condition =
      line && condition == Condition(condition.type, condition.price, condition.upper) &&
      (is_channel(condition.type) || condition.upper == Price{});
  const bool plain = compact_condition && !is_channel(condition.type) &&
                     alert.trigger == TriggerPolicy{} && !alert.expires_at && !alert.last_fired_at;
  if (!plain) {
    reserve_one_more(extras_);
    if (!free_extras_.empty()) {
      record.extra = free_extras_.back();
      free_extras_.pop_back();
    } else {
      record.extra = static_cast<std::uint32_t>(extras_.size());
      extras_.emplace_back();
    }
    AlertExtra& extra = extras_[record.extra];
    extra = AlertExtra{condition.upper, alert.trigger, alert.expires_at, alert.last_fired_at,
                       compact_condition ? nullptr : std::make_unique<Condition>(condition)};
  }
  ids_.insert(alert.id, slot, [this](std::uint32_t s) { return id_of(slots_[s]); });
  ++alert_count_;

  if (!line) {
    if (SeriesIndex::accepts(condition)) {
      book.series_alerts.insert(alert.id, condition);  // grouped (series_index.hpp)
    } else {
      book.judged.push_back(alert.id);
    }
    hot_[book_id].direct = true;
    return {};
  }
  ThresholdIndex& index = book.index;
  if (wait == RearmWait::none) {
    index.insert(slot, condition);
  } else {
    index.insert_rearm(slot, rearm_level(alert.trigger.rearm, condition.price, wait), wait);
  }
  invalidate_quiet(book_id);
  return {};
}

bool Engine::remove(AlertId id) {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone) return false;
  remove_slot(slot);
  return true;
}

void Engine::remove_slot(std::uint32_t slot) {
  AlertSlot& alert = slots_[slot];
  const std::uint32_t book_id = alert.book;
  SymbolBook& book = books_[book_id];
  const auto type = static_cast<ConditionType>(alert.type);
  const auto wait = static_cast<RearmWait>(alert.wait);
  const AlertId id = id_of(alert);
  if (!is_line_condition(type)) {
    const Condition& condition = *extras_[alert.extra].condition;
    if (SeriesIndex::accepts(condition)) {
      book.series_alerts.erase(id, condition);
    } else {
      std::erase(book.judged, id);
    }
    window_scratch_.clear();
    extras_[alert.extra].condition->collect_windows(window_scratch_);
    for (DurationMs length : window_scratch_) book.windows.release(length);
    series_scratch_.clear();
    collect_series(*extras_[alert.extra].condition, series_scratch_);
    for (const SeriesKey& key : series_scratch_) book.series.release(key);
    hot_[book_id].direct = !book.judged.empty() || !book.series_alerts.empty() ||
                           !book.windows.empty() || !book.series.empty();
  } else if ((alert.flags & kParked) != 0) {
    // Not in the index; its heap entry goes stale and is skipped.
  } else if (wait == RearmWait::none) {
    book.index.erase(slot, condition_of(alert));
    invalidate_quiet(book_id);
  } else {
    book.index.erase_rearm(slot, rearm_level(policy_of(alert).rearm, alert.line, wait), wait);
    invalidate_quiet(book_id);
  }
  ids_.erase(id, [this](std::uint32_t s) { return id_of(slots_[s]); });
  if ((alert.flags & kWideIds) != 0) wide_ids_.erase(slot);
  if (alert.extra != kNone) {
    extras_[alert.extra] = AlertExtra{};
    free_extras_.push_back(alert.extra);
  }
  alert = AlertSlot{};
  free_slots_.push_back(slot);
  --alert_count_;
}

void Engine::restore_last_price(const Symbol& symbol, Price price) {
  BookHot& hot = hot_[intern(symbol)];
  hot.last = price.units();
  hot.has_last = true;
}

void Engine::restore_day_state(const Symbol& symbol, const DayState& state) {
  hot_[intern(symbol)].day.restore(state);
}

std::optional<DayState> Engine::day_state(const Symbol& symbol) const {
  const std::uint32_t id = book_ids_.find(symbol);
  if (id == SymbolTable::kNone) return std::nullopt;
  return hot_[id].day.state();
}

void Engine::restore_series_state(const Symbol& symbol, const SeriesState& state) {
  books_[intern(symbol)].series.restore(state);
}

std::optional<std::vector<SeriesState>> Engine::series_states(const Symbol& symbol) const {
  const std::uint32_t id = book_ids_.find(symbol);
  if (id == SymbolTable::kNone || !books_[id].series.ever_used()) return std::nullopt;
  return books_[id].series.save();
}

std::optional<Price> Engine::last_price(const Symbol& symbol) const {
  const std::uint32_t id = book_ids_.find(symbol);
  if (id == SymbolTable::kNone || !hot_[id].has_last) return std::nullopt;
  return Price::from_units(hot_[id].last);
}

std::optional<PolicyState> Engine::policy_state(AlertId id) const {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone) return std::nullopt;
  const AlertSlot& alert = slots_[slot];
  std::optional<TimestampMs> last_fired_at;
  if (alert.extra != kNone) last_fired_at = extras_[alert.extra].last_fired_at;
  return PolicyState{revision_of(alert), last_fired_at, static_cast<RearmWait>(alert.wait)};
}

void Engine::take_rearmed(std::vector<AlertId>& out) {
  out.insert(out.end(), rearmed_.begin(), rearmed_.end());
  rearmed_.clear();
}

// Re-arm is judged before firing: a bar that reaches the band and the line
// re-arms and fires (its path inside the bar is unknown; no fire is lost).
void Engine::rearm_waiting(std::uint32_t book_id, const Quote& quote) {
  ThresholdIndex& index = books_[book_id].index;
  rearm_hits_.clear();
  index.collect_rearms(quote, rearm_hits_);
  for (EntryId slot : rearm_hits_) {
    AlertSlot& alert = slots_[slot];
    const auto wait = static_cast<RearmWait>(alert.wait);
    index.erase_rearm(slot, rearm_level(policy_of(alert).rearm, alert.line, wait), wait);
    alert.wait = static_cast<std::uint8_t>(RearmWait::none);
    index.insert(slot, condition_of(alert));
    rearmed_.push_back(id_of(alert));
  }
  if (!rearm_hits_.empty()) invalidate_quiet(book_id);
}

// A repeating line alert whose condition holds inside its cooldown (or
// once-per window) would be found again by every quote until the gate opens,
// and keep the quiet band shut. allows() is monotone in the quote's time, so
// no quote before next_allowed() could fire it: it waits outside the index
// until a quote of its symbol reaches that time, or its expiry (a quote at or
// after expires_at must still find it, to expire it exactly as before).
void Engine::park(std::uint32_t book_id, std::uint32_t slot, TimestampMs now) {
  AlertSlot& alert = slots_[slot];
  const AlertExtra& extra = extras_[alert.extra];
  TimestampMs until = extra.policy.next_allowed(extra.last_fired_at.value_or(now));
  if (extra.expires_at) until = std::min(until, *extra.expires_at);
  if (until <= now) return;  // the gate is open now: nothing to wait for
  SymbolBook& book = books_[book_id];
  book.index.erase(slot, condition_of(alert));
  alert.flags |= kParked;
  const auto later = [](const Parked& a, const Parked& b) { return a.until > b.until; };
  book.parked.push_back({until, slot});
  std::push_heap(book.parked.begin(), book.parked.end(), later);
  hot_[book_id].next_unpark = book.parked.front().until;
  invalidate_quiet(book_id);
}

void Engine::unpark(std::uint32_t book_id, TimestampMs now) {
  SymbolBook& book = books_[book_id];
  const auto later = [](const Parked& a, const Parked& b) { return a.until > b.until; };
  while (!book.parked.empty() && book.parked.front().until <= now) {
    const std::uint32_t slot = book.parked.front().slot;
    std::pop_heap(book.parked.begin(), book.parked.end(), later);
    book.parked.pop_back();
    AlertSlot& alert = slots_[slot];
    // A stale entry: the alert left (and the slot may hold another alert).
    if ((alert.flags & kParked) == 0 || alert.book != book_id) continue;
    alert.flags &= static_cast<std::uint8_t>(~kParked);
    book.index.insert(slot, condition_of(alert));
  }
  hot_[book_id].next_unpark =
      book.parked.empty() ? std::numeric_limits<TimestampMs>::max() : book.parked.front().until;
  invalidate_quiet(book_id);
}

void Engine::on_quote(const Quote& quote, std::vector<Fire>& fires) {
  const std::uint32_t book_id = intern(quote.symbol);
  BookHot& hot = hot_[book_id];
  hot.day.on_quote(quote);
  if (hot.direct) judge_direct(book_id, quote, fires);
  if (quote.ts_ms >= hot.next_unpark) unpark(book_id, quote.ts_ms);
  const std::int64_t start = hot.has_last ? hot.last : quote.open.units();
  if (std::min(start, quote.low.units()) >= hot.quiet_floor &&
      std::max(start, quote.high.units()) <= hot.quiet_ceiling) {
    hot.last = quote.price.units();  // nothing can fire or re-arm: skip the index
    hot.has_last = true;
    return;
  }
  const std::optional<Price> previous =
      hot.has_last ? std::optional<Price>(Price::from_units(hot.last)) : std::nullopt;
  ThresholdIndex& index = books_[book_id].index;
  rearm_waiting(book_id, quote);
  hits_.clear();
  index.collect(previous, quote, hits_);
  hot.last = quote.price.units();
  hot.has_last = true;
  // A `crossing` sits on both line sets and a channel on two edges: one
  // judgement per alert; when both edges qualify the direction is up.
  if (hits_.size() > 1) {
    std::sort(hits_.begin(), hits_.end(), [](const ThresholdHit& a, const ThresholdHit& b) {
      return a.id != b.id ? a.id < b.id : a.direction < b.direction;
    });
    hits_.erase(
        std::unique(hits_.begin(), hits_.end(),
                    [](const ThresholdHit& a, const ThresholdHit& b) { return a.id == b.id; }),
        hits_.end());
  }
  for (const ThresholdHit& hit : hits_) {
    AlertSlot& alert = slots_[hit.id];
    if ((alert.flags & kLive) == 0) continue;  // left the engine earlier in this quote
    if (alert.extra != kNone) {
      const AlertExtra& extra = extras_[alert.extra];
      if (extra.expires_at && quote.ts_ms >= *extra.expires_at) {
        remove_slot(hit.id);  // expired: never fires again
        continue;
      }
    }
    // Outside its sessions: no fire, and no cooldown spent (docs/RULES.md).
    if (!in_sessions(alert.sessions, quote.ts_ms, calendar_)) continue;
    if (alert.extra != kNone) {
      const AlertExtra& extra = extras_[alert.extra];
      if (!extra.policy.allows(extra.last_fired_at, quote.ts_ms)) {
        park(book_id, hit.id, quote.ts_ms);
        continue;
      }
    }
    const auto type = static_cast<ConditionType>(alert.type);
    const Direction direction =
        type == ConditionType::crossing
            ? first_crossing(Price::from_units(start), quote, alert.line, hit.direction)
            : hit.direction;
    fires.push_back(make_fire(hit.id, direction, quote));
    after_fire(book_id, hit.id, direction, fires.back());
  }
  // The next quotes skip the index while they stay inside the new band.
  index.refresh_quiet_band(quote.price);
  hot.quiet_floor = index.quiet_floor();
  hot.quiet_ceiling = index.quiet_ceiling();
}

// The same order as the index path: the condition, then the expiry, then the
// time gate. A `once` fire removes the alert, so the candidates are copied
// first. Series alerts come from the grouped SeriesIndex (only those whose
// condition holds), the other judged kinds are judged one by one.
void Engine::judge_direct(std::uint32_t book_id, const Quote& quote, std::vector<Fire>& fires) {
  SymbolBook& book = books_[book_id];
  const BookHot& hot = hot_[book_id];
  book.windows.push(quote);
  book.series.push(quote);
  if (book.judged.empty() && book.series_alerts.empty()) return;
  const Price previous = hot.has_last ? Price::from_units(hot.last) : quote.open;
  series_hits_.clear();
  if (!book.series_alerts.empty())
    book.series_alerts.collect(book.series, previous, quote, series_hits_);
  if (!book.judged.empty()) {
    const JudgeInput input{previous, quote, &book.windows, &hot.day, &book.series};
    judged_scratch_.assign(book.judged.begin(), book.judged.end());
    for (AlertId id : judged_scratch_) {
      const std::uint32_t slot = slot_of(id);
      if (slot == kNone) continue;
      // Judged alerts always have an extra with the full condition.
      if (std::optional<Verdict> verdict =
              judge_condition(*extras_[slots_[slot].extra].condition, input))
        series_hits_.push_back({id, *verdict});
    }
  }
  for (const SeriesHit& hit : series_hits_) fire_judged(book_id, hit.id, hit.verdict, quote, fires);
}

// The trigger policy of a judged alert whose condition held on `quote`.
void Engine::fire_judged(std::uint32_t book_id, AlertId id, const Verdict& verdict,
                         const Quote& quote, std::vector<Fire>& fires) {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone) return;  // left the engine earlier in this quote
  const AlertSlot& alert = slots_[slot];
  const AlertExtra& extra = extras_[alert.extra];  // judged alerts always have one
  if (extra.expires_at && quote.ts_ms >= *extra.expires_at) {
    remove(id);  // expired: never fires again
    return;
  }
  if (!in_sessions(alert.sessions, quote.ts_ms, calendar_)) return;
  if (!extra.policy.allows(extra.last_fired_at, quote.ts_ms)) return;
  Fire fire{id,
            user_of(alert),
            books_[book_id].symbol,
            *extra.condition,
            verdict.direction,
            verdict.price,
            quote.ts_ms};
  fire.revision = revision_of(alert);
  fire.prev_close = quote.prev_close;  // as make_fire: {{change_pct}} for every kind
  fires.push_back(std::move(fire));
  after_fire(book_id, slot, verdict.direction, fires.back());
}

void Engine::after_fire(std::uint32_t book_id, std::uint32_t slot, Direction direction,
                        Fire& fire) {
  AlertSlot& alert = slots_[slot];
  if (alert.extra == kNone || !extras_[alert.extra].policy.repeating()) {
    fire.state_after = AlertState::triggered;
    remove_slot(slot);  // invalidates `alert`
    return;
  }
  AlertExtra& extra = extras_[alert.extra];
  extra.last_fired_at = fire.ts_ms;
  fire.state_after = AlertState::armed;
  const auto type = static_cast<ConditionType>(alert.type);
  if (rearm_applies(type, extra.policy)) {
    const RearmWait wait = direction == Direction::up ? RearmWait::below : RearmWait::above;
    alert.wait = static_cast<std::uint8_t>(wait);
    ThresholdIndex& index = books_[book_id].index;
    index.erase(slot, condition_of(alert));
    index.insert_rearm(slot, rearm_level(extra.policy.rearm, alert.line, wait), wait);
    invalidate_quiet(book_id);
  }
  fire.rearm_wait = static_cast<RearmWait>(alert.wait);
}

Fire Engine::make_fire(std::uint32_t slot, Direction direction, const Quote& quote) const {
  const AlertSlot& alert = slots_[slot];
  Condition condition = condition_of(alert);
  const Price price = reported_price(condition, direction, quote);
  Fire fire{id_of(alert),         user_of(alert), books_[alert.book].symbol,
            std::move(condition), direction,      price,
            quote.ts_ms};
  fire.revision = revision_of(alert);
  fire.prev_close = quote.prev_close;
  return fire;
}

}  // namespace bw
