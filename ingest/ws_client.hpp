// WsClient: a reconnecting WebSocket client session (Boost.Beast) for market
// data feeds. ws:// and wss:// (TLS with SNI and certificate verification on:
// the system CAs, or `ca_file` for a private CA). Keep-alive pings and an idle
// timeout; after a drop it reconnects with exponential backoff and jitter and
// calls the handler's on_open() again, so the provider protocol re-authenticates
// and resubscribes. States go to the SourceMonitor: connecting → live (when the
// handler says so) → down (with the reason) → connecting (a reconnect).
//
//   WsClient client(options, handler, monitor);
//   client.start();   // its own thread and io_context
//   client.stop();    // joins; idempotent; also done by the destructor
//
// The handler is called on the client's thread only. start/stop from the
// owning thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ingest/source_health.hpp"
#include "rules/result.hpp"

namespace bw {

// ws[s]://host[:port][/target][?query]
struct WsEndpoint {
  bool tls = false;
  std::string host;
  std::string port;    // "443" / "80" when the URL has none
  std::string target;  // path and query, at least "/"
  // scheme://host:port/path without the query (which may carry a token): for logs.
  std::string redacted() const;
};

Result<WsEndpoint> parse_ws_url(std::string_view url);

struct WsClientOptions {
  std::string name;  // the source's name, for logs
  std::string url;
  std::string ca_file;                                // empty: the system's CA store
  std::chrono::milliseconds connect_timeout{10'000};  // DNS + TCP + TLS + WebSocket handshake
  // No frame (data or pong) for this long closes the connection; a ping goes
  // out after half of it without traffic.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30'000};
  std::size_t max_message_bytes = 4 << 20;
};

// What the handler wants after a message.
struct WsReply {
  std::vector<std::string> send;  // text messages to send, in order
  bool live = false;              // the feed is subscribed: report `live`
  std::string close_error;        // non-empty: close and reconnect (after backoff) with this reason
};

class WsHandler {
 public:
  virtual ~WsHandler() = default;
  // A new connection is open: reset per-connection state; return the first
  // messages to send (e.g. subscriptions) and whether the feed is live now.
  virtual WsReply on_open() = 0;
  virtual void on_message(std::string_view text, WsReply& reply) = 0;
};

class WsClient {
 public:
  WsClient(WsClientOptions options, WsHandler& handler, SourceMonitor& monitor);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bw
