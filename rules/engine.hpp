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
// caller records it as triggered. Not thread-safe: one thread owns an Engine
// (see app/engine_worker.hpp), and alert changes arrive on that thread.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "rules/condition.hpp"
#include "rules/quote.hpp"
#include "rules/result.hpp"
#include "rules/threshold_index.hpp"

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
};

class Engine {
 public:
  // Arms `alert`; replaces an alert with the same id. Error if it is not armed.
  Status add(const Alert& alert);
  // Disarms; false when the id was not armed.
  bool remove(AlertId id);
  // Seeds a symbol's previous price (restart continuity).
  void restore_last_price(const Symbol& symbol, Price price);

  void on_quote(const Quote& quote, std::vector<Fire>& fires);

  std::optional<Price> last_price(const Symbol& symbol) const;
  std::size_t alert_count() const { return alerts_.size(); }

 private:
  struct ArmedAlert {
    UserId user_id;
    Symbol symbol;
    Condition condition;
  };
  struct SymbolBook {
    std::optional<Price> last;
    ThresholdIndex index;
  };

  Fire make_fire(AlertId id, const ArmedAlert& alert, Direction direction,
                 const Quote& quote) const;

  std::unordered_map<Symbol, SymbolBook> books_;
  std::unordered_map<AlertId, ArmedAlert> alerts_;
  std::vector<ThresholdHit> hits_;  // scratch, reused across quotes
};

}  // namespace bw
