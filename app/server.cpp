#include "app/server.hpp"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "app/alert_expiry.hpp"
#include "app/engine_worker.hpp"
#include "app/first_run.hpp"
#include "app/logging.hpp"
#include "app/market_calendar.hpp"
#include "app/observability.hpp"
#include "app/retention.hpp"
#include "app/source_board.hpp"
#include "app/source_factory.hpp"
#include "app/source_watch.hpp"
#include "app/symbol_silence_watch.hpp"
#include "app/system_clock.hpp"
#include "config/config_diff.hpp"
#include "ingest/candle_history.hpp"
#include "ingest/ingest_hub.hpp"
#include "ingest/last_quotes.hpp"
#include "ingest/recent_ticks.hpp"
#include "log/module_logger.hpp"
#include "notify/notifier.hpp"
#include "notify/quiet_hours.hpp"
#include "notify/webhook_dispatcher.hpp"
#include "platform/cpu_wakeup_latency.hpp"
#include "store/accounts.hpp"
#include "store/alert_message_repository.hpp"
#include "store/alert_repository.hpp"
#include "store/channel_repository.hpp"
#include "store/database.hpp"
#include "store/delivery_repository.hpp"
#include "store/digest_repository.hpp"
#include "store/notification_repository.hpp"
#include "store/price_repository.hpp"
#include "store/sessions.hpp"
#include "store/user_settings_repository.hpp"
#include "web/alert_events.hpp"
#include "web/alert_files.hpp"
#include "web/api_server.hpp"
#include "web/backtest_routes.hpp"
#include "web/channel_routes.hpp"
#include "web/credentials.hpp"
#include "web/json_codec.hpp"
#include "web/session_auth.hpp"
#include "web/settings_routes.hpp"
#include "web/sse_server.hpp"
#include "web/tls_identity.hpp"
#include "web/watchlist_routes.hpp"

namespace bw {

namespace {

// Notifications reach SSE clients through this adapter.
class SseNotificationSink : public NotificationSink {
 public:
  explicit SseNotificationSink(SseServer& sse) : sse_(sse) {}
  void deliver(const StoredNotification& n) override {
    sse_.publish_notification(n.content.user_id, n.id, dump_json(encode_notification(n)));
    sse_.publish_event(n.content.user_id, "alert", alert_fired_event(n));
  }

 private:
  SseServer& sse_;
};

// With TLS on, the session cookie is always `Secure`.
AuthOptions auth_options(const AuthConfig& c, const TlsConfig& tls) {
  return AuthOptions{c.session_idle_timeout,
                     c.session_max_age,
                     c.secure_cookie || tls.enabled(),
                     static_cast<std::size_t>(c.min_password_length),
                     c.max_failures_per_account,
                     c.max_failures_per_address,
                     c.failure_window};
}

std::string data_directory(const std::string& db_path) {
  std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// The end of the user's quiet hours when `now` is inside them.
std::optional<TimestampMs> quiet_until_for(UserSettingsRepository& settings, UserId user,
                                           TimestampMs now) {
  std::optional<QuietHoursRow> row = settings.quiet_hours(user);
  if (!row) return std::nullopt;
  Result<TimeZoneRule> zone = parse_time_zone(row->timezone);
  if (!zone) return std::nullopt;  // only validated zones are stored
  return quiet_until(QuietHours{row->start_minute, row->end_minute, *zone}, now);
}

constexpr const char* kShuttingDown = "the server is shutting down";

std::vector<BoardEntry> board_entries(const std::vector<std::unique_ptr<QuoteSource>>& feeds,
                                      const std::vector<SourceConfig>& sources) {
  std::vector<BoardEntry> entries;
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    entries.push_back({feeds[i].get(), sources[i].stale_after});
  }
  return entries;
}

// The sign-in rules the event stream checks session cookies against; a
// reload replaces them. Thread-safe.
class StreamAuthOptions {
 public:
  AuthOptions get() const {
    std::lock_guard lock(mutex_);
    return options_;
  }
  void set(const AuthOptions& options) {
    std::lock_guard lock(mutex_);
    options_ = options;
  }

 private:
  mutable std::mutex mutex_;
  AuthOptions options_;  // guarded by mutex_
};

SseLimits stream_limits(const StreamConfig& c) {
  return SseLimits{c.heartbeat, c.quote_interval, c.max_client_buffer_bytes, c.max_clients};
}

bool contains(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) out += (out.empty() ? "" : ", ") + key;
  return out.empty() ? "none" : out;
}

}  // namespace

struct Server::Parts {
  MetricsRegistry metrics;  // first: every recorder points into it
  SystemClock clock;
  std::shared_ptr<TlsIdentity> tls;  // [tls] set: both listeners' certificate
  StreamAuthOptions stream_auth;
  std::unique_ptr<Database> db;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<Sessions> sessions;
  std::unique_ptr<AlertRepository> alerts;
  std::unique_ptr<AlertMessageRepository> messages;
  std::unique_ptr<NotificationRepository> notifications;
  std::unique_ptr<PriceRepository> prices;
  std::unique_ptr<WatchlistRepository> watchlists;
  std::unique_ptr<WatchlistContext> watchlist_context;
  LastQuotes last_quotes;
  CandleHistory candles;  // recent bars per symbol, for the dashboard charts
  std::unique_ptr<EngineQueue> queue;
  std::optional<CpuWakeupLatencyRequest> cpus_awake;  // [engine] keep_cpus_awake
  std::unique_ptr<SseServer> sse;
  std::unique_ptr<SseNotificationSink> sse_sink;
  std::unique_ptr<ChannelRepository> channels;
  std::unique_ptr<DeliveryRepository> deliveries;
  std::unique_ptr<UserSettingsRepository> settings;  // before webhooks: it asks for quiet hours
  std::unique_ptr<DigestRepository> digests;         // before webhooks: it groups into them
  std::unique_ptr<WebhookDispatcher> webhooks;
  std::unique_ptr<DeliveryContext> delivery_context;
  std::unique_ptr<SettingsContext> settings_context;
  std::unique_ptr<Notifier> notifier;
  std::unique_ptr<EngineWorker> engine;
  std::unique_ptr<IngestHub> hub;
  std::unique_ptr<ApiContext> api_context;
  std::unique_ptr<ApiServer> api;
  // [ingest] symbol_silence; before source_watch, whose thread calls into it.
  std::unique_ptr<SymbolSilenceWatch> symbol_silence;
  std::unique_ptr<SourceBoard> board;               // GET /api/v1/sources; before feeds
  std::unique_ptr<SourceWatch> source_watch;        // stale/down → admin notifications
  std::vector<std::unique_ptr<QuoteSource>> feeds;  // one per config_.sources, same order
  std::unique_ptr<Observability> observability;
  std::unique_ptr<OpsContext> ops;
  std::unique_ptr<NotificationPruner> pruner;
  std::unique_ptr<AlertExpirySweeper> expiry;
  CalendarHolder calendar;                    // [market], for the backtest route
  std::unique_ptr<RecentTicks> recent_ticks;  // per-symbol ring for backtests
  std::unique_ptr<BacktestContext> backtest;
};

Server::Server(Config config) : config_(std::move(config)), parts_(std::make_unique<Parts>()) {}

Server::~Server() {
  stop();
}

void Server::start() {
  // A reload request arriving while the server starts waits until it is up.
  std::lock_guard lock(reload_mutex_);
  Parts& p = *parts_;
  init_crypto();
  const std::string data_dir = data_directory(config_.storage.path);
  std::filesystem::create_directories(data_dir);
  p.db = Database::open(config_.storage.path, static_cast<std::size_t>(config_.web.threads) + 2);
  module_logger("store")->info("store: opened {}", config_.storage.path);
  p.accounts = std::make_unique<Accounts>(*p.db);
  p.sessions = std::make_unique<Sessions>(*p.db);
  p.alerts = std::make_unique<AlertRepository>(*p.db);
  p.messages = std::make_unique<AlertMessageRepository>(*p.db);
  p.notifications = std::make_unique<NotificationRepository>(*p.db);
  p.prices = std::make_unique<PriceRepository>(*p.db);
  p.watchlists = std::make_unique<WatchlistRepository>(*p.db);
  create_first_admin_if_empty(*p.accounts, data_dir, p.clock);
  start_pruner(p, config_.storage);

  hold_cpus_awake(p);
  p.queue = std::make_unique<EngineQueue>(config_.engine.queue_capacity);

  if (config_.tls.enabled()) {
    Result<std::shared_ptr<TlsIdentity>> tls =
        TlsIdentity::load(config_.tls.cert_file, config_.tls.key_file);
    if (!tls) throw std::runtime_error("tls: " + tls.error());
    p.tls = std::move(*tls);
    module_logger("web")->info("tls: certificate {} (SHA-256 {})", config_.tls.cert_file,
                               p.tls->fingerprint());
  }
  const std::string scheme = p.tls ? "https" : "http";

  SseServerOptions sse_options;
  sse_options.tls = p.tls;
  sse_options.host = config_.stream.listen.host;
  sse_options.port = config_.stream.listen.port;
  sse_options.io_threads = config_.stream.io_threads;
  sse_options.heartbeat_interval = config_.stream.heartbeat;
  sse_options.quote_interval = config_.stream.quote_interval;
  sse_options.max_client_buffer_bytes = config_.stream.max_client_buffer_bytes;
  sse_options.max_clients = config_.stream.max_clients;
  Accounts& accounts = *p.accounts;
  Sessions& sessions = *p.sessions;
  const AuthOptions auth = auth_options(config_.auth, config_.tls);
  p.stream_auth.set(auth);
  StreamAuthOptions& stream_auth = p.stream_auth;
  const Clock& clock = p.clock;
  NotificationRepository& notifications = *p.notifications;
  WatchlistRepository& watchlists = *p.watchlists;
  p.sse = std::make_unique<SseServer>(
      sse_options,
      // The credential is an API token, or the session id from the bw_session cookie.
      [&accounts, &sessions, &stream_auth,
       &clock](std::string_view token) -> std::optional<std::int64_t> {
        if (std::optional<User> user = accounts.user_for_token(hash_token(token))) {
          if (user->must_change_password) return std::nullopt;
          return user->id;
        }
        std::optional<SessionLogin> login =
            resolve_session(sessions, accounts, stream_auth.get(), token, clock.now_ms());
        if (!login || login->user.must_change_password) return std::nullopt;
        return login->user.id;
      },
      [&notifications](std::int64_t user, std::int64_t after, std::size_t limit) {
        std::vector<StoredEvent> events;
        for (const auto& n : notifications.list_after(user, after, limit)) {
          events.push_back({n.id, dump_json(encode_notification(n))});
        }
        return events;
      },
      SseServerHooks{[](const Quote& q) { return dump_json(encode_quote(q)); },
                     [&watchlists](std::int64_t user) { return watchlists.list(user); }});
  const std::uint16_t stream_port = p.sse->start();
  module_logger("stream")->info("stream: listening on {}://{}:{}/api/v1/events", scheme,
                                sse_options.host, stream_port);

  p.sse_sink = std::make_unique<SseNotificationSink>(*p.sse);
  start_delivery();
  p.notifier = std::make_unique<Notifier>(
      *p.notifications, p.clock,
      std::vector<NotificationSink*>{p.sse_sink.get(), p.webhooks.get()});

  p.engine = std::make_unique<EngineWorker>(*p.queue, *p.notifier, *p.prices, *p.alerts,
                                            config_.engine.price_flush_interval);
  // First on the queue, so the engine judges sessions from its first quote.
  p.calendar.set(market_calendar(config_.market));
  p.queue->push_command({[calendar = p.calendar.get()](Engine& e) { e.set_calendar(calendar); }});
  (void)p.alerts->expire_due(p.clock.now_ms());  // expired while the server was down
  p.engine->load(p.alerts->list_armed(), p.prices->load_all());
  p.hub = std::make_unique<IngestHub>(*p.queue, config_.engine.full_queue_timeout);
  observe(p);
  p.notifier->start();
  p.engine->start();
  // Alerts as code: an invalid alerts directory stops the start, like an
  // invalid configuration (the error names every file:line:col).
  if (Result<std::map<std::string, std::size_t>> synced =
          sync_alert_files(p, config_.alerts.directory);
      !synced) {
    throw std::runtime_error("alerts: " + config_.alerts.directory + ":\n" + synced.error());
  }

  LastQuotes& last_quotes = p.last_quotes;
  SseServer& sse = *p.sse;
  CandleHistory& candles = p.candles;
  p.recent_ticks = std::make_unique<RecentTicks>(
      RecentTicksOptions{config_.backtest.ticks_per_symbol, config_.backtest.max_symbols});
  RecentTicks& recent_ticks = *p.recent_ticks;
  // Every accepted batch (one lock each): the last-quote cache, the candle
  // history, the recent ticks backtests run over, and the stream server, which
  // only keeps the latest per symbol here and encodes once per flush, for
  // watched symbols only.
  p.hub->add_batch_observer(
      [&last_quotes, &candles, &recent_ticks, &sse](std::span<const Quote> quotes) {
        last_quotes.update(quotes);
        candles.record(quotes);
        recent_ticks.record(quotes);
        sse.publish_quotes(quotes);
      });
  p.watchlist_context = std::make_unique<WatchlistContext>(
      WatchlistContext{*p.watchlists, [&sse](UserId user, const std::vector<Symbol>& symbols) {
                         sse.set_watchlist(user, symbols);
                       }});

  p.api_context = std::make_unique<ApiContext>(ApiContext{
      *p.accounts, *p.alerts, *p.notifications, p.last_quotes, *p.hub, *p.engine, p.clock,
      stream_port, PROJECT_VERSION, p.sessions.get(), p.delivery_context.get()});
  p.api_context->watchlist = p.watchlist_context.get();
  p.api_context->candles = &p.candles;
  p.board = std::make_unique<SourceBoard>(*p.hub, *p.queue, config_.engine.queue_capacity);
  p.board->register_metrics(p.metrics, p.clock);
  p.api_context->ingest_status = p.board.get();
  p.api_context->messages = p.messages.get();
  p.api_context->settings = p.settings_context.get();
  CalendarHolder& calendar = p.calendar;
  p.backtest =
      std::make_unique<BacktestContext>(*p.recent_ticks, [&calendar] { return calendar.get(); });
  p.api_context->backtest = p.backtest.get();
  p.api_context->alert_events = [&sse](UserId user, const std::string& json) {
    sse.publish_event(user, "alert", json);
  };
  ApiServerOptions api_options{config_.web.listen.host,
                               config_.web.listen.port,
                               config_.web.threads,
                               config_.web.max_body_bytes,
                               config_.web.ui_dir,
                               auth,
                               p.tls};
  p.api = std::make_unique<ApiServer>(api_options, *p.api_context);
  p.api->enable_ops(*p.ops);
  const std::uint16_t web_port = p.api->start();
  module_logger("web")->info("web: dashboard and API on {}://{}:{}/", scheme, api_options.host,
                             web_port);

  p.expiry = std::make_unique<AlertExpirySweeper>(
      *p.alerts, *p.engine, p.clock, std::chrono::seconds(1), p.api_context->alert_events);
  p.expiry->start();
  start_sources(p);
  module_logger("app")->info("bellwether {} ready", PROJECT_VERSION);
}

// Metrics and readiness; before the engine, notifier and feeds start.
void Server::observe(Parts& p) {
  ObservedParts observed{.db = *p.db,
                         .queue = *p.queue,
                         .queue_capacity = config_.engine.queue_capacity,
                         .hub = *p.hub,
                         .engine = *p.engine,
                         .notifier = *p.notifier,
                         .sse = *p.sse,
                         .clock = p.clock,
                         .sources = {},
                         .source_stale_after = std::chrono::milliseconds(10000),
                         .version = PROJECT_VERSION};
  std::chrono::milliseconds slowest{0};
  for (const SourceConfig& source : config_.sources) {
    observed.sources.push_back(source.name);
    slowest = std::max(slowest, source.interval);
  }
  observed.source_stale_after = std::max(std::chrono::milliseconds(10000), 10 * slowest);
  p.observability = std::make_unique<Observability>(p.metrics, std::move(observed));
  p.engine->set_metrics(p.observability->engine_metrics());
  p.notifier->set_metrics(p.observability->notifier_metrics());
  Observability& observability = *p.observability;
  p.ops = std::make_unique<OpsContext>(
      OpsContext{p.metrics, [&observability] { return observability.readiness(); },
                 config_.web.metrics_token.value, [this] { return reload_outcome(); }});
  if (config_.web.metrics_token.configured()) {
    module_logger("web")->info("web: /metrics needs a bearer token {}",
                               config_.web.metrics_token.redacted());
  }
}

// Server::reload() in the shape the admin route answers with.
ReloadOutcome Server::reload_outcome() {
  Result<ReloadReport> report = reload();
  ReloadOutcome outcome;
  outcome.ok = report.ok();
  if (!report) {
    outcome.error = report.error();
    outcome.unavailable = report.error() == kShuttingDown;
    return outcome;
  }
  outcome.applied = report->applied;
  outcome.restart_required = report->restart_required;
  outcome.alerts = report->alerts;
  return outcome;
}

// Loads the alerts directory (owners and channels resolved) and makes the
// managed alerts match it; nothing changes when it fails.
Result<std::map<std::string, std::size_t>> Server::sync_alert_files(Parts& p,
                                                                    const std::string& directory) {
  Result<AlertDirectory> loaded = Error{""};
  Result<SyncReport> synced = Error{""};
  try {  // a store failure refuses the reload (SIGHUP must not end the process)
    loaded = load_alert_directory(directory, *p.accounts, p.channels.get());
    if (!loaded) return Error{loaded.error()};
    synced = sync_managed_alerts(*p.alerts, *p.engine, *loaded, p.clock.now_ms());
  } catch (const std::exception& error) {
    return Error{std::string("store: ") + error.what()};
  }
  if (!synced) return Error{synced.error()};
  module_logger("app")->info(
      "alerts: {} ({} files{}): {} added, {} changed, {} removed, {} unchanged", directory,
      loaded->files, loaded->exists ? "" : ", directory not found", synced->added, synced->changed,
      synced->removed, synced->unchanged);
  return std::map<std::string, std::size_t>{{"files", loaded->files},
                                            {"added", synced->added},
                                            {"changed", synced->changed},
                                            {"removed", synced->removed},
                                            {"unchanged", synced->unchanged}};
}

void Server::hold_cpus_awake(Parts& p) {
  if (!config_.engine.keep_cpus_awake) return;
  Result<CpuWakeupLatencyRequest> request = CpuWakeupLatencyRequest::hold({});
  if (!request) {
    // Not fatal: the server works, only its wake-ups are slower.
    module_logger("engine")->error(
        "engine.keep_cpus_awake: cannot hold the CPUs awake ({}); they keep their idle states",
        request.error());
    return;
  }
  p.cpus_awake.emplace(std::move(*request));
  module_logger("engine")->info(
      "engine.keep_cpus_awake: holding {} at 0 us: idle CPUs poll instead of sleeping",
      CpuWakeupLatencyRequest::kDevice);
}

// (Re)starts the retention thread with `storage`'s settings; none while
// retention is off.
void Server::start_pruner(Parts& p, const StorageConfig& storage) {
  if (p.pruner) p.pruner->stop();
  p.pruner.reset();
  if (storage.notification_retention.count() <= 0) return;
  p.pruner = std::make_unique<NotificationPruner>(
      *p.db, p.clock, storage.notification_retention, storage.prune_interval,
      &p.metrics.counter("bellwether_notifications_pruned_total",
                         "Notifications deleted by the retention policy."));
  p.pruner->start();
}

void Server::start_sources(Parts& p) {
  for (const SourceConfig& source : config_.sources) {
    Result<std::unique_ptr<QuoteSource>> feed = make_source(source, *p.hub, p.clock);
    if (!feed) throw std::runtime_error(feed.error());
    p.feeds.push_back(std::move(*feed));
    p.feeds.back()->start();
  }
  p.board->set(board_entries(p.feeds, config_.sources));
  SseNotificationSink& sse_sink = *p.sse_sink;
  p.source_watch = std::make_unique<SourceWatch>(
      *p.board, *p.db, p.clock, [&sse_sink](const StoredNotification& n) { sse_sink.deliver(n); });
  p.symbol_silence = std::make_unique<SymbolSilenceWatch>(
      *p.db, p.last_quotes, p.calendar,
      [&sse_sink](const StoredNotification& n) { sse_sink.deliver(n); },
      config_.ingest.symbol_silence);
  p.source_watch->also_check(
      [&silence = *p.symbol_silence](TimestampMs now) { silence.check(now); });
  p.source_watch->start();
}

void Server::set_config_source(std::function<Result<Config>()> source) {
  config_source_ = std::move(source);
}

Result<ReloadReport> Server::reload() {
  std::lock_guard lock(reload_mutex_);
  if (stopping_ || !parts_) return Error{kShuttingDown};
  if (!config_source_) return Error{"reload is not configured"};
  Result<Config> next = config_source_();
  Result<ReloadReport> report = next ? apply(*next) : Result<ReloadReport>(Error{next.error()});
  if (!report) {
    module_logger("app")->error("config: reload refused, the running configuration stays:\n{}",
                                report.error());
    return report;
  }
  module_logger("app")->info("config: reloaded; applied: {}; needs a restart: {}",
                             joined(report->applied), joined(report->restart_required));
  return report;
}

// Builds everything that can fail first (a new feed throws on an unknown
// symbol), then swaps: a failure leaves the running configuration untouched.
Result<ReloadReport> Server::apply(const Config& next) {
  Parts& p = *parts_;
  const std::vector<std::string> changed = changed_keys(config_, next);
  // Per new source: the running feed it keeps (same settings), or a new one.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> kept(next.sources.size(), kNone);
  std::vector<std::unique_ptr<QuoteSource>> fresh(next.sources.size());
  if (std::find(changed.begin(), changed.end(), "sources") != changed.end()) {
    for (std::size_t i = 0; i < next.sources.size(); ++i) {
      for (std::size_t j = 0; j < config_.sources.size(); ++j) {
        if (same_source(config_.sources[j], next.sources[i])) kept[i] = j;
      }
      if (kept[i] != kNone) continue;
      Result<std::unique_ptr<QuoteSource>> feed = make_source(next.sources[i], *p.hub, p.clock);
      if (!feed) return Error{"sources[" + std::to_string(i) + "]: " + feed.error()};
      fresh[i] = std::move(*feed);
    }
  }
  // TLS: the files are read again on every reload (a renewed certificate
  // usually keeps its path) and staged; they serve the next handshakes once
  // the reload is accepted (committed below).
  bool certificate_changed = false;
  if (p.tls && next.tls.enabled()) {
    Result<bool> staged = p.tls->stage(next.tls.cert_file, next.tls.key_file);
    if (!staged) return Error{"tls." + staged.error()};
    certificate_changed = *staged;
  }
  // Alerts as code, in one transaction: a bad alerts file refuses the reload
  // before any configuration key is applied.
  Result<std::map<std::string, std::size_t>> alerts = sync_alert_files(p, next.alerts.directory);
  if (!alerts) return Error{"alerts: " + next.alerts.directory + ":\n" + alerts.error()};
  ReloadReport report;
  report.alerts = std::move(*alerts);
  bool delivery_changed = false;
  bool limits_changed = false;
  for (const std::string& key : changed) {
    if (key == "log.level" || key == "log.modules") {
      config_.log.level = next.log.level;
      config_.log.modules = next.log.modules;
      apply_log_levels(config_.log);
    } else if (key == "engine.full_queue_timeout") {
      config_.engine.full_queue_timeout = next.engine.full_queue_timeout;
      p.hub->set_full_queue_timeout(next.engine.full_queue_timeout);
    } else if (key == "sources") {
      swap_sources(p, next.sources, kept, fresh);
    } else if (key == "ingest.symbol_silence") {
      config_.ingest = next.ingest;
      p.symbol_silence->set_threshold(next.ingest.symbol_silence);
    } else if (key == "storage.notification_retention" || key == "storage.prune_interval") {
      if (config_.storage.notification_retention != next.storage.notification_retention ||
          config_.storage.prune_interval != next.storage.prune_interval) {
        config_.storage.notification_retention = next.storage.notification_retention;
        config_.storage.prune_interval = next.storage.prune_interval;
        start_pruner(p, config_.storage);
      }
    } else if (key == "web.metrics_token") {
      config_.web.metrics_token = next.web.metrics_token;
      p.ops->metrics_token.set(next.web.metrics_token.value);
      module_logger("web")->info("web: /metrics bearer token now {}",
                                 next.web.metrics_token.configured()
                                     ? next.web.metrics_token.redacted()
                                     : std::string("off (no token needed)"));
    } else if (key.starts_with("auth.")) {
      config_.auth = next.auth;  // applied below, once for all such keys
      limits_changed = true;
    } else if (key == "web.max_body_bytes") {
      // httplib's own bound is fixed at start: above it needs a restart.
      if (next.web.max_body_bytes > p.api->max_body_ceiling()) {
        report.restart_required.push_back(key);
        continue;
      }
      config_.web.max_body_bytes = next.web.max_body_bytes;
      limits_changed = true;
    } else if (key == "stream.heartbeat" || key == "stream.quote_interval" ||
               key == "stream.max_client_buffer" || key == "stream.max_clients") {
      config_.stream.heartbeat = next.stream.heartbeat;
      config_.stream.quote_interval = next.stream.quote_interval;
      config_.stream.max_client_buffer_bytes = next.stream.max_client_buffer_bytes;
      config_.stream.max_clients = next.stream.max_clients;
      p.sse->set_limits(stream_limits(config_.stream));
    } else if (key.starts_with("tls.") && p.tls && next.tls.enabled()) {
      config_.tls = next.tls;  // new paths, loaded above
    } else if (key == "market") {
      config_.market = next.market;
      p.calendar.set(market_calendar(next.market));
      p.queue->push_command(
          {[calendar = p.calendar.get()](Engine& e) { e.set_calendar(calendar); }});
    } else if (key == "alerts.directory") {
      config_.alerts = next.alerts;  // synced above
    } else if (key == "delivery.threads") {
      report.restart_required.push_back(key);  // the dispatcher's threads are fixed at start
      continue;
    } else if (key.starts_with("delivery.") || key.starts_with("email.")) {
      delivery_changed = true;  // applied below, once for all such keys
    } else {
      report.restart_required.push_back(key);
      continue;
    }
    report.applied.push_back(key);
  }
  if (limits_changed) {
    const AuthOptions auth = auth_options(config_.auth, config_.tls);
    p.stream_auth.set(auth);
    (void)p.api->set_limits(auth, config_.web.max_body_bytes);  // within the ceiling: checked above
  }
  if (certificate_changed) {
    p.tls->commit();
    for (const char* key : {"tls.cert_file", "tls.key_file"}) {
      if (!contains(report.applied, key)) report.applied.push_back(key);
    }
    module_logger("web")->info("tls: new certificate for new connections (SHA-256 {})",
                               p.tls->fingerprint());
  }
  if (delivery_changed) {
    const std::size_t running_threads = config_.delivery.threads;
    config_.delivery = next.delivery;
    config_.delivery.threads = running_threads;  // until a restart
    config_.email = next.email;
    WebhookDispatcherOptions options = dispatcher_options(p);
    const bool email_enabled = !options.smtp.url.empty() || !options.email_api.url.empty();
    p.delivery_context->set_settings(options.targets, email_enabled);
    p.webhooks->set_options(std::move(options));
    module_logger("notify")->info("delivery: new [delivery] and [email] settings; email {}",
                                  email_enabled ? "on" : "off");
  }
  return report;
}

// Stops the feeds that were removed or changed, starts the new ones; kept
// feeds run on undisturbed.
void Server::swap_sources(Parts& p, const std::vector<SourceConfig>& sources,
                          const std::vector<std::size_t>& kept,
                          std::vector<std::unique_ptr<QuoteSource>>& fresh) {
  std::vector<std::unique_ptr<QuoteSource>> feeds(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (fresh[i]) continue;
    feeds[i] = std::move(p.feeds[kept[i]]);
  }
  for (auto& old : p.feeds) {
    if (old) old->stop();
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (!fresh[i]) continue;
    feeds[i] = std::move(fresh[i]);
    feeds[i]->start();
  }
  p.board->set(board_entries(feeds, sources));  // before the old feeds are destroyed
  p.feeds = std::move(feeds);
  config_.sources = sources;
  std::vector<std::string> names;
  for (const SourceConfig& source : sources) names.push_back(source.name);
  p.observability->set_sources(std::move(names));
}

// The dispatcher's settings from [delivery] and [email] (at start and on reload).
WebhookDispatcherOptions Server::dispatcher_options(Parts& p) const {
  const DeliveryConfig& config = config_.delivery;
  WebhookDispatcherOptions options;
  options.schedule = RetrySchedule{config.retry_schedule, config.retry_jitter};
  options.timeout = config.timeout;
  options.connect_timeout = config.connect_timeout;
  options.threads = config.threads;
  options.max_in_flight = config.max_in_flight;
  options.max_connections_per_host = config.max_connections_per_host;
  options.targets = TargetPolicy{config.allowed_private_addresses};
  options.user_agent = std::string("bellwether/") + PROJECT_VERSION;
  options.on_attempt = delivery_attempt_recorder(p.metrics);  // same metrics on every call
  if (!p.settings) p.settings = std::make_unique<UserSettingsRepository>(*p.db);
  options.quiet_until = [&settings = *p.settings](UserId user, TimestampMs now) {
    return quiet_until_for(settings, user, now);
  };
  if (!p.digests) p.digests = std::make_unique<DigestRepository>(*p.db);
  options.digests = p.digests.get();
  options.throttle_burst = config.throttle_burst;
  options.throttle_refill = config.throttle_refill;
  options.group_wait = config.group_wait;
  options.max_digest_members = config.max_digest_members;
  options.throttled =
      &p.metrics.counter("bellwether_deliveries_throttled_total",
                         "Deliveries over their channel's rate limit, grouped into a digest.");
  options.digests_delivered = &p.metrics.counter("bellwether_digests_delivered_total",
                                                 "Digests (grouped deliveries) sent successfully.");
  const EmailConfig& email = config_.email;
  options.smtp = SmtpOptions{email.smtp_url, email.from, email.username, email.password.value,
                             email.starttls == "off"   ? SmtpOptions::Tls::off
                             : email.starttls == "try" ? SmtpOptions::Tls::try_
                                                       : SmtpOptions::Tls::required};
  options.email_api = EmailApiOptions{email.api_url,
                                      email.api_format == "sendgrid"   ? EmailApiFormat::sendgrid
                                      : email.api_format == "mailgun"  ? EmailApiFormat::mailgun
                                      : email.api_format == "postmark" ? EmailApiFormat::postmark
                                                                       : EmailApiFormat::json,
                                      email.api_key.value, email.from};
  return options;
}

// The outbox and its webhook dispatcher; the dispatcher's first turn resumes
// every delivery left pending by the previous run.
void Server::start_delivery() {
  Parts& p = *parts_;
  p.channels = std::make_unique<ChannelRepository>(*p.db);
  p.deliveries = std::make_unique<DeliveryRepository>(*p.db);
  WebhookDispatcherOptions options = dispatcher_options(p);
  SseServer& sse = *p.sse;
  p.webhooks = std::make_unique<WebhookDispatcher>(
      *p.deliveries, p.clock, options,
      [&sse](UserId user, const std::string& json) { sse.publish_event(user, "delivery", json); });
  p.webhooks->start();
  WebhookDispatcher& webhooks = *p.webhooks;
  const EmailConfig& email = config_.email;
  p.delivery_context.reset(new DeliveryContext{*p.channels, *p.deliveries, p.clock, options.targets,
                                               [&webhooks] { webhooks.wake(); },
                                               !email.smtp_url.empty() || !email.api_url.empty()});
  p.settings_context = std::make_unique<SettingsContext>(
      SettingsContext{*p.settings, p.clock, [&webhooks] { webhooks.wake(); }});
}

void Server::stop() {
  {
    std::lock_guard lock(reload_mutex_);
    stopping_ = true;
  }
  if (!parts_) return;
  Parts& p = *parts_;
  module_logger("app")->info("shutting down: stopping sources");
  if (p.source_watch) p.source_watch->stop();
  if (p.board) p.board->set({});
  for (auto& feed : p.feeds) feed->stop();
  if (p.api) p.api->stop();
  if (p.expiry) p.expiry->stop();
  module_logger("app")->info("shutting down: draining the engine");
  if (p.engine) p.engine->stop();
  if (p.notifier) p.notifier->stop();
  // Transfers still in flight stay pending in the outbox and resume at start.
  if (p.webhooks) p.webhooks->stop();
  if (p.sse) p.sse->stop();
  if (p.pruner) p.pruner->stop();
  parts_.reset();
  module_logger("app")->info("stopped");
}

}  // namespace bw
