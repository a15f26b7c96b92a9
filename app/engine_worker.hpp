// EngineWorker: the thread that owns the Engine (one shard). It drains the
// EngineQueue (quotes and alert commands, in order), hands fires to the
// Notifier, and every `price_flush_interval` (and on stop) hands each changed
// symbol's last price (with its session day and series states: indicator
// warm-up) to a PriceFlusher, which stores it for restart continuity on its
// own thread once the fires before it are committed. The policy state
// (re-arms, last fire) of alerts whose state changed is written on this
// thread after waiting for the notifier, because the notifier's own fire
// writes touch the same columns and must not be overtaken.
//
//   EngineWorker worker(queue, notifier, prices, alerts, 200ms);
//   worker.load(alerts.list_armed(), prices.load_all());   // before start
//   worker.start();
//   worker.arm(alert);          // AlertEngine: from any thread, via the queue
//   worker.stop();              // closes the queue, drains it, final flush, joins
//
// Only the worker thread touches the Engine; arm/disarm are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>
#include <unordered_map>

#include "app/price_flusher.hpp"
#include "ingest/engine_queue.hpp"
#include "metrics/metrics.hpp"
#include "notify/notifier.hpp"
#include "store/alert_repository.hpp"
#include "store/price_repository.hpp"
#include "web/api_context.hpp"

namespace bw {

// Where the worker records; null members are not recorded.
struct EngineWorkerMetrics {
  Histogram* evaluation_seconds = nullptr;  // per quote, Engine::on_quote
  Counter* fires = nullptr;
};

class EngineWorker : public AlertEngine {
 public:
  EngineWorker(EngineQueue& queue, Notifier& notifier, PriceRepository& prices,
               AlertRepository& alerts, std::chrono::milliseconds price_flush_interval);
  ~EngineWorker() override;
  EngineWorker(const EngineWorker&) = delete;
  EngineWorker& operator=(const EngineWorker&) = delete;

  void load(const std::vector<Alert>& armed, const std::vector<LastPrice>& last_prices);
  void set_metrics(EngineWorkerMetrics metrics);  // before start
  void start();
  void stop();
  // True from start() until the worker thread has returned.
  bool running() const { return running_.load(std::memory_order_relaxed); }

  void arm(const Alert& alert) override;
  void disarm(AlertId id) override;

 private:
  void run();
  void apply(std::vector<EngineQueue::Entry>& batch, std::vector<Fire>& fires);
  void evaluate(const Quote& quote, std::vector<Fire>& fires);
  void hand_over_prices();
  void flush_policy_states();

  EngineQueue& queue_;
  Notifier& notifier_;
  AlertRepository& alerts_;
  const std::chrono::milliseconds price_flush_interval_;
  EngineWorkerMetrics metrics_;  // constant after start
  std::thread thread_;
  std::atomic<bool> running_{false};
  PriceFlusher flusher_;
  // Owned by the worker thread (or the caller before start / after stop).
  Engine engine_;
  std::unordered_map<Symbol, LastPrice> dirty_prices_;
  std::vector<AlertId> rearmed_;   // since the last flush
  std::uint64_t last_ticket_ = 0;  // of the newest fires handed to the notifier
};

}  // namespace bw
