// SseServer::Impl: the acceptor, the I/O threads, the registry of sessions by
// user, the quote-conflation timer and the blocking pool for authenticate and
// replay. One client connection is an SseSession (web/sse_session.hpp).
//
// Threads:
//   - `io_threads` threads, each running its own io_context. Sessions are
//     spread over them round-robin at accept; a session lives on one thread
//     (an implicit strand: no strand layer per session). The acceptor and the
//     quote timer share one strand ("server strand") on the first context.
//   - a small asio::thread_pool runs the blocking callbacks (authenticate,
//     replay), so a slow store never stalls an I/O thread. Its queue is bounded
//     by the connection bound: a session has at most one blocking task.
//   - publish_notification/publish_event run on the caller's thread: they
//     format the event bytes once, look up the targets under mutex_, and post
//     to each session's strand.
//   - publish_quote only stores the quote (latest per symbol) and schedules a
//     flush on the server strand. The flush encodes each watched symbol once,
//     groups the frames per subscribed session (the symbol index), and posts
//     one handler per I/O thread (not one per client: fewer wake-ups and
//     allocations per broadcast) that hands each of its sessions a range of
//     the shared tick.
#include "web/sse_server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "platform/thread_setup.hpp"
#include "web/sse_format.hpp"
#include "web/sse_session.hpp"
#include "web/tls_identity.hpp"

namespace bw {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Connections past max_clients still get a 503 (a short-lived session), up to
// this many at once; beyond that a new connection is closed without an answer.
constexpr std::size_t kRejectSlack = 64;
// After an accept error such as EMFILE, wait before accepting again rather
// than spinning on the error.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);
constexpr std::chrono::milliseconds kMinQuoteInterval{1};

// The default QuoteEncoder (the app passes web/json_codec's encode_quote).
std::string default_quote_json(const Quote& quote) {
  std::array<char, 64> number{};
  const auto price_end =
      std::to_chars(number.data(), number.data() + number.size(), quote.price.to_double()).ptr;
  return R"({"symbol":")" + quote.symbol + R"(","price":)" + std::string(number.data(), price_end) +
         R"(,"volume":)" + std::to_string(quote.volume) + R"(,"ts":)" +
         std::to_string(quote.ts_ms) + "}";
}

SseServerOptions normalized(SseServerOptions options) {
  options.io_threads = std::max(options.io_threads, 1);
  options.quote_interval = std::max(options.quote_interval, kMinQuoteInterval);
  return options;
}

// Blocking calls are short store reads; a few threads keep one slow call from
// delaying every new connection.
int blocking_thread_count(const SseServerOptions& options) {
  return std::clamp(options.io_threads, 2, 8);
}

}  // namespace

class SseServer::Impl final : public SseSessionHost {
 public:
  Impl(SseServerOptions options, StreamAuthenticator authenticate, StreamReplay replay,
       SseServerHooks hooks)
      : options_(normalized(std::move(options))),
        authenticate_(std::move(authenticate)),
        replay_(std::move(replay)),
        encode_quote_(hooks.encode_quote ? std::move(hooks.encode_quote) : default_quote_json),
        load_watchlist_(std::move(hooks.watchlist)),
        io_contexts_(make_io_contexts(options_.io_threads)),
        work_(make_work_guards(io_contexts_)),
        server_strand_(net::make_strand(*io_contexts_.front())),
        acceptor_(server_strand_),
        accept_retry_timer_(server_strand_),
        quote_timer_(server_strand_),
        blocking_pool_(static_cast<std::size_t>(blocking_thread_count(options_))) {
    set_limits(SseLimits{options_.heartbeat_interval, options_.quote_interval,
                         options_.max_client_buffer_bytes, options_.max_clients});
    if (options_.tls) {
      tls_context_.emplace(net::ssl::context::tls_server);
      if (!options_.tls->configure(tls_context_->native_handle())) {
        throw std::runtime_error("sse: cannot set up TLS");
      }
    }
  }

  void set_limits(const SseLimits& limits) {
    heartbeat_ms_.store(limits.heartbeat_interval.count());
    quote_interval_ms_.store(std::max(limits.quote_interval, kMinQuoteInterval).count());
    max_client_buffer_bytes_.store(limits.max_client_buffer_bytes);
    max_clients_.store(limits.max_clients);
  }

  ~Impl() override { stop(); }

  std::uint16_t start() {
    if (started_ || stopped_) throw std::runtime_error("sse: start() called twice");
    const tcp::endpoint endpoint = resolve_listen_endpoint();
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("sse: cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port) + ": " + ec.message());
    }
    const std::uint16_t port = acceptor_.local_endpoint(ec).port();
    started_ = true;
    // The acceptor and timer are touched only on the server strand from here on.
    net::post(server_strand_, [this] { do_accept(); });
    threads_.reserve(static_cast<std::size_t>(options_.io_threads));
    for (auto& ioc : io_contexts_) {
      threads_.emplace_back([this, &ioc] {
        setup_thread("bw-sse", ThreadRole::latency_path);
        run_io(*ioc);
      });
    }
    return port;
  }

  // Order: refuse new work → close the acceptor and every session → let the
  // blocking calls finish → let the I/O threads drain and join them.
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    std::vector<std::shared_ptr<SseSession>> sessions;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      sessions = live_sessions_locked(/*streams_only=*/false);
    }
    if (!started_) return;
    net::post(server_strand_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      accept_retry_timer_.cancel();
      quote_timer_.cancel();
    });
    // Streams were sent `retry:` when they opened; EventSource reconnects
    // after that delay once we are back.
    for (const auto& session : sessions) session->close();
    sessions.clear();  // the sessions die on their strands once their handlers finish
    blocking_pool_.join();
    work_.clear();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  void publish_notification(std::int64_t user_id, std::int64_t id, std::string json) {
    const auto bytes =
        std::make_shared<const std::string>(format_sse_event("notification", id, json));
    std::vector<std::shared_ptr<SseSession>> targets;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      const auto it = streams_by_user_.find(user_id);
      if (it == streams_by_user_.end()) return;  // user not connected: replay covers it
      for (const StreamRef& ref : it->second) {
        if (auto session = ref.session.lock()) targets.push_back(std::move(session));
      }
    }
    // Outside the lock: dropping the last reference runs ~Session, which
    // calls remove_session and takes mutex_.
    for (const auto& session : targets) session->deliver_notification(id, bytes);
  }

  void publish_event(std::int64_t user_id, std::string_view event, const std::string& json) {
    const auto bytes =
        std::make_shared<const std::string>(format_sse_event(event, std::nullopt, json));
    std::vector<std::shared_ptr<SseSession>> targets;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      const auto it = streams_by_user_.find(user_id);
      if (it == streams_by_user_.end()) return;
      for (const StreamRef& ref : it->second) {
        if (auto session = ref.session.lock()) targets.push_back(std::move(session));
      }
    }
    for (const auto& session : targets) session->deliver_event(bytes);
  }

  void publish_quotes(std::span<const Quote> quotes) {
    if (stopping_ || quotes.empty()) return;
    bool schedule = false;
    {
      std::lock_guard lock(quotes_mutex_);
      // Conflation, first stage: the latest quote per symbol until the next flush.
      for (const Quote& quote : quotes) {
        const auto [it, inserted] = pending_quotes_.try_emplace(quote.symbol, quote);
        if (!inserted) it->second = quote;
      }
      schedule = !std::exchange(flush_scheduled_, true);
    }
    if (schedule) net::post(server_strand_, [this] { schedule_flush(); });
  }

  void set_watchlist(std::int64_t user_id, std::vector<std::string> symbols) {
    auto watching = std::make_shared<const WatchSet>(std::move(symbols));
    std::lock_guard lock(mutex_);
    watchlists_[user_id] = watching;
    const auto streams = streams_by_user_.find(user_id);
    if (streams == streams_by_user_.end()) return;
    for (const StreamRef& ref : streams->second) {
      const auto it = sessions_.find(ref.key);
      if (it == sessions_.end()) continue;
      unsubscribe_locked(ref.key, *it->second.watching);
      subscribe_locked(ref.key, it->second, *watching);
      it->second.watching = watching;
    }
  }

  std::size_t client_count() const {
    std::lock_guard lock(mutex_);
    return stream_count_;
  }

  // ---- SseSessionHost ------------------------------------------------------

  const SseServerOptions& options() const override { return options_; }
  std::chrono::milliseconds heartbeat_interval() const override {
    return std::chrono::milliseconds(heartbeat_ms_.load(std::memory_order_relaxed));
  }
  std::size_t max_client_buffer_bytes() const override {
    return max_client_buffer_bytes_.load(std::memory_order_relaxed);
  }

  void run_blocking(std::function<void()> task) override {
    // Once stopping, the pool may already be joined; the session is being closed anyway.
    if (stopping_) return;
    net::post(blocking_pool_, std::move(task));
  }

  std::optional<std::int64_t> authenticate(std::string_view token) override {
    if (!authenticate_) return std::nullopt;
    return authenticate_(token);
  }

  std::vector<StoredEvent> replay(std::int64_t user_id, std::int64_t after_id,
                                  std::size_t limit) override {
    if (!replay_) return {};
    return replay_(user_id, after_id, limit);
  }

  bool add_stream(std::int64_t user_id, const std::shared_ptr<SseSession>& session) override {
    std::shared_ptr<const WatchSet> loaded;
    if (load_watchlist_ && !watchlist_known(user_id)) {
      // Outside the lock (a store read). A set_watchlist racing with this read
      // wins below: try_emplace keeps the entry it stored.
      loaded = std::make_shared<const WatchSet>(load_watchlist_(user_id));
    }
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    const auto it = sessions_.find(session.get());
    // Unknown: the session closed (and unregistered) while authenticating.
    if (it == sessions_.end() || it->second.user_id) return false;
    it->second.user_id = user_id;
    if (!loaded) loaded = std::make_shared<const WatchSet>();
    // Kept for every user seen (bounded by the number of users, each list by
    // the watchlist limit), so later streams need no store read.
    it->second.watching = watchlists_.try_emplace(user_id, std::move(loaded)).first->second;
    streams_by_user_[user_id].push_back(StreamRef{session.get(), session});
    it->second.stream_slot = allocate_stream_slot_locked();
    subscribe_locked(session.get(), it->second, *it->second.watching);
    ++stream_count_;
    return true;
  }

  void remove_session(const SseSession* session) override {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    if (const auto user_id = it->second.user_id) {
      unsubscribe_locked(session, *it->second.watching);
      auto& streams = streams_by_user_[*user_id];
      std::erase_if(streams, [session](const StreamRef& ref) { return ref.key == session; });
      if (streams.empty()) streams_by_user_.erase(*user_id);
      free_stream_slots_.push_back(it->second.stream_slot);
      --stream_count_;
    }
    sessions_.erase(it);
  }

 private:
  using WatchSet = std::vector<std::string>;  // empty: every symbol
  struct Connection {
    std::weak_ptr<SseSession> session;
    std::optional<std::int64_t> user_id;       // set once the stream is open
    std::shared_ptr<const WatchSet> watching;  // the symbols it is subscribed to
    std::uint32_t io_index = 0;                // the I/O thread it runs on
    // A small number of its own while the stream is open (reused after it
    // closes): plan_fan_out_locked counts per slot in a flat array.
    std::uint32_t stream_slot = 0;
  };
  // One stream in the symbol index. `connection` points into sessions_ (nodes
  // never move); a stream leaves every index before its entry is erased.
  struct Subscriber {
    const SseSession* key = nullptr;
    Connection* connection = nullptr;
    std::uint32_t slot = 0;  // connection->stream_slot, kept here to stay in cache
  };
  // The streams of one symbol (or of every symbol): a flat array, since every
  // flush walks it, plus each stream's position for removal (the last one
  // moves into the gap). Adding a stream that is already there does nothing.
  class Subscribers {
   public:
    void add(const Subscriber& subscriber) {
      if (!positions_.try_emplace(subscriber.key, list_.size()).second) return;
      list_.push_back(subscriber);
    }
    void remove(const SseSession* key) {
      const auto it = positions_.find(key);
      if (it == positions_.end()) return;
      const std::size_t at = it->second;
      positions_.erase(it);
      if (at + 1 != list_.size()) {
        list_[at] = list_.back();
        positions_[list_[at].key] = at;
      }
      list_.pop_back();
    }
    bool empty() const { return list_.empty(); }
    const std::vector<Subscriber>& list() const { return list_; }

   private:
    std::vector<Subscriber> list_;
    std::unordered_map<const SseSession*, std::size_t> positions_;
  };
  struct StreamRef {
    const SseSession* key;
    std::weak_ptr<SseSession> session;
  };
  // One receiving stream of a quote flush: tick.order[begin, end).
  struct QuoteTarget {
    std::shared_ptr<SseSession> session;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };
  using WorkGuard = net::executor_work_guard<net::io_context::executor_type>;
  enum class Admission { serve, reject_busy, refuse };

  tcp::endpoint resolve_listen_endpoint() {
    boost::system::error_code ec;
    tcp::resolver resolver(*io_contexts_.front());
    const auto results =
        resolver.resolve(options_.host, std::to_string(options_.port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      throw std::runtime_error("sse: cannot resolve listen host '" + options_.host +
                               "': " + (ec ? ec.message() : std::string("no address")));
    }
    return results.begin()->endpoint();
  }

  static std::vector<std::unique_ptr<net::io_context>> make_io_contexts(int count) {
    std::vector<std::unique_ptr<net::io_context>> contexts;
    // Hint 1: each context is run by one thread (other threads only post to it).
    for (int i = 0; i < count; ++i) contexts.push_back(std::make_unique<net::io_context>(1));
    return contexts;
  }

  static std::vector<WorkGuard> make_work_guards(
      const std::vector<std::unique_ptr<net::io_context>>& contexts) {
    std::vector<WorkGuard> guards;
    for (const auto& ioc : contexts) guards.push_back(net::make_work_guard(*ioc));
    return guards;
  }

  void run_io(net::io_context& ioc) {
    // Handlers are written not to throw; if one does anyway, keep serving the
    // other clients rather than terminate the process from a worker thread.
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (...) {
      }
    }
  }

  // ---- accepting (server strand) -------------------------------------------

  void do_accept() {
    // Round-robin over the I/O threads: the socket's executor (one thread's
    // io_context, an implicit strand) becomes the session's.
    const auto io_index = static_cast<std::uint32_t>(next_io_++ % io_contexts_.size());
    acceptor_.async_accept(*io_contexts_[io_index],
                           [this, io_index](boost::system::error_code ec, tcp::socket socket) {
                             on_accept(ec, std::move(socket), io_index);
                           });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket, std::uint32_t io_index) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping_) return;
      accept_retry_timer_.expires_after(kAcceptRetryDelay);
      accept_retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && !stopping_) do_accept();
      });
      return;
    }
    auto session =
        make_sse_session(std::move(socket), *this, tls_context_ ? &*tls_context_ : nullptr);
    switch (admit(session, io_index)) {
      case Admission::serve:
        session->start(SseSession::Start::serve);
        break;
      case Admission::reject_busy:
        session->start(SseSession::Start::reject_busy);
        break;
      case Admission::refuse:
        break;  // dropping the session closes the socket
    }
    if (!stopping_) do_accept();
  }

  // Overflow policy (max_clients): beyond it a connection gets 503 with
  // Retry-After; beyond kRejectSlack more it is closed without an answer.
  Admission admit(const std::shared_ptr<SseSession>& session, std::uint32_t io_index) {
    std::lock_guard lock(mutex_);
    if (stopping_) return Admission::refuse;
    // A lowered max_clients turns new connections away; open ones stay.
    const std::size_t max_clients = max_clients_.load(std::memory_order_relaxed);
    if (sessions_.size() >= max_clients + kRejectSlack) return Admission::refuse;
    const bool busy = sessions_.size() >= max_clients;
    sessions_.emplace(session.get(), Connection{session, std::nullopt, nullptr, io_index});
    return busy ? Admission::reject_busy : Admission::serve;
  }

  // ---- the symbol index (under mutex_) -------------------------------------

  std::uint32_t allocate_stream_slot_locked() {
    if (free_stream_slots_.empty()) return stream_slot_count_++;
    const std::uint32_t slot = free_stream_slots_.back();
    free_stream_slots_.pop_back();
    return slot;
  }

  bool watchlist_known(std::int64_t user_id) const {
    std::lock_guard lock(mutex_);
    return watchlists_.contains(user_id);
  }

  void subscribe_locked(const SseSession* key, Connection& connection, const WatchSet& watching) {
    if (watching.empty()) {
      every_symbol_.add(Subscriber{key, &connection, connection.stream_slot});
      return;
    }
    for (const std::string& symbol : watching) {
      subscribers_[symbol].add(Subscriber{key, &connection, connection.stream_slot});
    }
  }

  void unsubscribe_locked(const SseSession* key, const WatchSet& watching) {
    if (watching.empty()) {
      every_symbol_.remove(key);
      return;
    }
    for (const std::string& symbol : watching) {
      const auto it = subscribers_.find(symbol);
      if (it == subscribers_.end()) continue;
      it->second.remove(key);
      if (it->second.empty()) subscribers_.erase(it);
    }
  }

  // ---- quote flushes (server strand) ---------------------------------------

  // Conflation, second stage: flushes are at least quote_interval apart, so a
  // client gets at most one quote per symbol per interval. The first quote
  // after a quiet interval is flushed at once (no added latency).
  void schedule_flush() {
    if (stopping_) return;
    const auto due =
        last_flush_ + std::chrono::milliseconds(quote_interval_ms_.load(std::memory_order_relaxed));
    if (due <= std::chrono::steady_clock::now()) return flush_quotes();
    quote_timer_.expires_at(due);
    quote_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec && !stopping_) flush_quotes();
    });
  }

  void flush_quotes() {
    last_flush_ = std::chrono::steady_clock::now();
    std::unordered_map<std::string, Quote> quotes;
    {
      std::lock_guard lock(quotes_mutex_);
      quotes.swap(pending_quotes_);
      flush_scheduled_ = false;  // a quote from now on schedules the next flush
    }
    auto tick = std::make_shared<SseQuoteTick>();
    encode_watched(quotes, *tick);
    if (tick->frames.empty()) return;

    // One batch per I/O thread: a single posted handler then writes to every
    // session of that thread, instead of one handler (and wake-up) per client.
    std::vector<std::vector<QuoteTarget>> batches(io_contexts_.size());
    {
      std::lock_guard lock(mutex_);
      for (auto& batch : batches) batch.reserve(stream_count_ / batches.size() + 1);
      plan_fan_out_locked(
          *tick, [&](const Connection& connection, std::uint32_t begin, std::uint32_t end) {
            if (auto session = connection.session.lock()) {
              batches[connection.io_index].push_back({std::move(session), begin, end});
            }
          });
    }
    std::shared_ptr<const SseQuoteTick> shared_tick = std::move(tick);
    for (std::size_t i = 0; i < batches.size(); ++i) {
      if (batches[i].empty()) continue;
      net::post(*io_contexts_[i], [tick = shared_tick, batch = std::move(batches[i])] {
        for (const QuoteTarget& target : batch) {
          target.session->write_quotes(*tick, target.begin, target.end);
        }
        // The batch (perhaps the last references of closed sessions) dies
        // here, on the sessions' own thread and outside mutex_.
      });
    }
  }

  // Encodes once each quote that some stream watches; the rest cost nothing.
  void encode_watched(const std::unordered_map<std::string, Quote>& quotes, SseQuoteTick& tick) {
    std::vector<const Quote*> watched;
    {
      std::lock_guard lock(mutex_);
      const bool everyone = !every_symbol_.empty();
      for (const auto& [symbol, quote] : quotes) {
        if (everyone || subscribers_.contains(symbol)) watched.push_back(&quote);
      }
    }
    tick.frames.reserve(watched.size());
    for (const Quote* quote : watched) {
      std::string json;
      try {
        json = encode_quote_(*quote);
      } catch (...) {
        continue;  // an encoder bug costs this quote, not the flush
      }
      tick.frames.push_back(SseQuoteFrame{
          quote->symbol,
          std::make_shared<const std::string>(format_sse_event("quote", std::nullopt, json))});
    }
  }

  // Fills tick.order and calls emit(connection, begin, end) once per receiving
  // stream: the frame indices of its watched symbols, in frame order. order
  // starts with every frame (for streams that watch every symbol), then one
  // group per stream. One pass over the index collects (slot, frame) pairs
  // into a flat array while counting per stream slot; the groups are then laid
  // out by those counts (a counting sort: linear, and it touches only flat
  // arrays, not the connections, which are scattered in memory).
  template <typename Emit>
  void plan_fan_out_locked(SseQuoteTick& tick, Emit&& emit) {
    const auto frame_count = static_cast<std::uint32_t>(tick.frames.size());
    tick.order.reserve(frame_count);
    for (std::uint32_t i = 0; i < frame_count; ++i) tick.order.push_back(i);
    for (const Subscriber& subscriber : every_symbol_.list())
      emit(*subscriber.connection, 0, frame_count);

    std::vector<const Subscribers*> subscribed(frame_count, nullptr);
    for (std::uint32_t i = 0; i < frame_count; ++i) {
      const auto it = subscribers_.find(tick.frames[i].symbol);
      if (it != subscribers_.end()) subscribed[i] = &it->second;
    }
    if (frame_count == 1) {  // a broadcast of one symbol: every group is {0}
      if (subscribed[0]) {
        for (const Subscriber& subscriber : subscribed[0]->list()) {
          emit(*subscriber.connection, 0, 1);
        }
      }
      return;
    }
    plan_counts_.resize(stream_slot_count_, 0);                  // all zero between flushes
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // (slot, frame)
    std::vector<const Subscriber*> receivers;
    for (std::uint32_t i = 0; i < frame_count; ++i) {
      if (!subscribed[i]) continue;
      for (const Subscriber& subscriber : subscribed[i]->list()) {
        if (plan_counts_[subscriber.slot]++ == 0) receivers.push_back(&subscriber);
        pairs.emplace_back(subscriber.slot, i);
      }
    }
    auto next = static_cast<std::uint32_t>(tick.order.size());
    for (const Subscriber* receiver : receivers) {
      const std::uint32_t count = plan_counts_[receiver->slot];
      plan_counts_[receiver->slot] = next;  // from here on: the slot's next position
      next += count;
    }
    tick.order.resize(next);
    for (const auto& [slot, frame] : pairs) tick.order[plan_counts_[slot]++] = frame;
    auto begin = static_cast<std::uint32_t>(frame_count);
    for (const Subscriber* receiver : receivers) {
      const std::uint32_t end = plan_counts_[receiver->slot];
      plan_counts_[receiver->slot] = 0;
      emit(*receiver->connection, begin, end);
      begin = end;
    }
  }

  std::vector<std::shared_ptr<SseSession>> live_sessions_locked(bool streams_only) const {
    std::vector<std::shared_ptr<SseSession>> result;
    result.reserve(sessions_.size());
    for (const auto& [key, connection] : sessions_) {
      if (streams_only && !connection.user_id) continue;
      if (auto session = connection.session.lock()) result.push_back(std::move(session));
    }
    return result;
  }

  // Constant after construction. Declared first so they outlive everything below.
  const SseServerOptions options_;
  const StreamAuthenticator authenticate_;
  const StreamReplay replay_;
  const QuoteEncoder encode_quote_;
  const StreamWatchlist load_watchlist_;

  // Limits a reload may change (set_limits); the rest of options_ is fixed.
  std::atomic<std::int64_t> heartbeat_ms_{0};
  std::atomic<std::int64_t> quote_interval_ms_{0};
  std::atomic<std::size_t> max_client_buffer_bytes_{0};
  std::atomic<std::size_t> max_clients_{0};
  // TLS: the context every session's stream uses (its identity swaps on reload).
  std::optional<net::ssl::context> tls_context_;

  // The registry. Sessions unregister from their destructor too, which can run
  // while the members below are destroyed, so these are declared before them.
  mutable std::mutex mutex_;
  std::atomic<bool> stopping_{false};  // written under mutex_; read anywhere
  std::unordered_map<const SseSession*, Connection> sessions_;                // guarded by mutex_
  std::unordered_map<std::int64_t, std::vector<StreamRef>> streams_by_user_;  // guarded by mutex_
  std::size_t stream_count_ = 0;                                              // guarded by mutex_
  // The symbol index: streams by watched symbol, and streams that watch all.
  std::unordered_map<std::string, Subscribers> subscribers_;  // guarded by mutex_
  Subscribers every_symbol_;                                  // guarded by mutex_
  std::uint32_t stream_slot_count_ = 0;                       // guarded by mutex_
  std::vector<std::uint32_t> free_stream_slots_;              // guarded by mutex_
  std::vector<std::uint32_t> plan_counts_;  // guarded by mutex_ (plan_fan_out_locked)
  std::unordered_map<std::int64_t, std::shared_ptr<const WatchSet>>
      watchlists_;  // guarded by mutex_

  std::mutex quotes_mutex_;
  std::unordered_map<std::string, Quote> pending_quotes_;  // guarded by quotes_mutex_
  bool flush_scheduled_ = false;                           // guarded by quotes_mutex_
  std::chrono::steady_clock::time_point last_flush_;       // server strand

  std::vector<std::unique_ptr<net::io_context>> io_contexts_;  // one per I/O thread
  std::vector<WorkGuard> work_;
  net::strand<net::io_context::executor_type> server_strand_;  // on io_contexts_[0]
  std::size_t next_io_ = 0;                                    // server strand: accept round-robin
  tcp::acceptor acceptor_;                                     // server strand
  net::steady_timer accept_retry_timer_;                       // server strand
  net::steady_timer quote_timer_;                              // server strand
  net::thread_pool
      blocking_pool_;  // after io_contexts_: dropped tasks destroy sessions whose sockets need it

  // Owning thread only.
  std::vector<std::thread> threads_;
  bool started_ = false;
  bool stopped_ = false;
};

SseServer::SseServer(SseServerOptions options, StreamAuthenticator authenticate,
                     StreamReplay replay, SseServerHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(authenticate), std::move(replay),
                                   std::move(hooks))) {}

SseServer::~SseServer() = default;

std::uint16_t SseServer::start() {
  return impl_->start();
}

void SseServer::stop() {
  impl_->stop();
}

void SseServer::publish_notification(std::int64_t user_id, std::int64_t id, std::string json) {
  impl_->publish_notification(user_id, id, std::move(json));
}

void SseServer::publish_event(std::int64_t user_id, std::string_view event,
                              const std::string& json) {
  impl_->publish_event(user_id, event, json);
}

void SseServer::publish_quote(const Quote& quote) {
  impl_->publish_quotes(std::span<const Quote>(&quote, 1));
}

void SseServer::publish_quotes(std::span<const Quote> quotes) {
  impl_->publish_quotes(quotes);
}

void SseServer::set_watchlist(std::int64_t user_id, std::vector<std::string> symbols) {
  impl_->set_watchlist(user_id, std::move(symbols));
}

void SseServer::set_limits(const SseLimits& limits) {
  impl_->set_limits(limits);
}

std::size_t SseServer::client_count() const {
  return impl_->client_count();
}

}  // namespace bw
