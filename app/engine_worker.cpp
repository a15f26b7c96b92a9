#include "app/engine_worker.hpp"

#include "log/module_logger.hpp"
#include "platform/thread_setup.hpp"

namespace bw {

EngineWorker::EngineWorker(EngineQueue& queue, Notifier& notifier, PriceRepository& prices,
                           AlertRepository& alerts, std::chrono::milliseconds price_flush_interval)
    : queue_(queue),
      notifier_(notifier),
      alerts_(alerts),
      price_flush_interval_(price_flush_interval),
      flusher_([n = &notifier](std::uint64_t ticket) { n->wait_until_processed(ticket); }, prices) {
}

EngineWorker::~EngineWorker() {
  stop();
}

void EngineWorker::load(const std::vector<Alert>& armed,
                        const std::vector<LastPrice>& last_prices) {
  for (const LastPrice& p : last_prices) {
    engine_.restore_last_price(p.symbol, p.price);
    if (p.day) engine_.restore_day_state(p.symbol, *p.day);
    if (p.series) {
      for (const SeriesState& state : *p.series) engine_.restore_series_state(p.symbol, state);
    }
  }
  for (const Alert& alert : armed) {
    if (Status s = engine_.add(alert); !s)
      module_logger("engine")->warn("engine: skipped alert {}: {}", alert.id, s.error());
  }
  module_logger("engine")->info("engine: loaded {} armed alerts and {} last prices",
                                engine_.alert_count(), last_prices.size());
}

void EngineWorker::set_metrics(EngineWorkerMetrics metrics) {
  metrics_ = metrics;
}

void EngineWorker::start() {
  flusher_.start();
  running_.store(true, std::memory_order_relaxed);
  thread_ = std::thread([this] {
    setup_thread("bw-engine", ThreadRole::latency_path);
    run();
    running_.store(false, std::memory_order_relaxed);
  });
}

void EngineWorker::stop() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
  flusher_.stop();  // after the worker's last hand-over
}

void EngineWorker::arm(const Alert& alert) {
  queue_.push_command({[alert](Engine& engine) {
    if (Status s = engine.add(alert); !s)
      module_logger("engine")->warn("engine: cannot arm alert {}: {}", alert.id, s.error());
  }});
}

void EngineWorker::disarm(AlertId id) {
  queue_.push_command({[id](Engine& engine) { engine.remove(id); }});
}

void EngineWorker::run() {
  using clock = std::chrono::steady_clock;
  std::vector<EngineQueue::Entry> batch;
  std::vector<Fire> fires;
  auto next_flush = clock::now() + price_flush_interval_;
  bool open = true;
  while (open) {
    batch.clear();
    open = queue_.pop_all(batch, price_flush_interval_);
    apply(batch, fires);
    if (!fires.empty()) {
      if (metrics_.fires) metrics_.fires->inc(fires.size());
      last_ticket_ = notifier_.submit(std::move(fires));
      fires.clear();
    }
    if (!open || clock::now() >= next_flush) {
      hand_over_prices();
      flush_policy_states();
      next_flush = clock::now() + price_flush_interval_;
    }
  }
}

void EngineWorker::apply(std::vector<EngineQueue::Entry>& batch, std::vector<Fire>& fires) {
  for (EngineQueue::Entry& entry : batch) {
    if (auto* quote = std::get_if<Quote>(&entry)) {
      evaluate(*quote, fires);
      dirty_prices_[quote->symbol] =
          LastPrice{quote->symbol, quote->price, quote->ts_ms, std::nullopt};
    } else {
      std::get<EngineCommand>(entry).apply(engine_);
    }
  }
}

void EngineWorker::evaluate(const Quote& quote, std::vector<Fire>& fires) {
  if (!metrics_.evaluation_seconds) return engine_.on_quote(quote, fires);
  const auto started = std::chrono::steady_clock::now();
  engine_.on_quote(quote, fires);
  metrics_.evaluation_seconds->observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

// Waits for the notifier first (only when some alert re-armed): then every
// fire so far is committed, so the engine's current state is never older
// than the store's.
void EngineWorker::flush_policy_states() {
  engine_.take_rearmed(rearmed_);
  if (rearmed_.empty()) return;
  notifier_.wait_until_processed(last_ticket_);
  std::vector<PolicyStateRow> rows;
  for (AlertId id : rearmed_) {
    if (std::optional<PolicyState> state = engine_.policy_state(id)) rows.push_back({id, *state});
  }
  try {
    alerts_.save_policy_states(rows);
    rearmed_.clear();
  } catch (const std::exception& error) {
    // Kept: the next flush retries.
    spdlog::error("engine: saving {} alert states failed: {}", rows.size(), error.what());
  }
}

// The flusher writes the snapshot once the fires up to last_ticket_ are
// committed: a stored price is never past a crossing whose fire is not.
void EngineWorker::hand_over_prices() {
  if (dirty_prices_.empty()) return;
  std::vector<LastPrice> snapshot;
  snapshot.reserve(dirty_prices_.size());
  for (auto& [symbol, price] : dirty_prices_) {
    price.day = engine_.day_state(symbol);  // as of now: newer than the quote that dirtied it
    price.series = engine_.series_states(symbol);
    snapshot.push_back(std::move(price));
  }
  dirty_prices_.clear();
  flusher_.submit(last_ticket_, std::move(snapshot));
}

}  // namespace bw
