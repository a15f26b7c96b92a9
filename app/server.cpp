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
#include "notify/webhook_dispatcher.hpp"
#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "store/channel_repository.hpp"
#include "store/database.hpp"
#include "store/delivery_repository.hpp"
#include "store/notification_repository.hpp"
#include "store/price_repository.hpp"
#include "web/api_server.hpp"
#include "web/channel_routes.hpp"
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
  std::unique_ptr<ChannelRepository> channels;
  std::unique_ptr<DeliveryRepository> deliveries;
  std::unique_ptr<WebhookDispatcher> webhooks;
  std::unique_ptr<DeliveryContext> delivery_context;
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
  start_delivery();
  p.notifier = std::make_unique<Notifier>(
      *p.notifications, p.clock,
      std::vector<NotificationSink*>{p.sse_sink.get(), p.webhooks.get()});
  p.notifier->start();

  p.engine = std::make_unique<EngineWorker>(*p.queue, *p.notifier, *p.prices,
                                            config_.engine.price_flush_interval);
  p.engine->load(p.alerts->list_armed(), p.prices->load_all());
  p.engine->start();

  p.hub = std::make_unique<IngestHub>(*p.queue, config_.engine.full_queue_timeout);
  LastQuotes& last_quotes = p.last_quotes;
  SseServer& sse = *p.sse;
  p.hub->add_observer([&last_quotes](const Quote& q) { last_quotes.update(q); });
  p.hub->add_observer(
      [&sse](const Quote& q) { sse.publish_quote(q.symbol, dump_json(encode_quote(q))); });

  p.api_context = std::make_unique<ApiContext>(
      ApiContext{*p.accounts, *p.alerts, *p.notifications, p.last_quotes, *p.hub, *p.engine,
                 p.clock, stream_port, PROJECT_VERSION, p.delivery_context.get()});
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

// The outbox and its webhook dispatcher; the dispatcher's first turn resumes
// every delivery left pending by the previous run.
void Server::start_delivery() {
  Parts& p = *parts_;
  const DeliveryConfig& config = config_.delivery;
  p.channels = std::make_unique<ChannelRepository>(*p.db);
  p.deliveries = std::make_unique<DeliveryRepository>(*p.db);
  WebhookDispatcherOptions options;
  options.schedule = RetrySchedule{config.retry_schedule, config.retry_jitter};
  options.timeout = config.timeout;
  options.connect_timeout = config.connect_timeout;
  options.max_in_flight = config.max_in_flight;
  options.max_connections_per_host = config.max_connections_per_host;
  options.targets = TargetPolicy{config.allowed_private_addresses};
  options.user_agent = std::string("bellwether/") + PROJECT_VERSION;
  const EmailConfig& email = config_.email;
  options.smtp = SmtpOptions{email.smtp_url, email.from, email.username, email.password,
                             email.starttls == "off"   ? SmtpOptions::Tls::off
                             : email.starttls == "try" ? SmtpOptions::Tls::try_
                                                       : SmtpOptions::Tls::required};
  options.email_api = EmailApiOptions{email.api_url,
                                      email.api_format == "sendgrid"   ? EmailApiFormat::sendgrid
                                      : email.api_format == "mailgun"  ? EmailApiFormat::mailgun
                                      : email.api_format == "postmark" ? EmailApiFormat::postmark
                                                                       : EmailApiFormat::json,
                                      email.api_key, email.from};
  SseServer& sse = *p.sse;
  p.webhooks = std::make_unique<WebhookDispatcher>(
      *p.deliveries, p.clock, options,
      [&sse](UserId user, const std::string& json) { sse.publish_event(user, "delivery", json); });
  p.webhooks->start();
  WebhookDispatcher& webhooks = *p.webhooks;
  p.delivery_context = std::make_unique<DeliveryContext>(DeliveryContext{
      *p.channels, *p.deliveries, p.clock, options.targets, [&webhooks] { webhooks.wake(); },
      !email.smtp_url.empty() || !email.api_url.empty()});
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
  // Transfers still in flight stay pending in the outbox and resume at start.
  if (p.webhooks) p.webhooks->stop();
  if (p.sse) p.sse->stop();
  parts_.reset();
  spdlog::info("stopped");
}

}  // namespace bw
