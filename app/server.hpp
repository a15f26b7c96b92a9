// Server: the composition root. Builds every module from a Config, wires them
// (sources → IngestHub → EngineQueue → EngineWorker → Notifier → SSE), and
// owns their start-up and shutdown order.
//
//   Server server(config);
//   server.start();          // throws on start-up failure (bind, database)
//   wait_for_signal();
//   server.stop();           // sources, API, engine (drained), notifier, stream
//
// start/stop from the main thread only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace bw {

class QuoteSource;
struct WebhookDispatcherOptions;
struct ReloadOutcome;

struct ReloadReport {
  std::vector<std::string> applied;           // keys now in effect
  std::vector<std::string> restart_required;  // keys that differ but need a restart
  // Alerts as code: files, added, changed, removed, unchanged.
  std::map<std::string, std::size_t> alerts;
};

class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Where reload() reads the configuration from (the same file, environment
  // and --set options as at start). Before start().
  void set_config_source(std::function<Result<Config>()> source);
  void start();
  void stop();
  // Hot reload (SIGHUP, POST /api/v1/admin/reload): loads the configuration
  // again and applies log levels, engine.full_queue_timeout, the metrics
  // token, notification retention (storage.notification_retention,
  // storage.prune_interval) and sources
  // (simulated feeds stopped, started or restarted), and brings the managed
  // alerts in line with the alerts directory; other changed keys are
  // reported as needing a restart. An invalid configuration is refused whole:
  // nothing changes and the error lists every problem. SSE clients and REST
  // connections are not touched. Safe from any thread.
  Result<ReloadReport> reload();

 private:
  struct Parts;
  void observe(Parts& parts);
  // [engine] keep_cpus_awake: holds the CPU wake-up latency request, or logs
  // why it cannot.
  void hold_cpus_awake(Parts& parts);
  void start_delivery();
  WebhookDispatcherOptions dispatcher_options(Parts& parts) const;
  void start_sources(Parts& parts);
  void start_pruner(Parts& parts, const StorageConfig& storage);
  Result<std::map<std::string, std::size_t>> sync_alert_files(Parts& parts,
                                                              const std::string& directory);
  ReloadOutcome reload_outcome();
  Result<ReloadReport> apply(const Config& next);
  void swap_sources(Parts& parts, const std::vector<SourceConfig>& sources,
                    const std::vector<std::size_t>& kept,
                    std::vector<std::unique_ptr<QuoteSource>>& fresh);

  std::function<Result<Config>()> config_source_;  // constant after start
  std::mutex reload_mutex_;
  Config config_;          // the running configuration; guarded by reload_mutex_
  bool stopping_ = false;  // guarded by reload_mutex_
  std::unique_ptr<Parts> parts_;
};

}  // namespace bw
