#include "config/config_diff.hpp"

#include <tuple>

namespace bw {

bool same_source(const SourceConfig& a, const SourceConfig& b) {
  return a == b;
}

namespace {

bool same(const ListenAddress& a, const ListenAddress& b) {
  return a.host == b.host && a.port == b.port;
}
bool same(const Secret& a, const Secret& b) {
  return a.value == b.value && a.origin == b.origin;
}
bool same(const std::vector<SourceConfig>& a, const std::vector<SourceConfig>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_source(a[i], b[i])) return false;
  }
  return true;
}
template <typename T>
bool same(const T& a, const T& b) {
  return a == b;
}

}  // namespace

std::vector<std::string> changed_keys(const Config& before, const Config& after) {
  std::vector<std::string> keys;
  auto check = [&keys](const char* key, const auto& a, const auto& b) {
    if (!same(a, b)) keys.emplace_back(key);
  };
  check("web.listen", before.web.listen, after.web.listen);
  check("web.threads", before.web.threads, after.web.threads);
  check("web.max_body_bytes", before.web.max_body_bytes, after.web.max_body_bytes);
  check("web.ui_dir", before.web.ui_dir, after.web.ui_dir);
  check("web.metrics_token", before.web.metrics_token, after.web.metrics_token);
  check("stream.listen", before.stream.listen, after.stream.listen);
  check("stream.io_threads", before.stream.io_threads, after.stream.io_threads);
  check("stream.heartbeat", before.stream.heartbeat, after.stream.heartbeat);
  check("stream.quote_interval", before.stream.quote_interval, after.stream.quote_interval);
  check("stream.max_client_buffer", before.stream.max_client_buffer_bytes,
        after.stream.max_client_buffer_bytes);
  check("stream.max_clients", before.stream.max_clients, after.stream.max_clients);
  check("storage.path", before.storage.path, after.storage.path);
  check("storage.notification_retention", before.storage.notification_retention,
        after.storage.notification_retention);
  check("storage.prune_interval", before.storage.prune_interval, after.storage.prune_interval);
  check("engine.queue_capacity", before.engine.queue_capacity, after.engine.queue_capacity);
  check("engine.full_queue_timeout", before.engine.full_queue_timeout,
        after.engine.full_queue_timeout);
  check("engine.price_flush_interval", before.engine.price_flush_interval,
        after.engine.price_flush_interval);
  check("engine.keep_cpus_awake", before.engine.keep_cpus_awake, after.engine.keep_cpus_awake);
  check("ingest.symbol_silence", before.ingest.symbol_silence, after.ingest.symbol_silence);
  check("log.level", before.log.level, after.log.level);
  check("log.format", before.log.format, after.log.format);
  check("log.console", before.log.console, after.log.console);
  check("log.file", before.log.file, after.log.file);
  check("log.max_size", before.log.max_size, after.log.max_size);
  check("log.max_files", before.log.max_files, after.log.max_files);
  check("log.modules", before.log.modules, after.log.modules);
  check("auth.session_idle_timeout", before.auth.session_idle_timeout,
        after.auth.session_idle_timeout);
  check("auth.session_max_age", before.auth.session_max_age, after.auth.session_max_age);
  check("auth.secure_cookie", before.auth.secure_cookie, after.auth.secure_cookie);
  check("auth.min_password_length", before.auth.min_password_length,
        after.auth.min_password_length);
  check("auth.max_failures_per_account", before.auth.max_failures_per_account,
        after.auth.max_failures_per_account);
  check("auth.max_failures_per_address", before.auth.max_failures_per_address,
        after.auth.max_failures_per_address);
  check("auth.failure_window", before.auth.failure_window, after.auth.failure_window);
  check("tls.cert_file", before.tls.cert_file, after.tls.cert_file);
  check("tls.key_file", before.tls.key_file, after.tls.key_file);
  check("alerts.directory", before.alerts.directory, after.alerts.directory);
  check("market", before.market, after.market);
  check("backtest.ticks_per_symbol", before.backtest.ticks_per_symbol,
        after.backtest.ticks_per_symbol);
  check("backtest.max_symbols", before.backtest.max_symbols, after.backtest.max_symbols);
  check("delivery.retry_schedule", before.delivery.retry_schedule, after.delivery.retry_schedule);
  check("delivery.retry_jitter", before.delivery.retry_jitter, after.delivery.retry_jitter);
  check("delivery.timeout", before.delivery.timeout, after.delivery.timeout);
  check("delivery.connect_timeout", before.delivery.connect_timeout,
        after.delivery.connect_timeout);
  check("delivery.threads", before.delivery.threads, after.delivery.threads);
  check("delivery.max_in_flight", before.delivery.max_in_flight, after.delivery.max_in_flight);
  check("delivery.max_connections_per_host", before.delivery.max_connections_per_host,
        after.delivery.max_connections_per_host);
  check("delivery.allowed_private_addresses", before.delivery.allowed_private_addresses,
        after.delivery.allowed_private_addresses);
  check("delivery.throttle_burst", before.delivery.throttle_burst, after.delivery.throttle_burst);
  check("delivery.throttle_refill", before.delivery.throttle_refill,
        after.delivery.throttle_refill);
  check("delivery.group_wait", before.delivery.group_wait, after.delivery.group_wait);
  check("delivery.max_digest_members", before.delivery.max_digest_members,
        after.delivery.max_digest_members);
  check("email.smtp_url", before.email.smtp_url, after.email.smtp_url);
  check("email.from", before.email.from, after.email.from);
  check("email.username", before.email.username, after.email.username);
  check("email.password", before.email.password, after.email.password);
  check("email.starttls", before.email.starttls, after.email.starttls);
  check("email.api_url", before.email.api_url, after.email.api_url);
  check("email.api_format", before.email.api_format, after.email.api_format);
  check("email.api_key", before.email.api_key, after.email.api_key);
  check("sources", before.sources, after.sources);
  return keys;
}

}  // namespace bw
