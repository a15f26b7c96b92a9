// Config: everything an admin sets in bellwether.toml, validated and typed.
// Defaults here are the documented defaults (config/bellwether.toml).
//
//   Result<Config> config = load_config("config/bellwether.toml", {"web.listen=127.0.0.1:0"});
//   if (!config) { print(config.error()); }   // every problem, one per line, file:line:col
//
// A plain value type.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/result.hpp"

namespace bw {

struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool operator==(const ListenAddress&) const = default;
};

// A secret, read from an environment variable (`<key>_env`) or a file
// (`<key>_file`) named in the config; never written inline. Print only
// redacted().
struct Secret {
  std::string value;
  std::string origin;  // "env NAME" or "file PATH"; empty: not configured
  bool configured() const { return !origin.empty(); }
  std::string redacted() const { return configured() ? "<redacted, from " + origin + ">" : ""; }
  bool operator==(const Secret&) const = default;
};

struct WebConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  int threads = 8;
  std::size_t max_body_bytes = 1 << 20;
  std::string ui_dir;    // empty: serve the dashboard embedded in the binary
  Secret metrics_token;  // configured: GET /metrics needs "Authorization: Bearer <token>"
};

struct StreamConfig {
  ListenAddress listen{"127.0.0.1", 8081};
  int io_threads = 1;
  std::chrono::milliseconds heartbeat{15000};
  std::chrono::milliseconds quote_interval{250};
  std::size_t max_client_buffer_bytes = 1 << 20;
  std::size_t max_clients = 10000;
};

struct AuthConfig {
  std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
  std::chrono::milliseconds session_max_age{std::chrono::hours(12)};
  bool secure_cookie = false;
  int min_password_length = 10;
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  std::chrono::milliseconds failure_window{std::chrono::minutes(15)};
};

// TLS for both listeners ([tls]): set both files or neither. With them the
// dashboard/API and the event stream speak HTTPS only (TLS 1.2+), and the
// session cookie is `Secure`. Relative paths: to the config file's directory.
struct TlsConfig {
  std::string cert_file;  // PEM: the server certificate, then its intermediates
  std::string key_file;   // PEM: its unencrypted private key
  bool enabled() const { return !cert_file.empty(); }
  bool operator==(const TlsConfig&) const = default;
};

struct StorageConfig {
  std::string path = "data/bellwether.db";
  // Notifications older than this are deleted in the background; 0: kept forever.
  std::chrono::milliseconds notification_retention{0};
  std::chrono::milliseconds prune_interval{600000};  // how often the pruner runs
};

struct EngineConfig {
  std::size_t queue_capacity = 100000;
  std::chrono::milliseconds full_queue_timeout{500};
  std::chrono::milliseconds price_flush_interval{200};
  // Hold /dev/cpu_dma_latency at 0 while running, so idle CPUs poll instead
  // of halting (platform/cpu_wakeup_latency.hpp). Off by default.
  bool keep_cpus_awake = false;
};

// Ingest-wide checks ([ingest]). symbol_silence: a watched symbol (armed
// alert or watchlist) with no tick for this long in the US regular session
// notifies the admins; 0 (the default) turns the check off.
struct IngestConfig {
  std::chrono::milliseconds symbol_silence{0};
  bool operator==(const IngestConfig&) const = default;
};

// Alerts as code ([alerts]): shared alerts kept in *.toml files, synced at
// start and on every reload.
struct AlertsConfig {
  std::string directory = "config/alerts.d";  // relative: to the working directory
};

// The exchange calendar ([market]) for alerts with `sessions`: New York dates
// as "YYYY-MM-DD", validated and normalised; a date is in at most one list.
// Absent: the NYSE 2026-2027 lists below (as config/bellwether.toml ships them).
struct MarketConfig {
  std::vector<std::string> holidays = {  // closed all day
      "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25",
      "2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25",
      "2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26", "2027-05-31",
      "2027-06-18", "2027-07-05", "2027-09-06", "2027-11-25", "2027-12-24"};
  std::vector<std::string> early_closes = {  // regular ends 13:00, post 17:00
      "2026-11-27", "2026-12-24", "2027-11-26"};
  bool operator==(const MarketConfig&) const = default;
};

// Backtests ([backtest]): the recent ticks kept per symbol for
// POST /api/v1/alerts/backtest, and how many symbols keep them.
struct BacktestConfig {
  std::size_t ticks_per_symbol = 2000;
  std::size_t max_symbols = 500;
  bool operator==(const BacktestConfig&) const = default;
};

// Webhook delivery ([delivery]); see config/bellwether.toml.
struct DeliveryConfig {
  // Waits before attempts 2, 3, ...; Standard Webhooks' schedule by default.
  std::vector<std::chrono::milliseconds> retry_schedule{
      std::chrono::seconds(5), std::chrono::minutes(5), std::chrono::minutes(30),
      std::chrono::hours(2),   std::chrono::hours(5),   std::chrono::hours(10),
      std::chrono::hours(14),  std::chrono::hours(20),  std::chrono::hours(24)};
  double retry_jitter = 0.2;
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{5000};
  // Sending threads, each for its share of the channels; restart to change.
  std::size_t threads = 1;
  std::size_t max_in_flight = 256;            // per thread
  std::size_t max_connections_per_host = 32;  // per thread
  std::vector<std::string> allowed_private_addresses;
  // Per-channel token bucket: `throttle_burst` deliveries at once, one more
  // every `throttle_refill`; beyond that, grouped into one digest sent
  // `group_wait` after its first member (at most `max_digest_members` each).
  // throttle_burst = 0 turns throttling off.
  std::size_t throttle_burst = 30;
  std::chrono::milliseconds throttle_refill{2000};
  std::chrono::milliseconds group_wait{30000};
  std::size_t max_digest_members = 100;
};

// Email transport ([email]); email channels are refused while smtp_url is empty.
struct EmailConfig {
  std::string smtp_url;  // smtp://host:587 (STARTTLS per `starttls`) or smtps://host:465
  std::string from;      // "Bellwether <alerts@example.com>"
  std::string username;  // AUTH when not empty
  Secret password;       // from password_env / password_file only; never logged
  std::string starttls = "required";  // required, try or off (smtp:// only)
  // Or an email API (when smtp_url is empty): json, sendgrid, mailgun, postmark.
  std::string api_url;
  std::string api_format = "json";
  Secret api_key;  // from api_key_env / api_key_file only; never logged
};

struct LogConfig {
  std::string level = "info";
  std::string format = "plain";                // "plain" or "json" (one JSON object per line)
  bool console = true;                         // also log to stderr
  std::string file;                            // empty: no log file
  std::size_t max_size = 64 << 20;             // rotate the file at this size
  int max_files = 5;                           // rotated files kept besides the current one
  std::map<std::string, std::string> modules;  // module → level, overriding `level`
};

// The module loggers [log.modules] may name.
inline constexpr std::array<std::string_view, 7> kLogModules{"app",   "engine", "ingest", "notify",
                                                             "store", "stream", "web"};

// One [[sources]] table. Common keys first, then each type's own keys; a key
// that does not belong to the source's type is rejected by the loader.
struct SourceConfig {
  std::string name;
  std::string type;  // "simulated", "finnhub_ws", "alpaca_ws", "polygon_ws",
                     // "finnhub_rest", "yahoo_chart", "http_json"
  std::vector<std::string> symbols;
  // Normalisation (every type; see ingest/quote_normalizer.hpp).
  std::map<std::string, std::string> aliases;  // the source's symbol → ours
  std::chrono::milliseconds max_skew{std::chrono::minutes(5)};
  bool drop_duplicates = true;
  bool drop_out_of_order = true;
  // Health: a live source with no message for this long is `stale`.
  std::chrono::milliseconds stale_after{10000};

  // simulated (seed, interval, time_scale); the pollers' poll interval too
  // (default 5s for them)
  std::uint64_t seed = 42;
  std::chrono::milliseconds interval{250};
  double time_scale = 60.0;
  bool always_open = false;  // false: quiet outside US regular hours

  // Provider feeds (WebSocket and polling): the endpoint, a private CA,
  // credentials (from *_env / *_file only; never logged), reconnect backoff.
  std::string url;      // empty: the provider's public endpoint
  std::string ca_file;  // empty: the system's CA store
  Secret api_key;
  Secret api_secret;  // alpaca_ws
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30'000};

  // WebSocket feeds
  std::string feed = "iex";  // alpaca_ws: iex, sip or test
  std::vector<std::string>
      channels;  // alpaca: trades/quotes/bars; polygon: trades/quotes/aggregates
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};

  // Pollers
  int max_requests_per_minute = 60;
  std::chrono::milliseconds request_timeout{10'000};

  // http_json: field paths ("data.0.last") and the key's header
  struct JsonPaths {
    std::string items, symbol, price, volume, ts, bid, ask, prev_close;
    bool operator==(const JsonPaths&) const = default;
  } paths;
  std::string api_key_header;  // empty: "Authorization: Bearer <key>"
  // yahoo_chart: Yahoo's cookie + crumb handshake (empty URLs: Yahoo's own)
  bool crumb = false;
  std::string cookie_url, crumb_url;
  // replay
  std::string path;             // relative paths: from the config file's directory
  std::string format = "auto";  // auto, csv, databento, ndjson
  double speed = 1.0;           // 0: "max"
  bool loop = false;
  std::string timestamps = "file";  // "file" or "replayed"

  // tcp_ndjson
  ListenAddress listen{"127.0.0.1", 9100};
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t max_connections = 64;
  std::size_t io_threads = 2;  // threads reading the connections

  // Equal configs mean a reload keeps the running source.
  bool operator==(const SourceConfig&) const = default;
};

struct Config {
  std::string file;
  WebConfig web;
  StreamConfig stream;
  AuthConfig auth;
  TlsConfig tls;
  StorageConfig storage;
  EngineConfig engine;
  IngestConfig ingest;
  AlertsConfig alerts;
  MarketConfig market;
  BacktestConfig backtest;
  DeliveryConfig delivery;
  EmailConfig email;
  LogConfig log;
  std::vector<SourceConfig> sources;
};

// Parses and validates `path`, applying first the environment overrides,
// then `overrides` ("section.key=value", the value read as a TOML value, or as
// a string when it is not one). `environment` holds "NAME=value" entries;
// BELLWETHER_SECTION__KEY=value means section.key=value ("__" separates
// table names, names are lower-cased; variables without "__" are ignored).
// The error lists every problem, one per line: "file:line:col: key: reason",
// "--set key: reason" or "env BELLWETHER_SECTION__KEY: section.key: reason".
Result<Config> load_config(const std::string& path, const std::vector<std::string>& overrides,
                           const std::vector<std::string>& environment = {});

// Every configured secret with its key path ("web.metrics_token"), for
// redacted reports.
std::vector<std::pair<std::string, const Secret*>> configured_secrets(const Config& config);

// The entries of a process environment (`environ`) that are config overrides.
std::vector<std::string> config_environment(char** environ_entries);

}  // namespace bw
