// Engine: the armed alerts of a shard and the last price of each symbol; turns
// quotes into fires. A pure function of its state and the quote: no clock, no
// I/O, no locks.
//
//   Engine engine;
//   engine.add(alert);                       // an armed alert
//   std::vector<Fire> fires;
//   engine.on_quote(quote, fires);           // appends what the quote fired
//
// Trigger mode `once`: a fired alert leaves the engine in the same call; the
// caller records it as triggered. Repeating modes (`once_per`, `every_time`)
// stay in the engine; a fire updates the alert's last fire time and, with a
// rearm band, parks it until the price comes back (trigger_policy.hpp). An
// alert never fires on a quote at or after its `expires_at`: it leaves the
// engine instead. An alert with `sessions` never fires on a quote whose event
// time lies outside them (the symbol's previous price still moves; see
// docs/RULES.md, "Sessions"). Re-arms are reported through take_rearmed() so the caller
// can persist them. Conditions outside the threshold index (window moves,
// spread, all_of / any_of; condition_judge.hpp) are judged on every quote of
// their symbol, before the index, from the same previous price. Not thread-safe: one thread owns an
// Engine (see app/engine_worker.hpp), and alert changes arrive on that thread.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "rules/condition.hpp"
#include "rules/day_tracker.hpp"
#include "rules/quote.hpp"
#include "rules/result.hpp"
#include "rules/session_calendar.hpp"
#include "rules/threshold_index.hpp"
#include "rules/window_set.hpp"

namespace bw {

// One alert firing on one quote.
struct Fire {
  AlertId alert_id = 0;
  UserId user_id = 0;
  Symbol symbol;
  Condition condition;
  Direction direction = Direction::up;
  Price price;  // the price that met the condition (the close, or the bar's extreme)
  TimestampMs ts_ms = 0;
  // The alert after this fire: `triggered` (left the engine) or still `armed`,
  // and then whether it waits to re-arm. `revision` is the fired version.
  AlertState state_after = AlertState::triggered;
  RearmWait rearm_wait = RearmWait::none;
  std::int64_t revision = 0;
  Price prev_close = {};  // the quote's previous close; zero when unknown ({{change_pct}})
};

// The trigger-policy state of an armed alert, as the store keeps it.
struct PolicyState {
  std::int64_t revision = 0;
  std::optional<TimestampMs> last_fired_at;
  RearmWait rearm_wait = RearmWait::none;
};

// The price a fire reports (docs/RULES.md, "Fires").
Price reported_price(const Condition& condition, Direction direction, const Quote& quote);
// Whether the rearm band applies: repeating modes, not channel conditions.
bool uses_rearm(const Condition& condition, const TriggerPolicy& policy);

class Engine {
 public:
  // Arms `alert`; replaces an alert with the same id. Error if it is not armed.
  Status add(const Alert& alert);
  // Disarms; false when the id was not armed.
  bool remove(AlertId id);
  // Seeds a symbol's previous price (restart continuity).
  void restore_last_price(const Symbol& symbol, Price price);
  // Seeds a symbol's session day (previous close, day volume) after a restart.
  void restore_day_state(const Symbol& symbol, const DayState& state);
  // The symbol's session day, for persisting; empty for a symbol never seen.
  std::optional<DayState> day_state(const Symbol& symbol) const;

  // The exchange calendar that alerts with `sessions` are judged against.
  void set_calendar(SessionCalendar calendar) { calendar_ = std::move(calendar); }

  void on_quote(const Quote& quote, std::vector<Fire>& fires);

  std::optional<Price> last_price(const Symbol& symbol) const;
  std::size_t alert_count() const { return alerts_.size(); }
  // The policy state of an armed alert; empty when it is not in the engine.
  std::optional<PolicyState> policy_state(AlertId id) const;
  // Moves the ids of alerts re-armed since the last call into `out`.
  void take_rearmed(std::vector<AlertId>& out);

 private:
  struct ArmedAlert {
    UserId user_id;
    Symbol symbol;
    Condition condition;
    TriggerPolicy policy;
    std::optional<TimestampMs> expires_at;
    std::optional<TimestampMs> last_fired_at;
    RearmWait rearm_wait = RearmWait::none;
    std::int64_t revision = 0;
    std::uint64_t judged_quote = 0;  // de-duplicates a `crossing` seen on both line sets
    SessionMask sessions = 0;        // 0: any time
  };
  struct SymbolBook {
    std::optional<Price> last;
    ThresholdIndex index;
    // Alerts judged directly on every quote (not line conditions), by id.
    std::vector<AlertId> judged;
    // The price windows their window moves use, pushed before judging.
    WindowSet windows;
    // The session day of every symbol (day change, day volume).
    DayTracker day;
  };

  Fire make_fire(AlertId id, const ArmedAlert& alert, Direction direction,
                 const Quote& quote) const;
  void rearm_waiting(SymbolBook& book, const Quote& quote);
  // Pushes the quote into the symbol's windows and fires the judged alerts.
  void judge_direct(SymbolBook& book, const Quote& quote, std::vector<Fire>& fires);
  // Applies the policy after a fire: leave the engine, or stay (maybe parked).
  void after_fire(SymbolBook& book, AlertId id, ArmedAlert& alert, Direction direction, Fire& fire);

  std::unordered_map<Symbol, SymbolBook> books_;
  std::unordered_map<AlertId, ArmedAlert> alerts_;
  std::vector<ThresholdHit> hits_;          // scratch, reused across quotes
  std::vector<AlertId> rearm_hits_;         // scratch
  std::vector<AlertId> judged_scratch_;     // scratch
  std::vector<DurationMs> window_scratch_;  // scratch
  std::vector<AlertId> rearmed_;            // re-armed since take_rearmed()
  std::uint64_t quote_sequence_ = 0;
  SessionCalendar calendar_;
};

}  // namespace bw
