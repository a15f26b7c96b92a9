#include "ingest/tcp_ndjson_source.hpp"

#include <utility>  // before Asio (see docs/PITFALLS: std::exchange)

#include <algorithm>
#include <boost/asio.hpp>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "ingest/tick_parsers.hpp"
#include "log/module_logger.hpp"
#include "platform/thread_setup.hpp"

namespace bw {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

struct TcpNdjsonSource::Impl {
  class Session;

  Impl(TcpNdjsonOptions o, QuoteSink& s, const Clock& c)
      : options(std::move(o)),
        sink(s),
        clock(c),
        monitor(options.name, "tcp_ndjson"),
        normalizer(options.name, options.normalizer, monitor),
        refusals("ingest", std::chrono::seconds(10), 5),
        acceptor(io) {
    boost::system::error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address(options.host, ec), options.port);
    if (ec)
      throw std::runtime_error("source " + options.name + ": bad listen address \"" + options.host +
                               "\"");
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint, ec);
    if (ec) {
      throw std::runtime_error("source " + options.name + ": cannot listen on " + options.host +
                               ":" + std::to_string(options.port) + ": " + ec.message());
    }
    acceptor.listen(asio::socket_base::max_listen_connections);
    bound_port = acceptor.local_endpoint().port();
  }

  void accept();
  // One complete line from a connection; `now` is read once per read batch.
  // Validated quotes go to the session's `batch`; publish() hands them to the
  // sink as one batch (one engine-queue lock per read instead of one per line).
  // Both run on whichever I/O thread runs the session's read handler.
  void line(std::string_view text, TimestampMs now, const std::string& peer, std::uint64_t number,
            std::vector<Quote>& batch);
  void publish(TimestampMs now, const std::string& peer, std::vector<Quote>& batch);
  void too_long(const std::string& peer, std::uint64_t number, TimestampMs now) {
    normalizer.reject("line: longer than max_line_bytes",
                      "line " + std::to_string(number) + " from " + peer, now);
  }

  const TcpNdjsonOptions options;
  QuoteSink& sink;
  const Clock& clock;
  SourceMonitor monitor;
  QuoteNormalizer normalizer;  // thread-safe (per-symbol state under striped locks)
  RateLimitedLog refusals;
  std::atomic<std::size_t> open{0};
  // Touched only by the accept handler (one at a time) and, after the join, stop().
  std::vector<std::weak_ptr<Session>> sessions;
  std::uint16_t bound_port = 0;
  std::vector<std::thread> threads;  // options.io_threads of them, each running `io`
  // Last: destroyed first, taking pending handlers (and their sessions) with it.
  asio::io_context io{static_cast<int>(std::max<std::size_t>(1, options.io_threads))};
  tcp::acceptor acceptor;
};

class TcpNdjsonSource::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl& owner)
      : socket_(std::move(socket)),
        owner_(owner),
        buffer_(owner.options.max_line_bytes + kReadChunk) {
    boost::system::error_code ec;
    const tcp::endpoint remote = socket_.remote_endpoint(ec);
    peer_ = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
    owner_.open.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session() { owner_.open.fetch_sub(1, std::memory_order_relaxed); }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  void read() {
    socket_.async_read_some(asio::buffer(buffer_.data() + used_, buffer_.size() - used_),
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        std::size_t n) { self->on_read(ec, n); });
  }

 private:
  void on_read(const boost::system::error_code& ec, std::size_t n) {
    const TimestampMs now = owner_.clock.now_ms();
    if (ec) {
      // The peer closed (or stop()): a last line without its newline still counts.
      if (used_ > 0 && !discarding_) deliver(std::string_view(buffer_.data(), used_), now);
      finish_read(now);
      return;
    }
    used_ += n;
    split(now);
    finish_read(now);
    read();
  }

  // Counts the read's lines once (one atomic add, not one per line: several
  // I/O threads share the monitor) and publishes its quotes as one batch.
  void finish_read(TimestampMs now) {
    if (messages_ > 0) owner_.monitor.messages(now, std::exchange(messages_, 0));
    owner_.publish(now, peer_, batch_);
  }

  void split(TimestampMs now) {
    std::size_t start = 0;
    while (start < used_) {
      const void* found = std::memchr(buffer_.data() + start, '\n', used_ - start);
      if (!found) break;
      const std::size_t end = static_cast<const char*>(found) - buffer_.data();
      if (discarding_) {
        discarding_ = false;  // the tail of an over-long line
        ++line_number_;
      } else {
        deliver(std::string_view(buffer_.data() + start, end - start), now);
      }
      start = end + 1;
    }
    const std::size_t rest = used_ - start;
    if (rest > owner_.options.max_line_bytes) {
      if (!discarding_) owner_.too_long(peer_, line_number_ + 1, now);
      discarding_ = true;
      used_ = 0;
      return;
    }
    if (start > 0) std::memmove(buffer_.data(), buffer_.data() + start, rest);
    used_ = rest;
  }

  void deliver(std::string_view text, TimestampMs now) {
    ++line_number_;
    if (text.size() > owner_.options.max_line_bytes)
      return owner_.too_long(peer_, line_number_, now);
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;  // keep-alive
    ++messages_;
    owner_.line(text, now, peer_, line_number_, batch_);
  }

  tcp::socket socket_;
  Impl& owner_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  bool discarding_ = false;  // inside a line longer than max_line_bytes
  std::uint64_t line_number_ = 0;
  std::uint64_t messages_ = 0;  // non-blank lines of this read, for the monitor
  std::string peer_;
  std::vector<Quote> batch_;  // this read's quotes
};

void TcpNdjsonSource::Impl::accept() {
  acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;  // stop()
      return accept();
    }
    if (open.load(std::memory_order_relaxed) >= options.max_connections) {
      refusals.warn(clock.now_ms(), "source " + options.name + ": refused a connection: " +
                                        std::to_string(options.max_connections) +
                                        " are open (max_connections)");
      boost::system::error_code ignored;
      socket.close(ignored);
      return accept();
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::erase_if(sessions, [](const std::weak_ptr<Session>& s) { return s.expired(); });
    auto session = std::make_shared<Session>(std::move(socket), *this);
    sessions.push_back(session);
    session->read();
    accept();
  });
}

void TcpNdjsonSource::Impl::line(std::string_view text, TimestampMs now, const std::string& peer,
                                 std::uint64_t number, std::vector<Quote>& batch) {
  Result<NdjsonQuote> parsed = parse_ndjson_quote(text);
  if (!parsed) {
    return normalizer.reject(parsed.error(), "line " + std::to_string(number) + " from " + peer,
                             now);
  }
  // The peer names the line in the log; its number is left out to keep
  // string building off the per-line path.
  Result<Quote> quote = normalizer.normalize(parsed->quote, now, parsed->sequence, peer);
  if (!quote) return;
  batch.push_back(std::move(*quote));
}

void TcpNdjsonSource::Impl::publish(TimestampMs now, const std::string& peer,
                                    std::vector<Quote>& batch) {
  if (batch.empty()) return;
  const std::size_t refused = sink.publish_batch(batch, options.name).size();
  batch.clear();
  for (std::size_t i = 0; i < refused; ++i)
    normalizer.reject("engine queue full", "from " + peer, now);
}

TcpNdjsonSource::TcpNdjsonSource(TcpNdjsonOptions options, QuoteSink& sink, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), sink, clock)) {}

TcpNdjsonSource::~TcpNdjsonSource() {
  stop();
}

void TcpNdjsonSource::start() {
  Impl& impl = *impl_;
  module_logger("ingest")->info("source {}: tcp_ndjson listening on {}:{}", impl.options.name,
                                impl.options.host, impl.bound_port);
  impl.monitor.live();
  impl.accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, impl.options.io_threads); ++i) {
    impl.threads.emplace_back([&impl] {
      setup_thread("bw-tcp", ThreadRole::latency_path);
      impl.io.run();
    });
  }
}

void TcpNdjsonSource::stop() {
  Impl& impl = *impl_;
  if (impl.threads.empty()) return;
  impl.io.stop();
  for (std::thread& thread : impl.threads) thread.join();
  impl.threads.clear();
  boost::system::error_code ignored;
  impl.acceptor.close(ignored);
  // The I/O threads are gone: close the connections from here.
  for (const auto& weak : impl.sessions) {
    if (auto session = weak.lock()) session->close();
  }
  impl.monitor.down("stopped");
}

SourceHealth TcpNdjsonSource::health(TimestampMs now_ms,
                                     std::chrono::milliseconds stale_after) const {
  return impl_->monitor.snapshot(now_ms, stale_after);
}

std::uint16_t TcpNdjsonSource::port() const {
  return impl_->bound_port;
}

std::size_t TcpNdjsonSource::connections() const {
  return impl_->open.load(std::memory_order_relaxed);
}

}  // namespace bw
