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

#include <memory>

#include "config/config.hpp"

namespace bw {

class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();
  void stop();

 private:
  struct Parts;
  void start_delivery();
  Config config_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace bw
