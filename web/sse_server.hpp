// SseServer: the server-sent-events stream listener (`[stream] listen`), on
// Boost.Asio/Beast. Serves `GET /api/v1/events`: per-user notification events
// with ids and Last-Event-ID replay, conflated live quotes, heartbeats.
//
//   SseServer server(options, authenticate, replay, {encode_quote, load_watchlist});
//   std::uint16_t port = server.start();   // throws std::runtime_error if bind fails
//   server.publish_notification(user_id, id, json);   // from any thread
//   server.publish_quote(quote);                        // from any thread, every quote
//   server.set_watchlist(user_id, {"AAPL"});            // after the user changed it
//   server.stop();                                      // closes sessions, joins threads
//
// Wire contract (docs/API.md):
//   - TLS (options.tls set): HTTPS only, TLS 1.2+; a client whose first bytes
//     are not a TLS handshake gets a plain 400 (`tls_required`) and is closed.
//   - auth: `Authorization: Bearer <token>` or `?access_token=<token>`; a bad or
//     missing token gets a plain 401 (not a stream), unknown paths 404, other
//     methods 405 (OPTIONS answers CORS preflight).
//   - response: 200 `text/event-stream`, `Cache-Control: no-cache`,
//     `Access-Control-Allow-Origin: *`, then `retry: 3000` and events.
//   - `Last-Event-ID` header (or `lastEventId` query): first replays the user's
//     notifications with id > N (oldest first), then live ones; a live
//     notification whose id is <= the last id sent is skipped (no duplicates).
//   - notifications: `event: notification\nid: <id>\ndata: <json>\n\n`
//   - `event: delivery\ndata: <delivery json>\n\n` (no id, not replayed) when a
//     webhook delivery of the user becomes dead or failed (publish_event);
//     `event: alert` the same way when one of the user's alerts changes state.
//   - quotes: `event: quote\ndata: <json>\n\n` for the symbols on the user's
//     watchlist (every symbol while the watchlist is empty, as the dashboard
//     shows every symbol then), at most one per symbol per `quote_interval`
//     per client: a slow client gets the latest price, never a backlog. A quote
//     is encoded once per symbol per flush, and only if someone watches it;
//     every client shares those bytes. The first quote after a quiet interval
//     goes out at once; later ones wait for the interval to end (conflation).
//     A watchlist change applies to open streams at once (set_watchlist).
//   - heartbeat: `: heartbeat\n\n` once nothing else has been written for
//     `heartbeat_interval` (checked every min(heartbeat_interval, 5 s)): a
//     connection carrying events is not idle and needs none.
//   - a client whose unsent notification bytes exceed `max_client_buffer_bytes`
//     is disconnected (it replays on reconnect): notifications are never dropped.
//   - bounds: the request header must arrive within 10 s and fit in 8 KiB (else
//     the connection is closed / answered 431); a write of up to 64 KiB that
//     does not complete within 30 s disconnects the client (checked every
//     few seconds); connections past
//     `max_clients` get 503 with Retry-After.
//
// Thread safety: publish_* and client_count are safe from any thread; start and
// stop from the owning thread only. Sessions are spread over the I/O threads
// (one io_context each); a session lives on one of them. One slow or stalled
// client never delays another: writes never block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/quote.hpp"

namespace bw {

class TlsIdentity;

struct SseServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8081;  // 0 picks a free port; start() returns it
  int io_threads = 1;
  std::chrono::milliseconds heartbeat_interval{15000};
  std::chrono::milliseconds quote_interval{250};
  std::size_t max_client_buffer_bytes = 1 << 20;
  std::size_t max_clients = 10000;  // open connections; further ones get 503
  std::chrono::milliseconds retry_hint{3000};
  // Set: the listener speaks TLS only (it must outlive the server); a plain
  // HTTP request gets a plain 400 naming https.
  std::shared_ptr<TlsIdentity> tls;
};

// The limits that may change while the server runs (SseServer::set_limits).
struct SseLimits {
  std::chrono::milliseconds heartbeat_interval{15000};
  std::chrono::milliseconds quote_interval{250};
  std::size_t max_client_buffer_bytes = 1 << 20;
  std::size_t max_clients = 10000;
};

// One stored notification, as replay returns it.
struct StoredEvent {
  std::int64_t id = 0;
  std::string json;
};

// Resolves a bearer token to a user id; empty when unknown. May block (it reads
// the store): the server calls it off the I/O threads.
using StreamAuthenticator = std::function<std::optional<std::int64_t>(std::string_view token)>;
// The user's notifications with id > after_id, oldest first, at most `limit`.
// May block: called off the I/O threads.
using StreamReplay = std::function<std::vector<StoredEvent>(
    std::int64_t user_id, std::int64_t after_id, std::size_t limit)>;

// The JSON (`data:`) of a quote event. Called on the server's flush, once per
// symbol per quote_interval; must not block. Default: symbol, price, volume, ts.
using QuoteEncoder = std::function<std::string(const Quote& quote)>;
// The user's watched symbols, loaded when the user's first stream opens (the
// server then keeps them, updated by set_watchlist). May block: called off the
// I/O threads. Default: none, i.e. every symbol.
using StreamWatchlist = std::function<std::vector<std::string>(std::int64_t user_id)>;

struct SseServerHooks {
  QuoteEncoder encode_quote;
  StreamWatchlist watchlist;
};

class SseServer {
 public:
  SseServer(SseServerOptions options, StreamAuthenticator authenticate, StreamReplay replay,
            SseServerHooks hooks = {});
  ~SseServer();
  SseServer(const SseServer&) = delete;
  SseServer& operator=(const SseServer&) = delete;

  std::uint16_t start();
  void stop();

  void publish_notification(std::int64_t user_id, std::int64_t id, std::string json);
  // An id-less event (`event: <event>\ndata: <json>`) to the user's live
  // streams, e.g. `delivery` when a webhook delivery is dead; not replayed.
  void publish_event(std::int64_t user_id, std::string_view event, const std::string& json);
  // Keeps the latest quote per symbol until the next flush (cheap: no encoding
  // here, so it can be called for every quote on the ingest hot path).
  void publish_quote(const Quote& quote);
  // publish_quote for each, in order, under one lock (the hub's batch path).
  void publish_quotes(std::span<const Quote> quotes);
  // The user's new watchlist (empty: every symbol); open streams follow it
  // from the next flush. Quotes already queued for a client may still arrive.
  void set_watchlist(std::int64_t user_id, std::vector<std::string> symbols);
  // New limits, from any thread. Open streams follow them too: the heartbeat
  // from their next watchdog tick (at most 5 s), the buffer bound from their
  // next event, the quote interval from the next flush. A lower max_clients
  // refuses new connections until enough have left; none is closed for it.
  void set_limits(const SseLimits& limits);
  // Open event streams (authenticated clients), across all users.
  std::size_t client_count() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bw
