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
// docs/RULES.md, "Sessions"). Re-arms are reported through take_rearmed() so
// the caller can persist them. Conditions outside the threshold index (window moves,
// spread, all_of / any_of; condition_judge.hpp) are judged on every quote of
// their symbol, before the index, from the same previous price; volume spikes
// and indicators at the same moment, grouped in a SeriesIndex (only the
// alerts whose condition holds are visited). Not thread-safe: one thread owns an Engine (see
// app/engine_worker.hpp), and alert changes arrive on that thread.
//
// Data layout (docs/ARCHITECTURE.md, "Rule engine data layout"): a symbol is
// interned once to a dense book id (one string hash per quote); per book a
// 96-byte hot record (last price, quiet band, next unpark time, session day)
// that every quote reads, and a cold SymbolBook (the ThresholdIndex, judged
// alerts, windows, parked alerts) touched only when the quote leaves the quiet
// band. Armed alerts are 32-byte slots in a paged array; the index holds
// (price, slot) pairs and an open-addressing SlotTable maps alert ids to
// slots. Fields a plain `once` price alert does not need (a channel's upper
// edge, a repeating policy, expiry, last fire, a condition beyond {type,
// price, upper}) live in an AlertExtra side table, and ids over 32 bits in a
// rare wide-id map. A repeating
// line alert found while its time gate is shut is *parked*: out of the index
// until a quote of its symbol reaches the time the gate opens (or its
// expiry), so it neither costs every quote nor shuts the quiet band. Fires
// within a quote come in slot order (callers must not rely on any order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "rules/condition.hpp"
#include "rules/day_tracker.hpp"
#include "rules/paged_vector.hpp"
#include "rules/quote.hpp"
#include "rules/result.hpp"
#include "rules/series_index.hpp"
#include "rules/series_set.hpp"
#include "rules/session_calendar.hpp"
#include "rules/slot_table.hpp"
#include "rules/symbol_table.hpp"
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
  // Seeds a saved series state (bars, indicator, volume window) after a
  // restart; applied when an alert using that series is added.
  void restore_series_state(const Symbol& symbol, const SeriesState& state);
  // The states of the symbol's live series, for persisting; empty when the
  // symbol never had a series (nothing saved to replace).
  std::optional<std::vector<SeriesState>> series_states(const Symbol& symbol) const;

  // The exchange calendar that alerts with `sessions` are judged against.
  void set_calendar(SessionCalendar calendar) { calendar_ = std::move(calendar); }

  void on_quote(const Quote& quote, std::vector<Fire>& fires);

  std::optional<Price> last_price(const Symbol& symbol) const;
  std::size_t alert_count() const { return alert_count_; }
  // The policy state of an armed alert; empty when it is not in the engine.
  std::optional<PolicyState> policy_state(AlertId id) const;
  // Moves the ids of alerts re-armed since the last call into `out`.
  void take_rearmed(std::vector<AlertId>& out);

 private:
  static constexpr std::uint32_t kNone = SlotTable::kNone;

  // The hot record of an armed alert (32 bytes), in a paged array indexed by
  // slot; the index and the id table refer to alerts by slot. Anything a
  // plain price alert does not need lives in an AlertExtra; ids wider than
  // 32 bits (alert, user or revision) live in wide_ids_.
  struct AlertSlot {
    Price line;                   // condition.price (a channel's lower edge)
    std::uint32_t id = 0;         // the alert id; with kWideIds, this slot (wide_ids_'s key)
    std::uint32_t book = 0;       // the symbol's book
    std::uint32_t extra = kNone;  // index into extras_, or kNone
    std::uint32_t user = 0;       // user_id, unless kWideIds
    std::uint32_t revision = 0;   // revision, unless kWideIds
    std::uint8_t type = 0;        // ConditionType
    std::uint8_t wait = 0;        // RearmWait
    std::uint8_t flags = 0;       // kLive, kParked, kWideIds
    SessionMask sessions = 0;     // 0: any time
  };
  static_assert(sizeof(AlertSlot) == 32);
  static constexpr std::uint8_t kLive = 1;
  static constexpr std::uint8_t kParked = 2;   // out of the index until its time gate opens
  static constexpr std::uint8_t kWideIds = 4;  // id, user_id and revision in wide_ids_
  struct WideIds {
    AlertId id = 0;
    UserId user_id = 0;
    std::int64_t revision = 0;
  };
  // An optional time in 8 bytes (std::optional takes 16): the one value no
  // alert may carry (add() refuses it) stands for "none". Reads like the
  // std::optional it replaces and converts to one.
  class OptionalTime {
   public:
    static constexpr TimestampMs kAbsent = std::numeric_limits<TimestampMs>::min();
    OptionalTime() = default;
    OptionalTime(TimestampMs time) : value_(time) {}
    OptionalTime(std::optional<TimestampMs> time) : value_(time.value_or(kAbsent)) {}
    explicit operator bool() const { return value_ != kAbsent; }
    TimestampMs operator*() const { return value_; }
    TimestampMs value_or(TimestampMs fallback) const {
      return value_ != kAbsent ? value_ : fallback;
    }
    operator std::optional<TimestampMs>() const {
      return value_ != kAbsent ? std::optional<TimestampMs>(value_) : std::nullopt;
    }

   private:
    TimestampMs value_ = kAbsent;
  };
  // Cold fields, only for the alerts that need one: channels (upper edge),
  // repeating policies, expiries, a previous fire, and conditions that
  // {type, line, upper} does not fully state (window moves, day change,
  // compounds: the judged-directly kinds). 64 bytes.
  struct AlertExtra {
    Price upper;
    TriggerPolicy policy;
    OptionalTime expires_at;
    OptionalTime last_fired_at;
    std::unique_ptr<Condition> condition;  // the full condition, when not compact
  };
  // Per symbol, touched by every quote: the last price, the quiet band and
  // the next time a parked alert's gate opens; 96 bytes, dense by book id.
  struct BookHot {
    std::int64_t last = 0;
    bool has_last = false;
    bool direct = false;           // has judged alerts or windows
    std::int64_t quiet_floor = 1;  // empty band: floor > ceiling
    std::int64_t quiet_ceiling = 0;
    TimestampMs next_unpark = std::numeric_limits<TimestampMs>::max();
    // The session day of every symbol (day change, day volume).
    DayTracker day;
  };
  struct Parked {
    TimestampMs until;  // when the gate opens (or the alert expires)
    std::uint32_t slot;
  };
  // Per symbol, touched only when the index is (or to fire).
  struct SymbolBook {
    Symbol symbol;
    ThresholdIndex index;
    // Alerts judged directly on every quote (not line conditions), by id.
    std::vector<AlertId> judged;
    // The price windows their window moves use, pushed before judging.
    WindowSet windows;
    // Volume windows and indicators of its series conditions, pushed before judging.
    SeriesSet series;
    // Alerts whose whole condition is a series condition, grouped (not in `judged`).
    SeriesIndex series_alerts;
    // Line alerts whose condition held while their time gate was shut: a
    // min-heap by `until`; they rejoin the index when a quote reaches it.
    std::vector<Parked> parked;
  };

  std::uint32_t intern(const Symbol& symbol);
  std::uint32_t slot_of(AlertId id) const;
  AlertId id_of(const AlertSlot& alert) const;
  Condition condition_of(const AlertSlot& alert) const;
  const TriggerPolicy& policy_of(const AlertSlot& alert) const;
  UserId user_of(const AlertSlot& alert) const;
  std::int64_t revision_of(const AlertSlot& alert) const;
  void remove_slot(std::uint32_t slot);
  void invalidate_quiet(std::uint32_t book_id);
  Fire make_fire(std::uint32_t slot, Direction direction, const Quote& quote) const;
  void rearm_waiting(std::uint32_t book_id, const Quote& quote);
  // Takes a line alert whose gate is shut out of the index until it opens.
  void park(std::uint32_t book_id, std::uint32_t slot, TimestampMs now);
  void unpark(std::uint32_t book_id, TimestampMs now);
  // Pushes the quote into the symbol's windows and fires the judged alerts.
  void judge_direct(std::uint32_t book_id, const Quote& quote, std::vector<Fire>& fires);
  void fire_judged(std::uint32_t book_id, AlertId id, const Verdict& verdict, const Quote& quote,
                   std::vector<Fire>& fires);
  // Applies the policy after a fire: leave the engine, or stay (maybe parked).
  void after_fire(std::uint32_t book_id, std::uint32_t slot, Direction direction, Fire& fire);

  SymbolTable book_ids_;      // symbol -> book id
  std::vector<BookHot> hot_;  // by book id
  // By book id; a deque: ~900-byte books, no 2x growth slack, never moved.
  std::deque<SymbolBook> books_;
  // By slot; free ones have no kLive. Pages of 4096 slots (128 KB): no
  // growth slack beyond one page, and growing never copies all slots.
  PagedVector<AlertSlot, 12> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<AlertExtra> extras_;
  std::vector<std::uint32_t> free_extras_;
  // By slot, for the kWideIds slots only (rare).
  std::unordered_map<std::uint32_t, WideIds> wide_ids_;
  SlotTable ids_;  // alert id -> slot
  std::size_t alert_count_ = 0;
  std::vector<ThresholdHit> hits_;          // scratch, reused across quotes
  std::vector<EntryId> rearm_hits_;         // scratch
  std::vector<AlertId> judged_scratch_;     // scratch
  std::vector<SeriesHit> series_hits_;      // scratch: judged alerts that hold
  std::vector<DurationMs> window_scratch_;  // scratch
  std::vector<SeriesKey> series_scratch_;   // scratch
  std::vector<AlertId> rearmed_;            // re-armed since take_rearmed()
  SessionCalendar calendar_;
};

}  // namespace bw
