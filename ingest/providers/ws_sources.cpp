#include "ingest/providers/ws_sources.hpp"

#include <cctype>
#include <stdexcept>

#include "ingest/providers/alpaca_frames.hpp"
#include "ingest/providers/finnhub_frames.hpp"
#include "ingest/providers/polygon_frames.hpp"
#include "ingest/providers/provider_publisher.hpp"
#include "log/module_logger.hpp"

namespace bw {

namespace {

using Parser = Status (*)(std::string_view, ProviderFrame&);

// The provider-independent part of a protocol: parse, publish, count, and
// turn control messages into the next step of the handshake.
class ProviderProtocol : public WsHandler {
 public:
  ProviderProtocol(const WsSourceOptions& options, Parser parser, QuoteSink& sink,
                   SourceMonitor& monitor, const Clock& clock)
      : options_(options),
        parser_(parser),
        monitor_(monitor),
        clock_(clock),
        publisher_(options.name, options.normalizer, sink, monitor, clock) {}

  void on_message(std::string_view text, WsReply& reply) final {
    monitor_.message(clock_.now_ms());
    frame_.clear();
    if (Status parsed = parser_(text, frame_); !parsed) {
      publisher_.frame_error(parsed.error());
      return;
    }
    publisher_.publish(frame_);
    for (const ControlMessage& control : frame_.control) on_control(control, reply);
  }

 protected:
  virtual void on_control(const ControlMessage& control, WsReply& reply) = 0;

  // A provider error: before the subscription is confirmed it ends the
  // connection (reconnect after backoff); once live it is logged only.
  void provider_error(const ControlMessage& control, WsReply& reply, bool live) {
    std::string what = control.kind == ControlKind::auth_failed ? "auth failed" : "provider error";
    if (control.code != 0) {
      what += ' ';
      what += std::to_string(control.code);
    }
    what += ": ";
    what += control.message;
    module_logger("ingest")->error("source {}: {}", options_.name, what);
    if (!live) reply.close_error = what;
  }

  const WsSourceOptions& options_;

 private:
  Parser parser_;
  SourceMonitor& monitor_;
  const Clock& clock_;
  ProviderPublisher publisher_;
  ProviderFrame frame_;  // reused: one allocation per source, not per frame
};

class FinnhubProtocol final : public ProviderProtocol {
 public:
  using ProviderProtocol::ProviderProtocol;

  // Finnhub acknowledges nothing: subscribed as soon as the messages are out.
  WsReply on_open() override {
    WsReply reply;
    for (const std::string& symbol : options_.symbols) {
      reply.send.push_back(finnhub_subscribe_message(symbol));
    }
    reply.live = true;
    return reply;
  }

 private:
  void on_control(const ControlMessage& control, WsReply& reply) override {
    // Pings need no answer; the WebSocket layer's own pings keep the link up.
    if (control.kind == ControlKind::error) provider_error(control, reply, /*live=*/true);
  }
};

// Alpaca and Polygon: connected → auth → authenticated → subscribe → subscribed.
class HandshakeProtocol final : public ProviderProtocol {
 public:
  HandshakeProtocol(const WsSourceOptions& options, Parser parser, QuoteSink& sink,
                    SourceMonitor& monitor, const Clock& clock, std::string auth_message,
                    std::string subscribe_message)
      : ProviderProtocol(options, parser, sink, monitor, clock),
        auth_message_(std::move(auth_message)),
        subscribe_message_(std::move(subscribe_message)) {}

  WsReply on_open() override {
    live_ = false;
    return {};
  }

 private:
  void on_control(const ControlMessage& control, WsReply& reply) override {
    switch (control.kind) {
      case ControlKind::connected:
        reply.send.push_back(auth_message_);
        break;
      case ControlKind::authenticated:
        reply.send.push_back(subscribe_message_);
        break;
      case ControlKind::subscribed:
        if (!live_) {
          module_logger("ingest")->info("source {}: subscribed: {}", options_.name,
                                        control.message);
        }
        live_ = true;
        reply.live = true;
        break;
      case ControlKind::auth_failed:
      case ControlKind::error:
        provider_error(control, reply, live_);
        break;
      case ControlKind::ping:
      case ControlKind::info:
        break;  // nothing to do: status chatter
    }
  }

  const std::string auth_message_;
  const std::string subscribe_message_;
  bool live_ = false;
};

class WsSource final : public QuoteSource {
 public:
  WsSource(WsSourceOptions options, QuoteSink& sink, const Clock& clock)
      : options_(std::move(options)), monitor_(options_.name, options_.type) {
    protocol_ = make_protocol(sink, clock);
    client_ = std::make_unique<WsClient>(client_options(), *protocol_, monitor_);
  }
  ~WsSource() override { stop(); }

  void start() override {
    module_logger("ingest")->info("source {}: {} feed, {} symbols", options_.name, options_.type,
                                  options_.symbols.size());
    client_->start();
  }
  void stop() override { client_->stop(); }
  SourceHealth health(TimestampMs now_ms, std::chrono::milliseconds stale_after) const override {
    return monitor_.snapshot(now_ms, stale_after);
  }

 private:
  std::unique_ptr<WsHandler> make_protocol(QuoteSink& sink, const Clock& clock) {
    if (options_.type == "finnhub_ws") {
      return std::make_unique<FinnhubProtocol>(options_, parse_finnhub_frame, sink, monitor_,
                                               clock);
    }
    if (options_.type == "alpaca_ws") {
      return std::make_unique<HandshakeProtocol>(
          options_, parse_alpaca_frame, sink, monitor_, clock,
          alpaca_auth_message(options_.api_key, options_.api_secret),
          alpaca_subscribe_message(options_.symbols, options_.channels));
    }
    if (options_.type == "polygon_ws") {
      return std::make_unique<HandshakeProtocol>(
          options_, parse_polygon_frame, sink, monitor_, clock,
          polygon_auth_message(options_.api_key),
          polygon_subscribe_message(options_.symbols, options_.channels));
    }
    throw std::invalid_argument("source " + options_.name + ": unknown WebSocket type " +
                                options_.type);
  }

  // Finnhub takes its key in the URL's query; the client never logs the query.
  WsClientOptions client_options() const {
    WsClientOptions client = options_.client;
    client.name = options_.name;
    if (options_.type == "finnhub_ws" && !options_.api_key.empty()) {
      client.url += (client.url.find('?') == std::string::npos ? "?" : "&");
      client.url += "token=";
      for (unsigned char c : options_.api_key) {  // percent-encoded: keys are opaque strings
        static constexpr char kHex[] = "0123456789ABCDEF";
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          client.url += static_cast<char>(c);
        } else {
          client.url += '%';
          client.url += kHex[c >> 4];
          client.url += kHex[c & 15];
        }
      }
    }
    return client;
  }

  const WsSourceOptions options_;
  SourceMonitor monitor_;
  std::unique_ptr<WsHandler> protocol_;
  std::unique_ptr<WsClient> client_;
};

}  // namespace

std::unique_ptr<QuoteSource> make_ws_source(WsSourceOptions options, QuoteSink& sink,
                                            const Clock& clock) {
  return std::make_unique<WsSource>(std::move(options), sink, clock);
}

}  // namespace bw
