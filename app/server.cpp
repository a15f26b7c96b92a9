#include "app/server.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "app/engine_worker.hpp"
#include "app/first_run.hpp"
#include "app/system_clock.hpp"
#include "ingest/ingest_hub.hpp"
#include "ingest/last_quotes.hpp"
#include "ingest/simulated_feed.hpp"
#include "notify/notifier.hpp"
#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "store/database.hpp"
#include "store/notification_repository.hpp"
#include "store/price_repository.hpp"
#include "web/api_server.hpp"
#include "web/credentials.hpp"
#include "web/json_codec.hpp"
#include "web/sse_server.hpp"

namespace bw {

namespace {

// Notifications reach SSE clients through this adapter.
class SseNotificationSink : public NotificationSink {
 public:
  explicit SseNotificationSink(SseServer& sse) : sse_(sse) {}
  void deliver(const StoredNotification& n) override {
    sse_.publish_notification(n.content.user_id, n.id, dump_json(encode_notification(n)));
  }

 private:
  SseServer& sse_;
};

std::string data_directory(const std::string& db_path) {
  std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

struct Server::Parts {
  SystemClock clock;
  std::unique_ptr<Database> db;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<AlertRepository> alerts;
  std::unique_ptr<NotificationRepository> notifications;
  std::unique_ptr<PriceRepository> prices;
  LastQuotes last_quotes;
  std::unique_ptr<EngineQueue> queue;
  std::unique_ptr<SseServer> sse;
  std::unique_ptr<SseNotificationSink> sse_sink;
  std::unique_ptr<Notifier> notifier;
  std::unique_ptr<EngineWorker> engine;
  std::unique_ptr<IngestHub> hub;
  std::unique_ptr<ApiContext> api_context;
  std::unique_ptr<ApiServer> api;
  std::vector<std::unique_ptr<SimulatedFeed>> feeds;
};

Server::Server(Config config) : config_(std::move(config)), parts_(std::make_unique<Parts>()) {}

Server::~Server() {
  stop();
}

void Server::start() {
  Parts& p = *parts_;
  init_crypto();
  const std::string data_dir = data_directory(config_.storage.path);
  std::filesystem::create_directories(data_dir);
  p.db = Database::open(config_.storage.path, static_cast<std::size_t>(config_.web.threads) + 2);
  spdlog::info("store: opened {}", config_.storage.path);
  p.accounts = std::make_unique<Accounts>(*p.db);
  p.alerts = std::make_unique<AlertRepository>(*p.db);
  p.notifications = std::make_unique<NotificationRepository>(*p.db);
  p.prices = std::make_unique<PriceRepository>(*p.db);
  create_first_admin_if_empty(*p.accounts, data_dir, p.clock);

  p.queue = std::make_unique<EngineQueue>(config_.engine.queue_capacity);

  SseServerOptions sse_options;
  sse_options.host = config_.stream.listen.host;
  sse_options.port = config_.stream.listen.port;
  sse_options.io_threads = config_.stream.io_threads;
  sse_options.heartbeat_interval = config_.stream.heartbeat;
  sse_options.quote_interval = config_.stream.quote_interval;
  sse_options.max_client_buffer_bytes = config_.stream.max_client_buffer_bytes;
  sse_options.max_clients = config_.stream.max_clients;
  Accounts& accounts = *p.accounts;
  NotificationRepository& notifications = *p.notifications;
  p.sse = std::make_unique<SseServer>(
      sse_options,
      [&accounts](std::string_view token) -> std::optional<std::int64_t> {
        std::optional<User> user = accounts.user_for_token(hash_token(token));
        if (!user) return std::nullopt;
        return user->id;
      },
      [&notifications](std::int64_t user, std::int64_t after, std::size_t limit) {
        std::vector<StoredEvent> events;
        for (const auto& n : notifications.list_after(user, after, limit)) {
          events.push_back({n.id, dump_json(encode_notification(n))});
        }
        return events;
      });
  const std::uint16_t stream_port = p.sse->start();
  spdlog::info("stream: listening on http://{}:{}/api/v1/events", sse_options.host, stream_port);

  p.sse_sink = std::make_unique<SseNotificationSink>(*p.sse);
  p.notifier = std::make_unique<Notifier>(*p.notifications, p.clock,
                                          std::vector<NotificationSink*>{p.sse_sink.get()});
  p.notifier->start();

  p.engine = std::make_unique<EngineWorker>(*p.queue, *p.notifier, *p.prices, *p.alerts,
                                            config_.engine.price_flush_interval);
  (void)p.alerts->expire_due(p.clock.now_ms());  // expired while the server was down
  p.engine->load(p.alerts->list_armed(), p.prices->load_all());
  p.engine->start();

  p.hub = std::make_unique<IngestHub>(*p.queue, config_.engine.full_queue_timeout);
  LastQuotes& last_quotes = p.last_quotes;
  SseServer& sse = *p.sse;
  p.hub->add_observer([&last_quotes](const Quote& q) { last_quotes.update(q); });
  p.hub->add_observer(
      [&sse](const Quote& q) { sse.publish_quote(q.symbol, dump_json(encode_quote(q))); });

  p.api_context = std::make_unique<ApiContext>(ApiContext{*p.accounts, *p.alerts, *p.notifications,
                                                          p.last_quotes, *p.hub, *p.engine, p.clock,
                                                          stream_port, PROJECT_VERSION});
  ApiServerOptions api_options{config_.web.listen.host, config_.web.listen.port,
                               config_.web.threads, config_.web.max_body_bytes, config_.web.ui_dir};
  p.api = std::make_unique<ApiServer>(api_options, *p.api_context);
  const std::uint16_t web_port = p.api->start();
  spdlog::info("web: dashboard and API on http://{}:{}/", api_options.host, web_port);

  for (const SourceConfig& source : config_.sources) {
    SimulatedFeedOptions options{source.name, source.seed, source.interval, source.time_scale,
                                 source.symbols};
    p.feeds.push_back(std::make_unique<SimulatedFeed>(options, *p.hub, p.clock));
    p.feeds.back()->start();
  }
  spdlog::info("bellwether {} ready", PROJECT_VERSION);
}

void Server::stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  spdlog::info("shutting down: stopping sources");
  for (auto& feed : p.feeds) feed->stop();
  if (p.api) p.api->stop();
  spdlog::info("shutting down: draining the engine");
  if (p.engine) p.engine->stop();
  if (p.notifier) p.notifier->stop();
  if (p.sse) p.sse->stop();
  parts_.reset();
  spdlog::info("stopped");
}

}  // namespace bw
