// SseSession: one client connection of the SSE stream server (web/sse_server.hpp).
// It reads one HTTP request (with a timeout and a header size limit), answers
// errors with a plain response, or authenticates through its host and then
// streams: the response header, a retry hint, replayed notifications, live
// notifications, conflated quotes and heartbeats.
//
//   auto session = make_sse_session(std::move(socket), host);  // socket on its own strand
//   session->start(SseSession::Start::serve);
//   session->deliver_notification(id, event_bytes);             // from any thread
//   session->close();                                           // from any thread
//
// Only the factory and this interface are public so that Beast stays inside
// sse_session.cpp (it compiles slowly).
//
// Thread safety: every member function is safe from any thread; each posts to
// the session's strand (the executor of the socket it was made with), where
// all of its state lives. The host must outlive every session it creates.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

namespace boost::asio::ssl {
class context;
}

#include "web/sse_server.hpp"

namespace bw {

// The quotes of one flush, each encoded once as SSE event bytes and shared by
// every client that watches the symbol. `order` lists frame indices grouped
// per receiving client: a client gets order[begin, end) (see deliver_quotes).
struct SseQuoteFrame {
  std::string symbol;
  std::shared_ptr<const std::string> event;
};
struct SseQuoteTick {
  std::vector<SseQuoteFrame> frames;
  std::vector<std::uint32_t> order;
};

class SseSession;

// What a session needs from its server; implemented by SseServer::Impl. All
// members are safe from any thread.
class SseSessionHost {
 public:
  virtual ~SseSessionHost() = default;

  // Constant after construction (the listener, threads, retry hint).
  virtual const SseServerOptions& options() const = 0;
  // The limits a reload may change (SseServer::set_limits); read them when
  // needed, not once: open sessions follow a change.
  virtual std::chrono::milliseconds heartbeat_interval() const = 0;
  virtual std::size_t max_client_buffer_bytes() const = 0;
  // Runs `task` on the blocking pool, never on an I/O thread. Dropped (never
  // run) once the server is stopping.
  virtual void run_blocking(std::function<void()> task) = 0;
  // The server's StreamAuthenticator / StreamReplay. They may block and may
  // throw: call them from run_blocking tasks only.
  virtual std::optional<std::int64_t> authenticate(std::string_view token) = 0;
  virtual std::vector<StoredEvent> replay(std::int64_t user_id, std::int64_t after_id,
                                          std::size_t limit) = 0;
  // Subscribes `session` to `user_id`'s notifications and to the quotes of
  // the user's watchlist (loading it first if needed: may block, so call it
  // from run_blocking tasks only). False when the server is stopping (the
  // session should close).
  virtual bool add_stream(std::int64_t user_id, const std::shared_ptr<SseSession>& session) = 0;
  // Forgets `session` (connection and stream); idempotent.
  virtual void remove_session(const SseSession* session) = 0;
};

class SseSession {
 public:
  enum class Start {
    serve,        // read the request and answer it
    reject_busy,  // the server is at max_clients: answer 503 and close
  };

  virtual ~SseSession() = default;

  virtual void start(Start mode) = 0;
  // A live notification for this session's user; `event` holds the formatted
  // SSE bytes. Sent in order, skipped when `id` <= the last id sent; held back
  // until the request is authenticated and any replay is done.
  virtual void deliver_notification(std::int64_t id, std::shared_ptr<const std::string> event) = 0;
  // A live event without an id (e.g. `event: delivery`): written in order
  // with notifications once the stream is open; dropped if the stream is not
  // streaming live yet (it has no id, so nothing could replay it: such events
  // only announce state that the REST API also shows).
  virtual void deliver_event(std::shared_ptr<const std::string> event) = 0;
  // Merges the frames tick->order[begin, end) into the pending set: only the
  // latest per symbol is written.
  virtual void deliver_quotes(std::shared_ptr<const SseQuoteTick> tick, std::uint32_t begin,
                              std::uint32_t end) = 0;
  // The same, run at once: only on the session's executor (the server posts
  // one handler per I/O thread that calls this for each of its sessions).
  virtual void write_quotes(const SseQuoteTick& tick, std::uint32_t begin, std::uint32_t end) = 0;
  // Closes the connection; pending and later calls do nothing.
  virtual void close() = 0;
};

// Makes a session that owns `socket`. The socket's executor must be a strand
// (e.g. accepted with `async_accept(make_strand(ioc), ...)`), or an
// io_context run by a single thread (an implicit strand): it becomes the
// session's strand. With `tls` (which must outlive the session) the client
// must speak TLS; a plain HTTP request gets a plain 400.
[[nodiscard]] std::shared_ptr<SseSession> make_sse_session(
    boost::asio::ip::tcp::socket socket, SseSessionHost& host,
    boost::asio::ssl::context* tls = nullptr);

}  // namespace bw
