// Config: everything an admin sets in bellwether.toml, validated and typed.
// Defaults here are the documented defaults (config/bellwether.toml).
//
//   Result<Config> config = load_config("config/bellwether.toml", {"web.listen=127.0.0.1:0"});
//   if (!config) { print(config.error()); }   // every problem, one per line, file:line:col
//
// A plain value type.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/result.hpp"

namespace bw {

struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

struct WebConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  int threads = 8;
  std::size_t max_body_bytes = 1 << 20;
  std::string ui_dir;  // empty: serve the dashboard embedded in the binary
};

struct StreamConfig {
  ListenAddress listen{"127.0.0.1", 8081};
  int io_threads = 1;
  std::chrono::milliseconds heartbeat{15000};
  std::chrono::milliseconds quote_interval{250};
  std::size_t max_client_buffer_bytes = 1 << 20;
  std::size_t max_clients = 10000;
};

struct StorageConfig {
  std::string path = "data/bellwether.db";
};

struct EngineConfig {
  std::size_t queue_capacity = 100000;
  std::chrono::milliseconds full_queue_timeout{500};
  std::chrono::milliseconds price_flush_interval{200};
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
  std::size_t max_in_flight = 256;
  std::size_t max_connections_per_host = 32;
  std::vector<std::string> allowed_private_addresses;
};

// Email transport ([email]); email channels are refused while smtp_url is empty.
struct EmailConfig {
  std::string smtp_url;  // smtp://host:587 (STARTTLS per `starttls`) or smtps://host:465
  std::string from;      // "Bellwether <alerts@example.com>"
  std::string username;  // AUTH when not empty
  std::string password;  // never logged
  std::string starttls = "required";  // required, try or off (smtp:// only)
  // Or an email API (when smtp_url is empty): json, sendgrid, mailgun, postmark.
  std::string api_url;
  std::string api_format = "json";
  std::string api_key;  // never logged
};

struct LogConfig {
  std::string level = "info";
};

struct SourceConfig {
  std::string name;
  std::string type;  // "simulated"
  std::uint64_t seed = 42;
  std::chrono::milliseconds interval{250};
  double time_scale = 60.0;
  std::vector<std::string> symbols;
};

struct Config {
  std::string file;
  WebConfig web;
  StreamConfig stream;
  StorageConfig storage;
  EngineConfig engine;
  DeliveryConfig delivery;
  EmailConfig email;
  LogConfig log;
  std::vector<SourceConfig> sources;
};

// Parses and validates `path`, applying `overrides` ("section.key=value", the
// value read as a TOML value, or as a string when it is not one). The error
// lists every problem, one per line: "file:line:col: key: reason".
Result<Config> load_config(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace bw
