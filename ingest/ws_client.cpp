// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "ingest/ws_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <functional>
#include <future>
#include <random>

#include "log/module_logger.hpp"

namespace bw {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string WsEndpoint::redacted() const {
  const auto query = target.find('?');
  return std::string(tls ? "wss://" : "ws://") + host + ":" + port + target.substr(0, query);
}

Result<WsEndpoint> parse_ws_url(std::string_view url) {
  WsEndpoint endpoint;
  std::string_view rest;
  if (url.substr(0, 6) == "wss://") {
    endpoint.tls = true;
    rest = url.substr(6);
  } else if (url.substr(0, 5) == "ws://") {
    rest = url.substr(5);
  } else {
    return Error{"url: must start with ws:// or wss://"};
  }
  const auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  endpoint.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (endpoint.target.front() == '?') endpoint.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    return Error{"url: credentials in the URL are not accepted; use api_key_env or api_key_file"};
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Error{"url: unterminated [IPv6] host"};
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Error{"url: expected :port after ]"};
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return Error{"url: the host is missing"};
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0) {
      return Error{"url: the port must be a number from 1 to 65535"};
    }
  }
  endpoint.host = std::string(host);
  endpoint.port = port.empty() ? (endpoint.tls ? "443" : "80") : std::string(port);
  return endpoint;
}

namespace {

constexpr auto kUseAwaitable = asio::use_awaitable;

// "certificate verify failed: unable to get local issuer certificate".
std::string tls_error(const error_code& ec, SSL* ssl_handle) {
  std::string text = "TLS handshake failed: " + ec.message();
  const long verify = SSL_get_verify_result(ssl_handle);
  if (verify != X509_V_OK) {
    text += " (certificate verification: ";
    text += X509_verify_cert_error_string(verify);
    text += ")";
  }
  return text;
}

}  // namespace

struct WsClient::Impl {
  Impl(WsClientOptions o, WsHandler& h, SourceMonitor& m)
      : options(std::move(o)), handler(h), monitor(m), tls_context(ssl::context::tls_client) {}

  const WsClientOptions options;
  WsHandler& handler;
  SourceMonitor& monitor;
  WsEndpoint endpoint;
  ssl::context tls_context;
  asio::io_context io;
  std::thread thread;
  std::promise<void> finished;  // set when io.run() returns
  std::atomic<bool> stopping{false};
  // io thread only: closes the connection being dialled or read (a close
  // frame when open), and the backoff timer; both empty when there is none.
  std::function<void()> close_current;
  asio::steady_timer* backoff_timer = nullptr;
  std::mt19937_64 random{std::random_device{}()};

  std::shared_ptr<spdlog::logger> log() const { return module_logger("ingest"); }

  // Full jitter in [delay/2, delay]: clients that dropped together do not
  // all come back at the same instant.
  std::chrono::milliseconds jittered(std::chrono::milliseconds delay) {
    std::uniform_int_distribution<std::int64_t> pick(delay.count() / 2, delay.count());
    return std::chrono::milliseconds(pick(random));
  }

  asio::awaitable<void> run() {
    std::chrono::milliseconds backoff = options.backoff_initial;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    backoff_timer = &timer;
    for (bool first = true; !stopping; first = false) {
      if (!first) monitor.reconnecting();
      monitor.connecting();
      bool was_live = false;
      std::string error = co_await connect_and_read(was_live);
      if (stopping) break;
      monitor.down(error);
      if (was_live) backoff = options.backoff_initial;  // a working session resets the backoff
      const std::chrono::milliseconds delay = jittered(backoff);
      log()->warn("source {}: {} ({}); reconnecting in {} ms", options.name, error,
                  endpoint.redacted(), delay.count());
      backoff = std::min(backoff * 2, options.backoff_max);
      error_code ec;
      timer.expires_after(delay);
      co_await timer.async_wait(asio::redirect_error(kUseAwaitable, ec));
    }
    backoff_timer = nullptr;
  }

  // Registers how to close `ws` for stop(); unregisters when the connection
  // attempt ends (the stream lives in the coroutine frame).
  template <typename Stream>
  struct CloseHook {
    CloseHook(Impl& impl, websocket::stream<Stream>& ws) : impl(impl) {
      impl.close_current = [&ws] {
        if (ws.is_open()) {
          ws.async_close(websocket::close_code::going_away, [](error_code) {});
        } else {
          error_code ignored;
          beast::get_lowest_layer(ws).socket().close(ignored);
        }
      };
    }
    ~CloseHook() { impl.close_current = nullptr; }
    Impl& impl;
  };

  // One connection from dial to drop; returns why it ended.
  asio::awaitable<std::string> connect_and_read(bool& was_live) {
    auto executor = co_await asio::this_coro::executor;
    error_code ec;
    tcp::resolver resolver(executor);
    auto addresses = co_await resolver.async_resolve(endpoint.host, endpoint.port,
                                                     asio::redirect_error(kUseAwaitable, ec));
    if (ec) co_return "cannot resolve " + endpoint.host + ": " + ec.message();
    if (endpoint.tls) {
      websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(executor, tls_context);
      CloseHook hook(*this, ws);
      std::string error = co_await open_tls(ws, addresses);
      if (!error.empty()) co_return error;
      co_return co_await handshake_and_read(ws, was_live);
    }
    websocket::stream<beast::tcp_stream> ws(executor);
    CloseHook hook(*this, ws);
    beast::get_lowest_layer(ws).expires_after(options.connect_timeout);
    co_await beast::get_lowest_layer(ws).async_connect(addresses,
                                                       asio::redirect_error(kUseAwaitable, ec));
    if (ec) co_return "cannot connect: " + ec.message();
    co_return co_await handshake_and_read(ws, was_live);
  }

  asio::awaitable<std::string> open_tls(websocket::stream<beast::ssl_stream<beast::tcp_stream>>& ws,
                                        const tcp::resolver::results_type& addresses) {
    error_code ec;
    beast::get_lowest_layer(ws).expires_after(options.connect_timeout);
    co_await beast::get_lowest_layer(ws).async_connect(addresses,
                                                       asio::redirect_error(kUseAwaitable, ec));
    if (ec) co_return "cannot connect: " + ec.message();
    SSL* handle = ws.next_layer().native_handle();
    // SNI: without it, shared front ends present the wrong certificate.
    if (!SSL_set_tlsext_host_name(handle, endpoint.host.c_str())) {
      co_return "TLS: cannot set the server name (SNI)";
    }
    ws.next_layer().set_verify_mode(ssl::verify_peer);
    ws.next_layer().set_verify_callback(ssl::host_name_verification(endpoint.host));
    co_await ws.next_layer().async_handshake(ssl::stream_base::client,
                                             asio::redirect_error(kUseAwaitable, ec));
    if (ec) co_return tls_error(ec, handle);
    co_return std::string();
  }

  template <typename Stream>
  asio::awaitable<std::string> handshake_and_read(websocket::stream<Stream>& ws, bool& was_live) {
    error_code ec;
    // The WebSocket layer takes over the timeouts from here.
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options.connect_timeout;
    timeouts.idle_timeout = options.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(beast::http::field::user_agent, "bellwether");
    }));
    ws.read_message_max(options.max_message_bytes);
    const bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
    const std::string host = default_port ? endpoint.host : endpoint.host + ":" + endpoint.port;
    websocket::response_type response;
    co_await ws.async_handshake(response, host, endpoint.target,
                                asio::redirect_error(kUseAwaitable, ec));
    if (ec) {
      std::string error = "WebSocket handshake failed: " + ec.message();
      if (response.result_int() != 0)
        error += " (HTTP " + std::to_string(response.result_int()) + ")";
      co_return error;
    }
    log()->info("source {}: connected to {}", options.name, endpoint.redacted());
    WsReply reply = handler.on_open();
    beast::flat_buffer buffer;
    while (!stopping) {
      std::string error = co_await act(ws, reply, was_live);
      if (!error.empty()) co_return error;
      buffer.clear();
      co_await ws.async_read(buffer, asio::redirect_error(kUseAwaitable, ec));
      if (ec == websocket::error::closed) {
        co_return "closed by the provider: " + std::string(ws.reason().reason.c_str()) + " (code " +
            std::to_string(ws.reason().code) + ")";
      }
      if (ec) co_return "connection lost: " + ec.message();
      reply = WsReply{};
      const auto data = buffer.data();
      handler.on_message(std::string_view(static_cast<const char*>(data.data()), data.size()),
                         reply);
    }
    co_return "stopped";
  }

  // Sends what the handler asked for, reports live, or closes on its error.
  template <typename Stream>
  asio::awaitable<std::string> act(websocket::stream<Stream>& ws, WsReply& reply, bool& was_live) {
    error_code ec;
    ws.text(true);
    for (const std::string& message : reply.send) {
      co_await ws.async_write(asio::buffer(message), asio::redirect_error(kUseAwaitable, ec));
      if (ec) co_return "write failed: " + ec.message();
    }
    if (reply.live && !was_live) {
      was_live = true;
      monitor.live();
    }
    if (!reply.close_error.empty()) {
      co_await ws.async_close(websocket::close_code::normal,
                              asio::redirect_error(kUseAwaitable, ec));
      co_return reply.close_error;
    }
    co_return std::string();
  }
};

WsClient::WsClient(WsClientOptions options, WsHandler& handler, SourceMonitor& monitor)
    : impl_(std::make_unique<Impl>(std::move(options), handler, monitor)) {
  Result<WsEndpoint> endpoint = parse_ws_url(impl_->options.url);
  if (!endpoint)
    throw std::invalid_argument("source " + impl_->options.name + ": " + endpoint.error());
  impl_->endpoint = *endpoint;
  if (!endpoint->tls) return;
  error_code ec;
  if (impl_->options.ca_file.empty()) {
    impl_->tls_context.set_default_verify_paths(ec);
  } else {
    impl_->tls_context.load_verify_file(impl_->options.ca_file, ec);
  }
  if (ec) {
    throw std::invalid_argument(
        "source " + impl_->options.name + ": cannot load CA certificates" +
        (impl_->options.ca_file.empty() ? "" : " from " + impl_->options.ca_file) + ": " +
        ec.message());
  }
}

WsClient::~WsClient() {
  stop();
}

void WsClient::start() {
  Impl& impl = *impl_;
  asio::co_spawn(impl.io, impl.run(), [&impl](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      impl.monitor.down(std::string("internal error: ") + e.what());
      impl.log()->error("source {}: stopped by an internal error: {}", impl.options.name, e.what());
    }
  });
  impl.thread = std::thread([&impl] {
    impl.io.run();
    impl.finished.set_value();
  });
}

void WsClient::stop() {
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true)) return;
  if (impl.thread.joinable()) {
    // A close frame to the provider (it frees the connection slot at once),
    // then the coroutine ends by itself. Whatever is still pending after the
    // grace period (a slow DNS lookup, an unanswered close) is abandoned: its
    // coroutine frame and socket are destroyed with the io_context.
    asio::post(impl.io, [&impl] {
      if (impl.close_current) impl.close_current();
      if (impl.backoff_timer) impl.backoff_timer->cancel();
    });
    if (impl.finished.get_future().wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
      impl.io.stop();
    }
    impl.thread.join();
  }
  impl.monitor.down("stopped");
}

}  // namespace bw
