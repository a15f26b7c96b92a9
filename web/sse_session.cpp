// The only translation unit that includes Beast (HTTP request parsing over a
// tcp_stream with timeouts). Responses are formatted by web/sse_format.hpp.
#include "web/sse_session.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <unordered_map>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "web/sse_format.hpp"

namespace bw {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::string_view kEventsPath = "/api/v1/events";
// A client that has not sent a complete request header by then is closed.
constexpr auto kRequestTimeout = std::chrono::seconds(10);
// Request headers above this get 431 (the stream request needs a few hundred bytes).
constexpr std::uint32_t kMaxRequestHeaderBytes = 8 * 1024;
// Bytes read per request at most; bounds the read buffer (overflow: the read fails, we close).
constexpr std::size_t kMaxRequestBufferBytes = 16 * 1024;
// One write (at most kMaxWriteBatchBytes plus the pending quotes) that makes no
// progress for this long means a dead client: it is closed and replays on reconnect.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxWriteBatchBytes = 64 * 1024;
// How often a stream checks for a stalled write (and idleness for heartbeats);
// a stalled client is closed between kWriteTimeout and that plus this period.
constexpr auto kWatchdogPeriod = std::chrono::milliseconds(5000);
// After a final (error) response: how long we drain the client's bytes before
// closing, so that an unread request does not turn our close into a reset that
// destroys the response ("lingering close").
constexpr auto kLingerTimeout = std::chrono::seconds(2);
// Notifications per replay call. The next page is fetched only once the
// previous one has left the write queue, so replay is flow-controlled.
constexpr std::size_t kReplayPageSize = 500;
// Empty per-symbol quote slots a stream keeps between writes (see take_pending_quotes).
constexpr std::size_t kMaxKeptQuoteSlots = 32;
// Seconds a 503 (server full) tells the client to wait.
constexpr std::string_view kRetryAfterSeconds = "5";

using EventBytes = std::shared_ptr<const std::string>;

struct NumberedEvent {
  std::int64_t id = 0;
  EventBytes bytes;
};

// One page of replayed notifications, formatted off the I/O threads.
struct ReplayPage {
  std::vector<NumberedEvent> events;
  bool maybe_more = false;  // the page was full: ask for the next one
  bool failed = false;      // the replay callback threw
};

// What the blocking authorization step found.
struct AuthOutcome {
  enum class Kind { unauthorized, unavailable, not_subscribed, streaming };
  Kind kind = Kind::unauthorized;
  std::int64_t user_id = 0;
  ReplayPage first_page;  // only when the request carried a Last-Event-ID
};

// Beast 1.74's string_view is boost::string_view.
std::string_view to_std(beast::string_view text) {
  return {text.data(), text.size()};
}

const EventBytes& heartbeat_bytes() {
  static const EventBytes bytes =
      std::make_shared<const std::string>(format_sse_comment("heartbeat"));
  return bytes;
}

// A plain connection (Stream = beast::tcp_stream) or a TLS one (TlsStream):
// TLS sessions detect and complete the handshake before reading the request.
template <typename Stream>
class Session final : public SseSession, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  Session(tcp::socket socket, SseSessionHost& host) requires(!kTls)
      : executor_(socket.get_executor()),
        stream_(std::move(socket)),
        buffer_(kMaxRequestBufferBytes),
        host_(host),
        retry_hint_(host.options().retry_hint),
        watchdog_timer_(executor_),
        write_deadline_(executor_) {}

  Session(tcp::socket socket, net::ssl::context& tls, SseSessionHost& host) requires(kTls)
      : executor_(socket.get_executor()),
        stream_(std::move(socket), tls),
        buffer_(kMaxRequestBufferBytes),
        host_(host),
        retry_hint_(host.options().retry_hint),
        watchdog_timer_(executor_),
        write_deadline_(executor_) {}

  // Covers sessions destroyed without close() (e.g. handlers dropped when the
  // io_context is destroyed); the host ignores an unknown session.
  ~Session() override { host_.remove_session(this); }

  void start(Start mode) override {
    net::post(executor_, [self = shared_from_this(), mode] {
      self->reject_busy_ = mode == Start::reject_busy;
      if constexpr (kTls) {
        self->do_detect_tls();
      } else {
        self->do_read_request();
      }
    });
  }

  void deliver_notification(std::int64_t id, EventBytes event) override {
    net::post(executor_, [self = shared_from_this(), id, event = std::move(event)]() mutable {
      self->on_notification(id, std::move(event));
    });
  }

  void deliver_event(EventBytes event) override {
    net::post(executor_, [self = shared_from_this(), event = std::move(event)]() mutable {
      self->on_event(std::move(event));
    });
  }

  void deliver_quotes(std::shared_ptr<const SseQuoteTick> tick, std::uint32_t begin,
                      std::uint32_t end) override {
    net::post(executor_, [self = shared_from_this(), tick = std::move(tick), begin, end] {
      self->on_quotes(*tick, begin, end);
    });
  }

  void write_quotes(const SseQuoteTick& tick, std::uint32_t begin, std::uint32_t end) override {
    on_quotes(tick, begin, end);
  }

  void close() override {
    net::post(executor_, [self = shared_from_this()] { self->close_now(Close::graceful); });
  }

 private:
  enum class Phase {
    reading_request,  // waiting for the request header (kRequestTimeout)
    authorizing,      // authenticate (+ first replay page) runs on the blocking pool
    streaming,        // header sent or queued; events flow
    responding,       // writing a final error response, then lingering
    closed,
  };
  enum class Close { graceful, abortive };

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // ---- TLS handshake (TLS sessions only) -----------------------------------

  // A client speaking plain HTTP to the TLS port gets a plain 400 that says
  // so, rather than a handshake failure it cannot show.
  void do_detect_tls() {
    lowest().expires_after(kRequestTimeout);
    beast::async_detect_ssl(lowest(), buffer_,
                            beast::bind_front_handler(&Session::on_detect_tls, shared_from_this()));
  }

  void on_detect_tls(beast::error_code ec, bool is_tls) {
    if (ec) return close_now(Close::graceful);
    if (!is_tls) {
      return send_final_response(format_http_error_response(
          400, "tls_required", "this port speaks HTTPS only: use an https:// URL"));
    }
    if constexpr (kTls) {
      stream_.async_handshake(
          net::ssl::stream_base::server, buffer_.data(),
          beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
    }
  }

  void on_handshake(beast::error_code ec, std::size_t used) {
    if (ec) return close_now(Close::abortive);  // not TLS we accept: nothing to answer
    buffer_.consume(used);
    tls_ready_ = true;
    do_read_request();
  }

  // ---- request -------------------------------------------------------------

  void do_read_request() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestHeaderBytes);
    lowest().expires_after(kRequestTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read_request, shared_from_this()));
  }

  void on_read_request(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::header_limit) {
      return send_final_response(
          format_http_error_response(431, "header_too_large", "request header exceeds 8 KiB"));
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return send_final_response(
          format_http_error_response(400, "bad_request", "malformed HTTP request"));
    }
    // Timeout, end of stream, reset, or closed by stop(): nobody to answer.
    if (ec) return close_now(Close::graceful);

    lowest().expires_never();
    route_request();
  }

  void route_request() {
    const auto& request = parser_->get();
    const SseRequestTarget target = parse_sse_request_target(to_std(request.target()));
    if (target.path != kEventsPath) {
      return send_final_response(format_http_error_response(404, "not_found", "no such path"));
    }
    if (request.method() == http::verb::options) {
      return send_final_response(format_cors_preflight_response());
    }
    if (request.method() != http::verb::get) {
      return send_final_response(format_http_error_response(405, "method_not_allowed", "use GET",
                                                            "Allow: GET, OPTIONS\r\n"));
    }
    if (reject_busy_) {
      return send_final_response(
          format_http_error_response(503, "unavailable", "too many stream clients",
                                     "Retry-After: " + std::string(kRetryAfterSeconds) + "\r\n"));
    }

    std::optional<std::string> token;
    if (const auto bearer = parse_bearer_token(to_std(request[http::field::authorization]))) {
      token = std::string(*bearer);
    } else if (target.access_token && !target.access_token->empty()) {
      token = *target.access_token;
    } else if (const auto session =
                   parse_cookie(to_std(request[http::field::cookie]), kSessionCookie)) {
      token = std::string(*session);  // the dashboard's sign-in session
      // The dashboard (another port of this host) reads the stream with
      // credentials, which CORS allows only for a named origin.
      const std::string origin(to_std(request[http::field::origin]));
      if (origin_matches_host(origin, to_std(request[http::field::host]))) {
        credentialed_origin_ = origin;
      }
    }
    if (!token) return send_unauthorized();

    // A Last-Event-ID that is not one of our ids is ignored: the client gets
    // the live stream, as a new client would.
    std::optional<std::int64_t> last_event_id;
    if (const auto header = to_std(request["Last-Event-ID"]); !header.empty()) {
      last_event_id = parse_last_event_id(header);
    } else if (target.last_event_id) {
      last_event_id = parse_last_event_id(*target.last_event_id);
    }
    parser_.reset();  // the request is no longer needed
    begin_authorization(std::move(*token), last_event_id);
  }

  void send_unauthorized() {
    send_final_response(format_http_error_response(
        401, "unauthorized", "missing or invalid access token", "WWW-Authenticate: Bearer\r\n"));
  }

  // ---- authorization (blocking part on the pool) ---------------------------

  void begin_authorization(std::string token, std::optional<std::int64_t> last_event_id) {
    phase_ = Phase::authorizing;
    // Live notifications are held until the replay is done, and the client
    // already has everything up to its Last-Event-ID.
    replaying_ = last_event_id.has_value();
    last_sent_id_ = last_event_id;
    host_.run_blocking([self = shared_from_this(), token = std::move(token), last_event_id]() {
      self->authorize_blocking(token, last_event_id);
    });
  }

  // Runs on the blocking pool: touches no session state, only the host.
  // Subscribing before the first replay query means a notification committed
  // in between is either in the page or arrives live (deduplicated by id).
  void authorize_blocking(const std::string& token, std::optional<std::int64_t> last_event_id) {
    AuthOutcome outcome;
    try {
      const std::optional<std::int64_t> user_id = host_.authenticate(token);
      if (user_id) {
        outcome.user_id = *user_id;
        // Not subscribed: the server is stopping or this session already closed.
        outcome.kind = host_.add_stream(*user_id, shared_from_this())
                           ? AuthOutcome::Kind::streaming
                           : AuthOutcome::Kind::not_subscribed;
      }
    } catch (...) {
      outcome.kind = AuthOutcome::Kind::unavailable;  // e.g. the store is down
    }
    if (outcome.kind == AuthOutcome::Kind::streaming && last_event_id) {
      outcome.first_page = load_replay_page(outcome.user_id, *last_event_id);
    }
    net::post(executor_, [self = shared_from_this(), outcome = std::move(outcome)]() mutable {
      self->on_authorized(std::move(outcome));
    });
  }

  ReplayPage load_replay_page(std::int64_t user_id, std::int64_t after_id) {
    ReplayPage page;
    try {
      std::vector<StoredEvent> stored = host_.replay(user_id, after_id, kReplayPageSize);
      page.maybe_more = stored.size() >= kReplayPageSize;
      page.events.reserve(stored.size());
      for (const StoredEvent& event : stored) {
        page.events.push_back(
            NumberedEvent{event.id, std::make_shared<const std::string>(
                                        format_sse_event("notification", event.id, event.json))});
      }
    } catch (...) {
      page.failed = true;
    }
    return page;
  }

  void on_authorized(AuthOutcome outcome) {
    // Closed meanwhile (stop(), or the client left): nothing to answer.
    if (phase_ == Phase::closed) return;
    switch (outcome.kind) {
      case AuthOutcome::Kind::unauthorized:
        return send_unauthorized();
      case AuthOutcome::Kind::unavailable:
        return send_final_response(
            format_http_error_response(503, "unavailable", "cannot check the token now",
                                       "Retry-After: " + std::string(kRetryAfterSeconds) + "\r\n"));
      case AuthOutcome::Kind::not_subscribed:
        return close_now(Close::graceful);
      case AuthOutcome::Kind::streaming:
        break;
    }
    // A failed first replay closes before the header: EventSource reconnects
    // with the same Last-Event-ID after its retry delay.
    if (replaying_ && outcome.first_page.failed) return close_now(Close::graceful);

    phase_ = Phase::streaming;
    user_id_ = outcome.user_id;
    // Events are small writes that must leave at once: without this, Nagle
    // holds one back until the client's (delayed) ACK of the previous one.
    beast::error_code ignored;
    lowest().socket().set_option(tcp::no_delay(true), ignored);
    lowest().socket().non_blocking(true, ignored);  // see do_write
    enqueue(std::make_shared<const std::string>(format_sse_stream_header(credentialed_origin_)));
    enqueue(std::make_shared<const std::string>(format_sse_retry(retry_hint_)));
    // The request buffer is not needed again; idle clients should cost little.
    buffer_.clear();
    buffer_.shrink_to_fit();
    last_write_done_ = std::chrono::steady_clock::now();
    do_watch_for_close();
    arm_watchdog();
    if (replaying_) {
      apply_replay_page(std::move(outcome.first_page));
    } else {
      release_held_notifications();
    }
    do_write();
  }

  // ---- replay --------------------------------------------------------------

  void apply_replay_page(ReplayPage page) {
    for (NumberedEvent& event : page.events) {
      if (is_duplicate(event.id)) continue;  // a replay that ignored after_id
      last_sent_id_ = event.id;
      enqueue(std::move(event.bytes));
    }
    if (page.maybe_more) {
      replay_more_ = true;
      return;  // the next page is fetched when this one has left the queue
    }
    replaying_ = false;
    replay_more_ = false;
    release_held_notifications();
  }

  void maybe_request_replay_page() {
    if (!replay_more_ || replay_in_flight_ || !write_queue_.empty()) return;
    replay_in_flight_ = true;
    host_.run_blocking(
        [self = shared_from_this(), user_id = user_id_, after_id = last_sent_id_.value_or(0)] {
          ReplayPage page = self->load_replay_page(user_id, after_id);
          net::post(self->executor_, [self, page = std::move(page)]() mutable {
            self->on_replay_page(std::move(page));
          });
        });
  }

  void on_replay_page(ReplayPage page) {
    replay_in_flight_ = false;
    if (phase_ == Phase::closed) return;
    // Close rather than skip ahead: the client reconnects and resumes from
    // its Last-Event-ID, so nothing is lost.
    if (page.failed) return close_now(Close::graceful);
    apply_replay_page(std::move(page));
    do_write();
  }

  // ---- notifications and quotes --------------------------------------------

  void on_notification(std::int64_t id, EventBytes bytes) {
    if (phase_ == Phase::closed || phase_ == Phase::responding) return;
    if (phase_ != Phase::streaming || replaying_) {
      held_bytes_ += bytes->size();
      held_.push_back(NumberedEvent{id, std::move(bytes)});
      if (held_bytes_ > host_.max_client_buffer_bytes())
        close_now(Close::abortive);  // see overflow policy
      return;
    }
    if (!enqueue_live(id, std::move(bytes))) return;
    if (queued_bytes_ > host_.max_client_buffer_bytes()) return close_now(Close::abortive);
    do_write();
  }

  void on_event(EventBytes bytes) {
    if (phase_ != Phase::streaming || replaying_) return;  // see deliver_event
    enqueue(std::move(bytes));
    if (queued_bytes_ > host_.max_client_buffer_bytes()) return close_now(Close::abortive);
    do_write();
  }

  // Overflow policy (max_client_buffer_bytes): notifications are never
  // dropped, so a client that cannot keep up is disconnected instead; it
  // replays what it missed on reconnect. The connection is reset rather than
  // closed gracefully so the kernel frees the unsent bytes at once.
  void release_held_notifications() {
    std::deque<NumberedEvent> held = std::move(held_);
    held_.clear();
    held_bytes_ = 0;
    for (NumberedEvent& event : held) enqueue_live(event.id, std::move(event.bytes));
    if (queued_bytes_ > host_.max_client_buffer_bytes()) close_now(Close::abortive);
  }

  bool is_duplicate(std::int64_t id) const { return last_sent_id_ && id <= *last_sent_id_; }

  // Queues a live notification unless the client already has it.
  bool enqueue_live(std::int64_t id, EventBytes bytes) {
    if (is_duplicate(id)) return false;
    last_sent_id_ = id;
    enqueue(std::move(bytes));
    return true;
  }

  void on_quotes(const SseQuoteTick& tick, std::uint32_t begin, std::uint32_t end) {
    if (phase_ == Phase::closed || phase_ == Phase::responding) return;
    if (can_write_quotes_directly()) return write_quotes_directly(tick, begin, end);
    // Conflation: a newer quote replaces the unsent one of the same symbol,
    // so this map holds at most one entry per watched symbol. Entries stay
    // after a write (their bytes reset), so a broadcast allocates nothing here.
    for (std::uint32_t i = begin; i < end; ++i) {
      const SseQuoteFrame& frame = tick.frames[tick.order[i]];
      EventBytes& slot = pending_quotes_[frame.symbol];
      if (!slot) ++pending_quote_count_;
      slot = frame.event;
    }
    do_write();
  }

  // ---- writing -------------------------------------------------------------

  // Nothing is queued, pending or being written: the quotes of a flush can go
  // straight from the shared tick to the socket, in the order they come (one
  // frame per symbol, so there is nothing to conflate). TLS streams and
  // streams with anything else waiting take the general path.
  bool can_write_quotes_directly() const {
    return !kTls && phase_ == Phase::streaming && !writing_ && write_queue_.empty() &&
           pending_quote_count_ == 0 && !replay_more_;
  }

  // The common case at broadcast rates, as one gather write without touching
  // pending_quotes_ or any reference count: the tick outlives this call. Only
  // when the kernel does not take it all are the frames kept (referenced) for
  // an async write of the remainder, as do_write does.
  void write_quotes_directly(const SseQuoteTick& tick, std::uint32_t begin, std::uint32_t end) {
    in_flight_buffers_.clear();
    for (std::uint32_t i = begin; i < end; ++i) {
      in_flight_buffers_.push_back(net::buffer(*tick.frames[tick.order[i]].event));
    }
    if (in_flight_buffers_.empty()) return;
    write_buffers_now([&] {
      for (std::uint32_t i = begin; i < end; ++i)
        in_flight_.push_back(tick.frames[tick.order[i]].event);
    });
  }

  enum class Written { all, rest_pending, failed };

  // One non-blocking gather write of in_flight_buffers_ on the plain socket:
  // the kernel usually takes it all, and then no completion handler has to
  // run (half the work per delivery at broadcast rates). Otherwise
  // `keep_frames()` makes in_flight_ reference every buffer (if it does not
  // already), the written part is dropped and the rest goes out in an async
  // write; a failed socket is closed.
  template <typename KeepFrames>
  Written write_buffers_now(KeepFrames&& keep_frames) {
    beast::error_code ec;
    const std::size_t total = net::buffer_size(in_flight_buffers_);
    const std::size_t written = lowest().socket().write_some(in_flight_buffers_, ec);
    if (ec && ec != net::error::would_block && ec != net::error::try_again) {
      close_now(Close::abortive);
      return Written::failed;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!ec && written == total) {
      last_write_done_ = now;
      return Written::all;
    }
    keep_frames();
    drop_written(ec ? 0 : written);
    // No timer per write (arming and cancelling one costs more than the
    // write itself at broadcast rates): the watchdog tick checks write_started_.
    writing_ = true;
    write_started_ = now;
    // On the socket itself: tcp_stream's timeouts are not used while streaming.
    net::async_write(lowest().socket(), in_flight_buffers_,
                     beast::bind_front_handler(&Session::on_write, shared_from_this()));
    return Written::rest_pending;
  }

  void enqueue(EventBytes bytes) {
    queued_bytes_ += bytes->size();
    write_queue_.push_back(std::move(bytes));
  }

  void do_write() {
    while (!writing_ && phase_ == Phase::streaming) {
      std::size_t batch_bytes = 0;
      while (!write_queue_.empty() && batch_bytes < kMaxWriteBatchBytes) {
        batch_bytes += write_queue_.front()->size();
        queued_bytes_ -= write_queue_.front()->size();
        in_flight_.push_back(std::move(write_queue_.front()));
        write_queue_.pop_front();
      }
      take_pending_quotes();
      maybe_request_replay_page();
      if (in_flight_.empty()) return;

      in_flight_buffers_.clear();
      for (const EventBytes& bytes : in_flight_) in_flight_buffers_.push_back(net::buffer(*bytes));
      if constexpr (kTls) {
        // No synchronous fast path: records are encrypted by the stream, and
        // beast's ssl_stream coalesces the small buffers into few records.
        writing_ = true;
        write_started_ = std::chrono::steady_clock::now();
        net::async_write(stream_, in_flight_buffers_,
                         beast::bind_front_handler(&Session::on_write, shared_from_this()));
        return;
      }
      // in_flight_ already references every buffer.
      if (write_buffers_now([] {}) != Written::all) return;
      in_flight_.clear();  // and more may be queued beyond one batch
    }
  }

  void take_pending_quotes() {
    if (pending_quote_count_ == 0) return;
    for (auto& [symbol, event] : pending_quotes_) {
      if (event) in_flight_.push_back(std::move(event));  // leaves the slot empty
    }
    pending_quote_count_ = 0;
    // A stream that watches every symbol would keep a slot per symbol ever
    // quoted; past a few, drop them so an idle client stays small.
    if (pending_quotes_.size() > kMaxKeptQuoteSlots) pending_quotes_.clear();
  }

  // Removes the first `bytes` from in_flight_buffers_ (a partial write).
  void drop_written(std::size_t bytes) {
    auto first = in_flight_buffers_.begin();
    while (first != in_flight_buffers_.end() && bytes >= first->size()) {
      bytes -= first->size();
      ++first;
    }
    in_flight_buffers_.erase(in_flight_buffers_.begin(), first);
    if (bytes > 0) in_flight_buffers_.front() += bytes;
  }

  void on_write(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return close_now(Close::abortive);  // in_flight_ is freed with the session
    writing_ = false;
    last_write_done_ = std::chrono::steady_clock::now();
    in_flight_.clear();
    do_write();
  }

  void start_write_deadline() {
    writing_ = true;
    write_deadline_.expires_after(kWriteTimeout);
    write_deadline_.async_wait(
        [self = shared_from_this(), generation = write_generation_](beast::error_code ec) {
          self->on_write_deadline(ec, generation);
        });
  }

  void stop_write_deadline() {
    writing_ = false;
    ++write_generation_;  // a deadline handler already queued now does nothing
    write_deadline_.cancel();
  }

  void on_write_deadline(beast::error_code ec, std::uint64_t generation) {
    if (ec) return;  // cancelled: the write finished
    if (generation != write_generation_ || !writing_) return;
    close_now(Close::abortive);  // the client stopped reading
  }

  // ---- watchdog: heartbeats, stalled writes, client-close detection --------

  // One periodic timer per stream does both jobs: a heartbeat once the
  // connection has been idle for heartbeat_interval, and the write timeout.
  // Read at every tick, so a reload's new interval reaches open streams.
  std::chrono::milliseconds heartbeat_interval() const { return host_.heartbeat_interval(); }

  std::chrono::milliseconds watchdog_period() const {
    if (heartbeat_interval().count() <= 0) return kWatchdogPeriod;  // heartbeats disabled
    return std::min<std::chrono::milliseconds>(heartbeat_interval(), kWatchdogPeriod);
  }

  void arm_watchdog() {
    watchdog_timer_.expires_after(watchdog_period());
    watchdog_timer_.async_wait(
        beast::bind_front_handler(&Session::on_watchdog, shared_from_this()));
  }

  void on_watchdog(beast::error_code ec) {
    if (ec) return;
    if (phase_ != Phase::streaming) return;
    const auto now = std::chrono::steady_clock::now();
    if (writing_ && now - write_started_ >= kWriteTimeout) {
      return close_now(Close::abortive);  // the client stopped reading
    }
    // A connection with bytes in flight or written recently is not idle.
    const bool idle =
        !writing_ && write_queue_.empty() && now - last_write_done_ >= heartbeat_interval();
    if (heartbeat_interval().count() > 0 && idle) {
      enqueue(heartbeat_bytes());
      do_write();
    }
    arm_watchdog();
  }

  // The client never sends anything after its request; a read completing
  // with an error is how we learn at once that it went away.
  void do_watch_for_close() {
    stream_.async_read_some(
        net::buffer(discard_),
        beast::bind_front_handler(&Session::on_client_bytes, shared_from_this()));
  }

  void on_client_bytes(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return close_now(Close::graceful);
    do_watch_for_close();  // stray bytes are ignored
  }

  // ---- final responses and closing -----------------------------------------

  void send_final_response(std::string response) {
    phase_ = Phase::responding;
    final_response_ = std::move(response);
    lowest().expires_never();
    start_write_deadline();
    auto written =
        beast::bind_front_handler(&Session::on_final_response_written, shared_from_this());
    if (encrypted())
      return net::async_write(stream_, net::buffer(final_response_), std::move(written));
    net::async_write(lowest(), net::buffer(final_response_), std::move(written));
  }

  void on_final_response_written(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return close_now(Close::abortive);
    stop_write_deadline();
    if (phase_ == Phase::closed) return;
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(kLingerTimeout);
    do_linger();
  }

  void do_linger() {
    auto on_linger = beast::bind_front_handler(&Session::on_linger, shared_from_this());
    if (encrypted()) return stream_.async_read_some(net::buffer(discard_), std::move(on_linger));
    lowest().async_read_some(net::buffer(discard_), std::move(on_linger));
  }

  void on_linger(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return close_now(Close::graceful);  // EOF, or kLingerTimeout passed
    do_linger();
  }

  void close_now(Close how) {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closed;
    beast::error_code ignored;
    if (how == Close::abortive) {
      lowest().socket().set_option(tcp::socket::linger(true, 0), ignored);
    } else {
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
    lowest().close();  // pending operations complete with operation_aborted
    watchdog_timer_.cancel();
    write_deadline_.cancel();
    // in_flight_ stays: a pending write may still reference it until on_write.
    write_queue_.clear();
    queued_bytes_ = 0;
    held_.clear();
    held_bytes_ = 0;
    pending_quotes_.clear();
    pending_quote_count_ = 0;
    host_.remove_session(this);
  }

  // Bytes go through TLS once the handshake is done (always, for plain sessions).
  bool encrypted() const { return kTls && tls_ready_; }

  // Constant after construction.
  const net::any_io_executor executor_;  // the strand; everything below lives on it

  Stream stream_;
  bool tls_ready_ = false;  // TLS sessions: the handshake completed
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  SseSessionHost& host_;
  const std::chrono::milliseconds retry_hint_;

  Phase phase_ = Phase::reading_request;
  bool reject_busy_ = false;
  std::string credentialed_origin_;  // CORS origin of a cookie-authenticated browser
  std::int64_t user_id_ = 0;
  std::optional<std::int64_t>
      last_sent_id_;  // highest notification id queued or known to the client

  bool replaying_ = false;         // live notifications are held until replay ends
  bool replay_more_ = false;       // the last page was full
  bool replay_in_flight_ = false;  // a page is being loaded on the pool
  std::deque<NumberedEvent> held_;
  std::size_t held_bytes_ = 0;

  std::deque<EventBytes> write_queue_;  // unsent bytes, in order
  std::size_t queued_bytes_ = 0;        // bytes in write_queue_ (not counting in flight)
  // Latest unsent quote per symbol (null: sent); keys are the symbols this
  // stream has received, bounded by its watchlist or the symbols quoted.
  std::unordered_map<std::string, EventBytes> pending_quotes_;
  std::size_t pending_quote_count_ = 0;  // non-null entries of pending_quotes_
  std::vector<EventBytes> in_flight_;    // owned until on_write
  std::vector<net::const_buffer> in_flight_buffers_;
  bool writing_ = false;
  std::chrono::steady_clock::time_point write_started_;    // of the write in flight
  std::chrono::steady_clock::time_point last_write_done_;  // or when streaming began
  std::uint64_t write_generation_ = 0;                     // final responses' write deadline
  std::string final_response_;

  net::steady_timer watchdog_timer_;  // streaming
  net::steady_timer write_deadline_;  // final responses
  std::array<char, 512> discard_{};
};

}  // namespace

std::shared_ptr<SseSession> make_sse_session(tcp::socket socket, SseSessionHost& host,
                                             net::ssl::context* tls) {
  if (tls) return std::make_shared<Session<TlsStream>>(std::move(socket), *tls, host);
  return std::make_shared<Session<beast::tcp_stream>>(std::move(socket), host);
}

}  // namespace bw
