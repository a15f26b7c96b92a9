// Differential test: bw::Engine (indexed) against bw::testing::NaiveEvaluator
// (every alert checked with plain comparisons) on seeded random markets.
//
// Prices and thresholds share a coarse grid so a price lands exactly on a
// threshold often; a few prices sit one unit (1e-8) off the grid to probe the
// strict and non-strict edges. The walks include repeated equal prices, gaps,
// merged mini-bars, first quotes of fresh symbols, restarts (restored last
// prices), removals and replacements.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rules/engine.hpp"
#include "tests/support/naive_evaluator.hpp"

using namespace bw;

namespace {

constexpr std::int64_t kGridUnits = 25'000'000;  // 0.25
// Walks stay in a band (75.00 to 105.00) so that thresholds left behind are
// revisited instead of going stale.
constexpr std::int64_t kMinGrid = 300;
constexpr std::int64_t kMaxGrid = 420;

struct MarketConfig {
  std::uint64_t seed = 1;
  int quotes = 100'000;
  int symbols = 4;
  int alerts_per_symbol = 40;
  int threshold_spread = 8;        // thresholds within +-spread grid steps of the price
  double merge_probability = 0.0;  // quote is a mini-bar of 2..6 trades
  double gap_probability = 0.02;   // step of 5..40 grid steps
  double off_grid_probability = 0.05;
  double restart_probability = 0.0;     // restore_last_price to a random price
  double new_symbol_probability = 0.0;  // replace a symbol by one never quoted
  double remove_probability = 0.01;
  double replace_probability = 0.01;  // add() reusing a recent id, armed or fired
  double rejected_add_probability = 0.005;
  // Trigger policies: share of alerts with a repeating mode, of those with a
  // rearm band, and of alerts with an expiry; reloads re-add an armed alert
  // with its policy state (a restart from the store); back_in_time is the
  // chance that a trade's timestamp goes backwards (out-of-order ticks).
  double repeating_probability = 0.0;
  double rearm_probability = 0.5;
  double expiry_probability = 0.0;
  double reload_probability = 0.0;
  double back_in_time_probability = 0.0;
  int condition_types = 5;  // 9 adds the channel conditions
  // Longest cooldown / once-per window, in ms (a trade is 1 ms): long ones
  // keep alerts whose condition holds parked outside the index for a while.
  std::int64_t max_interval_ms = 12;
  // Ids: the first alert id (ids count up from it), and the share of alerts
  // whose user id and revision need more than 32 bits (the engine keeps
  // those, and alert ids over 32 bits, outside its 32-byte slots).
  AlertId first_id = 1;
  double wide_ids_probability = 0.0;
};

std::string describe(const Fire& fire) {
  std::ostringstream out;
  out << "{id " << fire.alert_id << " user " << fire.user_id << ' ' << fire.symbol << ' '
      << condition_type_name(fire.condition.type) << ' ' << fire.condition.price.to_string()
      << (fire.direction == Direction::up ? " up " : " down ") << fire.price.to_string(8) << " ts "
      << fire.ts_ms << '}';
  return out.str();
}

std::string describe(const std::vector<Fire>& fires) {
  std::string out;
  for (const Fire& fire : fires) out += describe(fire) + '\n';
  return out.empty() ? "(none)\n" : out;
}

std::string describe(const Quote& quote) {
  std::ostringstream out;
  out << quote.symbol << " open " << quote.open.to_string(8) << " high " << quote.high.to_string(8)
      << " low " << quote.low.to_string(8) << " close " << quote.price.to_string(8) << " ts "
      << quote.ts_ms;
  return out.str();
}

bool same_fire(const Fire& a, const Fire& b) {
  return a.alert_id == b.alert_id && a.user_id == b.user_id && a.symbol == b.symbol &&
         a.condition == b.condition && a.direction == b.direction && a.price == b.price &&
         a.ts_ms == b.ts_ms && a.state_after == b.state_after && a.rearm_wait == b.rearm_wait &&
         a.revision == b.revision;
}

bool same_fires(const std::vector<Fire>& a, const std::vector<Fire>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same_fire);
}

void sort_by_alert_id(std::vector<Fire>& fires) {
  std::sort(fires.begin(), fires.end(),
            [](const Fire& a, const Fire& b) { return a.alert_id < b.alert_id; });
}

// Drives an Engine and a NaiveEvaluator with the same random market and
// compares every quote's fires. Stops at the first disagreement.
class Market {
 public:
  explicit Market(const MarketConfig& config)
      : config_(config),
        rng_(config.seed),
        target_alerts_(static_cast<std::size_t>(config.symbols * config.alerts_per_symbol)),
        next_id_(config.first_id) {
    for (int i = 0; i < config_.symbols; ++i) books_.push_back(fresh_book());
  }

  void run() {
    for (int i = 0; i < config_.quotes; ++i) {
      Book& book = books_[pick(books_.size())];
      maybe_change_alerts(book);
      if (chance(config_.restart_probability)) restart(book);
      if (chance(config_.reload_probability)) reload();
      if (!feed(book, next_quote(book))) return;
      if (chance(config_.new_symbol_probability)) retire(book);
    }
    REQUIRE(engine_.alert_count() == naive_.alert_count());
    for (const Book& book : books_) {
      REQUIRE(engine_.last_price(book.symbol) == naive_.last_price(book.symbol));
    }
  }

  long long fires() const { return fire_count_; }
  long long quotes() const { return quote_count_; }
  long long trades() const { return trade_count_; }

 private:
  struct Book {
    Symbol symbol;
    std::int64_t grid = 0;  // current price in grid steps
  };

  bool chance(double probability) {
    return probability > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < probability;
  }
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }

  // A symbol never seen before, with alerts armed before its first quote.
  Book fresh_book() {
    Book book{std::string("S").append(std::to_string(next_symbol_++)), between(kMinGrid, kMaxGrid)};
    for (int i = 0; i < config_.alerts_per_symbol; ++i) arm(new_alert(book));
    return book;
  }

  // Replaces a symbol by a fresh one. The old symbol is never quoted again, so
  // its armed alerts stay armed: count them out of the target population.
  void retire(Book& book) {
    target_alerts_ += static_cast<std::size_t>(config_.alerts_per_symbol);
    book = fresh_book();
  }

  // On the grid, or now and then one unit (or a fraction of a step) off it.
  Price price_near(std::int64_t grid) {
    std::int64_t units = grid * kGridUnits;
    if (chance(config_.off_grid_probability)) {
      switch (pick(3)) {
        case 0:
          units -= 1;
          break;
        case 1:
          units += 1;
          break;
        default:
          units += between(-kGridUnits + 1, kGridUnits - 1);
          break;
      }
    }
    return Price::from_units(units);
  }

  Alert new_alert(const Book& book) {
    Alert alert;
    alert.id = next_id_++;
    alert.user_id = static_cast<UserId>(pick(1'000));
    alert.symbol = book.symbol;
    alert.condition.type = static_cast<ConditionType>(pick(config_.condition_types));
    // Inside the band, so the walk can always reach it again.
    const std::int64_t grid =
        std::clamp(book.grid + between(-config_.threshold_spread, config_.threshold_spread),
                   kMinGrid, kMaxGrid);
    alert.condition.price = price_near(grid);
    if (is_channel(alert.condition.type)) {
      // A narrow or wide channel; sometimes one unit wide (lower + 1e-8).
      alert.condition.upper =
          chance(0.05)
              ? Price::from_units(alert.condition.price.units() + 1)
              : price_near(std::min(grid + between(1, config_.threshold_spread), kMaxGrid + 8));
      if (alert.condition.upper <= alert.condition.price)
        alert.condition.upper = Price::from_units(alert.condition.price.units() + kGridUnits);
    }
    alert.revision = static_cast<std::int64_t>(pick(3));
    if (chance(config_.wide_ids_probability)) {
      alert.user_id += UserId{1} << 33;
      alert.revision += std::int64_t{1} << 32;
    }
    if (chance(config_.repeating_probability)) {
      alert.trigger.mode = pick(2) ? TriggerMode::every_time : TriggerMode::once_per;
      alert.trigger.interval_ms =
          between(alert.trigger.mode == TriggerMode::once_per ? 1 : 0, config_.max_interval_ms);
      if (chance(config_.rearm_probability)) {
        alert.trigger.rearm =
            pick(2)
                ? RearmBand::by_amount(
                      Price::from_units(between(1, 3) * kGridUnits + between(-1, 1)))
                : RearmBand::by_percent(Price::from_units(between(1, 200) * Price::kScale / 100));
      }
    }
    if (chance(config_.expiry_probability)) alert.expires_at = ts_ + between(0, 200);
    return alert;
  }

  // A restart: the alert comes back from the store with the policy state the
  // naive evaluator holds (last fire, re-arm wait) into both.
  void reload() {
    const AlertId id = between(std::max<AlertId>(config_.first_id, next_id_ - 500), next_id_ - 1);
    std::optional<Alert> stored = naive_.find(id);
    if (!stored) return;
    std::optional<PolicyState> state = engine_.policy_state(id);
    REQUIRE(state);
    REQUIRE(state->last_fired_at == stored->last_fired_at);
    REQUIRE(state->rearm_wait == stored->rearm_wait);
    arm(*stored);
  }

  void arm(const Alert& alert) {
    const bool engine_ok = engine_.add(alert).ok();
    const bool naive_ok = naive_.add(alert);
    if (engine_ok != naive_ok) FAIL("add disagreed for alert " << alert.id);
  }

  void maybe_change_alerts(const Book& book) {
    if (next_id_ == config_.first_id) return;
    if (chance(config_.remove_probability)) {
      const AlertId id = between(std::max<AlertId>(config_.first_id, next_id_ - 500), next_id_ - 1);
      const bool engine_removed = engine_.remove(id);
      if (engine_removed != naive_.remove(id)) FAIL("remove disagreed for alert " << id);
    }
    if (chance(config_.replace_probability)) {
      Alert alert = new_alert(book);
      alert.id = between(std::max<AlertId>(config_.first_id, next_id_ - 500), next_id_ - 1);
      arm(alert);  // replaces it if armed, arms it again if it had fired
    }
    if (chance(config_.rejected_add_probability)) {
      Alert alert = new_alert(book);
      alert.id = between(std::max<AlertId>(config_.first_id, next_id_ - 500), next_id_ - 1);
      alert.state = static_cast<AlertState>(1 + pick(3));  // triggered, paused, expired
      arm(alert);  // both must refuse and keep what they had
    }
  }

  void restart(Book& book) {
    book.grid = std::clamp(book.grid + between(-10, 10), kMinGrid, kMaxGrid);
    const Price restored = price_near(book.grid);
    engine_.restore_last_price(book.symbol, restored);
    naive_.restore_last_price(book.symbol, restored);
  }

  Quote next_trade(Book& book) {
    std::int64_t step = between(-2, 2);  // 0: the same price again
    if (chance(config_.gap_probability)) step = (pick(2) ? 1 : -1) * between(5, 40);
    book.grid = std::clamp(book.grid + step, kMinGrid, kMaxGrid);
    ++trade_count_;
    TimestampMs ts = ++ts_;
    if (chance(config_.back_in_time_probability)) ts -= between(1, 30);
    return Quote::trade(book.symbol, price_near(book.grid), between(1, 500), ts);
  }

  Quote next_quote(Book& book) {
    Quote quote = next_trade(book);
    if (!chance(config_.merge_probability)) return quote;
    const std::int64_t trades = between(2, 6);
    for (std::int64_t i = 1; i < trades; ++i) quote.merge(next_trade(book));
    return quote;
  }

  bool feed(Book& book, const Quote& quote) {
    engine_fires_.clear();
    naive_fires_.clear();
    const auto previous = engine_.last_price(book.symbol);
    engine_.on_quote(quote, engine_fires_);
    naive_.on_quote(quote, naive_fires_);
    ++quote_count_;
    sort_by_alert_id(engine_fires_);
    sort_by_alert_id(naive_fires_);
    if (!same_fires(engine_fires_, naive_fires_)) {
      FAIL("seed " << config_.seed << ", quote " << quote_count_ << ": " << describe(quote)
                   << "\nprevious " << (previous ? previous->to_string(8) : std::string("(none)"))
                   << "\nengine fired:\n"
                   << describe(engine_fires_) << "naive fired:\n"
                   << describe(naive_fires_));
      return false;
    }
    fire_count_ += static_cast<long long>(engine_fires_.size());
    // Keep the population near its target: re-arm what fired, on this symbol.
    while (engine_.alert_count() < target_alerts_) arm(new_alert(book));
    return true;
  }

  MarketConfig config_;
  std::mt19937_64 rng_;
  std::size_t target_alerts_;  // armed alerts across all symbols
  Engine engine_;
  testing::NaiveEvaluator naive_;
  std::vector<Book> books_;
  std::vector<Fire> engine_fires_;
  std::vector<Fire> naive_fires_;
  AlertId next_id_;
  int next_symbol_ = 0;
  TimestampMs ts_ = 1'700'000'000'000;
  long long quote_count_ = 0;
  long long fire_count_ = 0;
  long long trade_count_ = 0;
};

// Runs one market and checks that it fired often enough to mean something.
void run_market(const MarketConfig& config) {
  CAPTURE(config.seed);
  Market market(config);
  market.run();
  REQUIRE(market.quotes() == config.quotes);
  REQUIRE(market.trades() >= config.quotes);
  REQUIRE(market.fires() > config.quotes / 20);
}

}  // namespace

TEST_CASE("Engine and naive evaluator agree on single trades walking a threshold grid", "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0001;
  config.quotes = 600'000;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree on merged mini-bars", "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0002;
  config.quotes = 400'000;
  config.merge_probability = 0.5;
  config.gap_probability = 0.05;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree on first quotes of fresh symbols", "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0003;
  config.quotes = 400'000;
  config.symbols = 50;
  config.alerts_per_symbol = 10;
  config.new_symbol_probability = 0.02;
  config.merge_probability = 0.2;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree across restarts and off-grid prices", "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0004;
  config.quotes = 400'000;
  config.off_grid_probability = 0.3;
  config.restart_probability = 0.01;
  config.merge_probability = 0.1;
  config.remove_probability = 0.05;
  config.replace_probability = 0.05;
  config.rejected_add_probability = 0.02;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree with many alerts per symbol and large gaps",
          "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0005;
  config.quotes = 200'000;
  config.symbols = 2;
  config.alerts_per_symbol = 150;
  config.threshold_spread = 30;
  config.gap_probability = 0.2;
  config.merge_probability = 0.3;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree on repeating trigger policies with rearm bands",
          "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0011;
  config.quotes = 400'000;
  config.repeating_probability = 0.8;
  config.merge_probability = 0.3;
  config.reload_probability = 0.02;
  config.replace_probability = 0.005;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree on expiries and out-of-order ticks", "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0012;
  config.quotes = 300'000;
  config.repeating_probability = 0.6;
  config.expiry_probability = 0.3;
  config.back_in_time_probability = 0.05;
  config.off_grid_probability = 0.2;
  config.reload_probability = 0.01;
  config.restart_probability = 0.005;
  config.merge_probability = 0.2;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree on channel conditions", "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0021;
  config.quotes = 300'000;
  config.condition_types = 9;
  config.merge_probability = 0.3;
  config.off_grid_probability = 0.2;
  config.restart_probability = 0.005;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree on channels with repeating policies and gaps",
          "[rules]") {
  MarketConfig config;
  config.seed = 0x5eed0022;
  config.quotes = 300'000;
  config.condition_types = 9;
  config.repeating_probability = 0.7;
  config.expiry_probability = 0.1;
  config.gap_probability = 0.1;
  config.merge_probability = 0.3;
  config.reload_probability = 0.01;
  config.new_symbol_probability = 0.005;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree under heavy churn of gated, parked and waiting alerts",
          "[rules]") {
  // Long cooldowns park alerts whose condition holds; removals, replacements
  // and reloads then hit parked, waiting and freshly reused slots, and expiries
  // fall inside the parked time.
  MarketConfig config;
  config.seed = 0x5eed0031;
  config.quotes = 300'000;
  config.condition_types = 9;
  config.repeating_probability = 0.8;
  config.max_interval_ms = 400;
  config.expiry_probability = 0.2;
  config.remove_probability = 0.08;
  config.replace_probability = 0.08;
  config.rejected_add_probability = 0.02;
  config.reload_probability = 0.03;
  config.back_in_time_probability = 0.05;
  config.merge_probability = 0.3;
  config.new_symbol_probability = 0.002;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree with many alerts per symbol under churn", "[rules]") {
  // Hundreds of alerts on one symbol: the sorted arrays merge their insert
  // buffers (max(16, sqrt n) entries) and compact their tombstones many times over.
  MarketConfig config;
  config.seed = 0x5eed0032;
  config.quotes = 60'000;
  config.symbols = 2;
  config.alerts_per_symbol = 400;
  config.threshold_spread = 40;
  config.condition_types = 9;
  config.repeating_probability = 0.5;
  config.max_interval_ms = 200;
  config.expiry_probability = 0.1;
  config.remove_probability = 0.2;
  config.replace_probability = 0.2;
  config.reload_probability = 0.02;
  config.merge_probability = 0.2;
  config.gap_probability = 0.1;
  run_market(config);
}

TEST_CASE("Engine and naive evaluator agree on alert, user and revision ids past 32 bits",
          "[rules]") {
  // Alert ids cross 2^32 early in the run, and some user ids and revisions
  // are wider than 32 bits: the engine keeps those outside its slots.
  MarketConfig config;
  config.seed = 0x5eed0041;
  config.quotes = 200'000;
  config.first_id = (AlertId{1} << 32) - 100;
  config.wide_ids_probability = 0.3;
  config.condition_types = 9;
  config.repeating_probability = 0.5;
  config.max_interval_ms = 200;
  config.expiry_probability = 0.1;
  config.remove_probability = 0.05;
  config.replace_probability = 0.05;
  config.reload_probability = 0.02;
  config.merge_probability = 0.2;
  run_market(config);
}

TEST_CASE("Merging trades into a mini-bar never loses a fire", "[rules]") {
  // Conflation may change which price a fire reports, but every alert that the
  // trades would fire one by one still fires on the merged bar.
  std::mt19937_64 rng(0x5eed0006);
  auto between = [&rng](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  auto on_grid = [](std::int64_t grid) { return Price::from_units(grid * kGridUnits); };
  for (int round = 0; round < 20'000; ++round) {
    Engine one_by_one;
    Engine conflated;
    const std::int64_t start = between(kMinGrid, kMaxGrid);
    if (between(0, 3) != 0) {  // sometimes the bar is the symbol's first quote
      one_by_one.restore_last_price("X", on_grid(start));
      conflated.restore_last_price("X", on_grid(start));
    }
    for (AlertId id = 1; id <= 10; ++id) {
      Alert alert;
      alert.id = id;
      alert.symbol = "X";
      alert.condition = {static_cast<ConditionType>(between(0, 4)),
                         on_grid(start + between(-4, 4))};
      REQUIRE(one_by_one.add(alert).ok());
      REQUIRE(conflated.add(alert).ok());
    }
    std::vector<Fire> separate_fires;
    std::optional<Quote> bar;
    std::int64_t grid = start;
    for (std::int64_t i = between(2, 6); i > 0; --i) {
      grid += between(-3, 3);
      const Quote trade = Quote::trade("X", on_grid(grid), 1, round);
      one_by_one.on_quote(trade, separate_fires);
      if (bar) {
        bar->merge(trade);
      } else {
        bar = trade;
      }
    }
    std::vector<Fire> merged_fires;
    conflated.on_quote(*bar, merged_fires);
    std::vector<AlertId> separate_ids;
    std::vector<AlertId> merged_ids;
    for (const Fire& fire : separate_fires) separate_ids.push_back(fire.alert_id);
    for (const Fire& fire : merged_fires) merged_ids.push_back(fire.alert_id);
    std::sort(separate_ids.begin(), separate_ids.end());
    std::sort(merged_ids.begin(), merged_ids.end());
    if (!std::includes(merged_ids.begin(), merged_ids.end(), separate_ids.begin(),
                       separate_ids.end())) {
      FAIL("round " << round << ": " << describe(*bar) << "\none by one:\n"
                    << describe(separate_fires) << "merged:\n"
                    << describe(merged_fires));
    }
  }
}
