// Loads bellwether.toml into a Config: parse, apply --set overrides, then walk
// every table with a TableReader that checks each key's type and range and
// reports unknown keys (with a "did you mean" suggestion). All problems are
// collected, not just the first.
#include <toml++/toml.h>

#include <arpa/inet.h>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>

#include <sstream>

#include "config/config.hpp"
#include "config/tls_files.hpp"
#include "config/units.hpp"

namespace bw {

namespace {

class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  // Keys set with --set (origin "") or an environment variable (origin: its
  // name): their problems are reported against the override, not the file.
  void mark_overridden(std::string key, std::string origin) {
    overridden_[std::move(key)] = std::move(origin);
  }

  void add(const toml::source_region& where, const std::string& key, const std::string& reason) {
    std::ostringstream line;
    const std::string* origin = override_origin(key);
    if (origin && !origin->empty()) {
      line << "env " << *origin << ": " << key << ": " << reason;
    } else if (where.begin.line == 0 || origin) {
      line << "--set " << key << ": " << reason;  // a value from the command line
    } else {
      line << file_ << ':' << where.begin.line << ':' << where.begin.column << ": " << key << ": "
           << reason;
    }
    lines_.push_back(line.str());
  }
  bool empty() const { return lines_.empty(); }
  // The origin of the override that set the key itself or a table around it.
  const std::string* override_origin(const std::string& key) const {
    for (const auto& [set, origin] : overridden_) {
      if (key == set || (key.size() > set.size() && key.compare(0, set.size(), set) == 0 &&
                         (key[set.size()] == '.' || key[set.size()] == '['))) {
        return &origin;
      }
    }
    return nullptr;
  }
  std::string joined() const {
    std::string out;
    for (const auto& l : lines_) out += (out.empty() ? "" : "\n") + l;
    return out;
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
  std::map<std::string, std::string> overridden_;  // key path → origin
};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The first line of a small file (a trailing newline is not part of a secret).
Result<std::string> read_secret_file(const std::string& path) {
  constexpr std::size_t kMaxSecretBytes = 64 * 1024;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read \"" + path + "\""};
  std::string value(kMaxSecretBytes + 1, '\0');
  in.read(value.data(), static_cast<std::streamsize>(value.size()));
  value.resize(static_cast<std::size_t>(in.gcount()));
  if (value.size() > kMaxSecretBytes) return Error{"\"" + path + "\" is larger than 64 KiB"};
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return Error{"\"" + path + "\" is empty"};
  return value;
}

// Reads the keys of one table; what it was not asked about is unknown.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, Problems& problems)
      : table_(table), prefix_(std::move(prefix)), problems_(problems) {}

  const toml::node* get(std::string_view key) {
    known_.insert(std::string(key));
    return table_.get(key);
  }

  void string(std::string_view key, std::string& out) {
    const toml::node* node = get(key);
    if (!node) return;
    if (auto value = node->value<std::string>()) {
      out = *value;
    } else {
      fail(*node, key, "expected a string");
    }
  }

  template <typename Int>
  void integer(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    const toml::node* node = get(key);
    if (!node) return;
    auto value = node->as_integer();
    if (!value) return fail(*node, key, "expected an integer");
    if (value->get() < min || value->get() > max) {
      return fail(*node, key,
                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = static_cast<Int>(value->get());
  }

  void boolean(std::string_view key, bool& out) {
    const toml::node* node = get(key);
    if (!node) return;
    if (auto value = node->value<bool>()) {
      out = *value;
    } else {
      fail(*node, key, "expected true or false");
    }
  }

  // A secret from `<key>_env` (a variable's name) or `<key>_file` (a path);
  // the key itself is refused so secrets never sit in the file.
  void secret(std::string_view key, Secret& out) {
    const std::string name(key);
    if (const toml::node* inline_value = get(key)) {
      return fail(*inline_value, key,
                  "secrets are not accepted inline: use " + name +
                      "_env (an environment "
                      "variable's name) or " +
                      name + "_file (a file's path)");
    }
    std::string variable, file;
    string(name + "_env", variable);
    string(name + "_file", file);
    const toml::node* env_node = table_.get(name + "_env");
    const toml::node* file_node = table_.get(name + "_file");
    if (env_node && file_node) {
      return fail(*file_node, name + "_file",
                  "set only one of " + name + "_env and " + name + "_file");
    }
    if (env_node && env_node->is_string()) {
      const char* value = variable.empty() ? nullptr : std::getenv(variable.c_str());
      if (!value || !*value) {
        return fail(*env_node, name + "_env",
                    "environment variable \"" + variable + "\" is not set or empty");
      }
      out = Secret{value, "env " + variable};
    } else if (file_node && file_node->is_string()) {
      Result<std::string> value = read_secret_file(file);
      if (!value) return fail(*file_node, name + "_file", value.error());
      out = Secret{*value, "file " + file};
    }
  }

  void number(std::string_view key, double& out, double min, double max) {
    const toml::node* node = get(key);
    if (!node) return;
    std::optional<double> value = node->value<double>();
    if (!value) return fail(*node, key, "expected a number");
    if (!(*value >= min && *value <= max)) {  // also rejects NaN
      std::ostringstream range;
      range << "must be between " << min << " and " << max;
      return fail(*node, key, range.str());
    }
    out = *value;
  }

  void duration(std::string_view key, std::chrono::milliseconds& out,
                std::chrono::milliseconds min) {
    const toml::node* node = get(key);
    if (!node) return;
    auto text = node->value<std::string>();
    if (!text) return fail(*node, key, "expected a duration string such as \"30s\"");
    Result<std::chrono::milliseconds> parsed = parse_duration(*text);
    if (!parsed) return fail(*node, key, parsed.error());
    if (*parsed < min) {
      return fail(*node, key, "must be at least " + std::to_string(min.count()) + "ms");
    }
    out = *parsed;
  }

  void size(std::string_view key, std::size_t& out, std::uint64_t min) {
    const toml::node* node = get(key);
    if (!node) return;
    Result<std::uint64_t> parsed = Error{"expected a size such as \"1MiB\" or a byte count"};
    if (auto bytes = node->as_integer(); bytes && bytes->get() >= 0) {
      parsed = static_cast<std::uint64_t>(bytes->get());
    } else if (auto text = node->value<std::string>()) {
      parsed = parse_size(*text);
    }
    if (!parsed) return fail(*node, key, parsed.error());
    if (*parsed < min)
      return fail(*node, key, "must be at least " + std::to_string(min) + " bytes");
    out = static_cast<std::size_t>(*parsed);
  }

  void listen(std::string_view key, ListenAddress& out) {
    const toml::node* node = get(key);
    if (!node) return;
    auto text = node->value<std::string>();
    if (!text) return fail(*node, key, "expected \"host:port\"");
    auto colon = text->rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return fail(*node, key, "expected \"host:port\", e.g. \"127.0.0.1:8080\"");
    }
    std::string port_text = text->substr(colon + 1);
    int port = -1;
    if (!port_text.empty() && port_text.size() <= 5 &&
        port_text.find_first_not_of("0123456789") == std::string::npos) {
      port = std::stoi(port_text);
    }
    if (port < 0 || port > 65535) return fail(*node, key, "port must be a number from 0 to 65535");
    out.host = text->substr(0, colon);
    if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
      out.host = out.host.substr(1, out.host.size() - 2);
    }
    out.port = static_cast<std::uint16_t>(port);
  }

  void strings(std::string_view key, std::vector<std::string>& out) {
    const toml::node* node = get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    if (!array) return fail(*node, key, "expected an array of strings");
    out.clear();
    for (const toml::node& item : *array) {
      auto text = item.value<std::string>();
      if (!text) return fail(item, key, "expected an array of strings");
      out.push_back(*text);
    }
  }

  // An array of duration strings, each at least `min`, at most `max_items`.
  void durations(std::string_view key, std::vector<std::chrono::milliseconds>& out,
                 std::chrono::milliseconds min, std::size_t max_items) {
    const toml::node* node = get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    if (!array) return fail(*node, key, "expected an array of durations such as [\"5s\", \"5m\"]");
    if (array->size() > max_items) {
      return fail(*node, key, "at most " + std::to_string(max_items) + " entries");
    }
    std::vector<std::chrono::milliseconds> parsed_all;
    for (const toml::node& item : *array) {
      auto text = item.value<std::string>();
      if (!text) return fail(item, key, "expected a duration string such as \"30s\"");
      Result<std::chrono::milliseconds> parsed = parse_duration(*text);
      if (!parsed) return fail(item, key, parsed.error());
      if (*parsed < min) {
        return fail(item, key, "must be at least " + std::to_string(min.count()) + "ms");
      }
      parsed_all.push_back(*parsed);
    }
    out = std::move(parsed_all);
  }

  void one_of(std::string_view key, std::string& out,
              std::initializer_list<std::string_view> options) {
    const toml::node* node = get(key);
    if (!node) return;
    auto text = node->value<std::string>();
    std::string choices;
    for (auto o : options) choices += (choices.empty() ? "" : ", ") + std::string(o);
    if (!text || std::find(options.begin(), options.end(), *text) == options.end()) {
      return fail(*node, key, "must be one of: " + choices);
    }
    out = *text;
  }

  void require(std::string_view key) {
    if (!table_.contains(key)) {
      problems_.add(table_.source(), full(key), "is required");
    }
  }

  void fail(const toml::node& node, std::string_view key, const std::string& reason) {
    problems_.add(node.source(), full(key), reason);
  }

  // Reports every key nobody asked about.
  void reject_unknown() {
    for (const auto& [key, node] : table_) {
      if (known_.count(std::string(key.str()))) continue;
      std::string reason = "unknown key";
      std::string best;
      std::size_t best_distance = 3;
      for (const auto& candidate : known_) {
        std::size_t d = edit_distance(key.str(), candidate);
        if (d < best_distance) best_distance = d, best = candidate;
      }
      if (!best.empty()) reason += " (did you mean \"" + best + "\"?)";
      problems_.add(key.source(), full(key.str()), reason);
    }
  }

 private:
  std::string full(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }

  const toml::table& table_;
  std::string prefix_;
  Problems& problems_;
  std::set<std::string> known_;
};

const toml::table* sub_table(TableReader& root, std::string_view key, Problems& problems) {
  const toml::node* node = root.get(key);
  if (!node) return nullptr;
  if (!node->is_table()) {
    root.fail(*node, key, "expected a table [" + std::string(key) + "]");
    return nullptr;
  }
  return node->as_table();
}

void read_web(const toml::table& table, WebConfig& web, Problems& problems) {
  TableReader r(table, "web", problems);
  r.listen("listen", web.listen);
  r.integer("threads", web.threads, 1, 1024);
  r.size("max_body_bytes", web.max_body_bytes, 1024);
  r.string("ui_dir", web.ui_dir);
  r.secret("metrics_token", web.metrics_token);
  r.reject_unknown();
}

void read_auth(const toml::table& table, AuthConfig& auth, Problems& problems) {
  TableReader r(table, "auth", problems);
  r.duration("session_idle_timeout", auth.session_idle_timeout, std::chrono::seconds(1));
  r.duration("session_max_age", auth.session_max_age, std::chrono::seconds(1));
  r.boolean("secure_cookie", auth.secure_cookie);
  r.integer("min_password_length", auth.min_password_length, 8, 128);
  r.integer("max_failures_per_account", auth.max_failures_per_account, 1, 1000);
  r.integer("max_failures_per_address", auth.max_failures_per_address, 1, 100000);
  r.duration("failure_window", auth.failure_window, std::chrono::seconds(1));
  if (auth.session_idle_timeout > auth.session_max_age) {
    if (const toml::node* node = table.get("session_idle_timeout")) {
      r.fail(*node, "session_idle_timeout", "must not be longer than session_max_age");
    } else if (const toml::node* max_age = table.get("session_max_age")) {
      r.fail(*max_age, "session_max_age",
             "must not be shorter than session_idle_timeout (default 30m)");
    }
  }
  r.reject_unknown();
}

void read_stream(const toml::table& table, StreamConfig& stream, Problems& problems) {
  TableReader r(table, "stream", problems);
  r.listen("listen", stream.listen);
  r.integer("io_threads", stream.io_threads, 1, 64);
  r.duration("heartbeat", stream.heartbeat, std::chrono::milliseconds(100));
  r.duration("quote_interval", stream.quote_interval, std::chrono::milliseconds(10));
  r.size("max_client_buffer", stream.max_client_buffer_bytes, 4096);
  r.integer("max_clients", stream.max_clients, 1, 1'000'000);
  r.reject_unknown();
}

// A path relative to the config file's directory.
std::string beside_config(const std::string& path, const std::string& config_file) {
  std::filesystem::path resolved(path);
  if (resolved.is_relative() && !config_file.empty()) {
    resolved = std::filesystem::path(config_file).parent_path() / resolved;
  }
  return resolved.lexically_normal().string();
}

// Both files or neither; they must load as a matching certificate and key.
void read_tls(const toml::table& table, TlsConfig& tls, Problems& problems,
              const std::string& config_file) {
  TableReader r(table, "tls", problems);
  r.string("cert_file", tls.cert_file);
  r.string("key_file", tls.key_file);
  r.reject_unknown();
  const toml::node* cert = table.get("cert_file");
  const toml::node* key = table.get("key_file");
  if (!cert || !key) {
    tls = {};
    if (cert) r.fail(*cert, "cert_file", "set key_file too (or neither, for plain HTTP)");
    if (key) r.fail(*key, "key_file", "set cert_file too (or neither, for plain HTTP)");
    return;
  }
  if (!cert->is_string() || !key->is_string()) return;  // reported above
  if (tls.cert_file.empty()) return r.fail(*cert, "cert_file", "must not be empty");
  if (tls.key_file.empty()) return r.fail(*key, "key_file", "must not be empty");
  tls.cert_file = beside_config(tls.cert_file, config_file);
  tls.key_file = beside_config(tls.key_file, config_file);
  const TlsPairCheck check = check_tls_pair(tls.cert_file, tls.key_file);
  if (check.problem == TlsFileProblem::cert_file) r.fail(*cert, "cert_file", check.reason);
  if (check.problem == TlsFileProblem::key_file) r.fail(*key, "key_file", check.reason);
}

void read_storage(const toml::table& table, StorageConfig& storage, Problems& problems) {
  TableReader r(table, "storage", problems);
  r.string("path", storage.path);
  if (storage.path.empty()) r.fail(table, "path", "must not be empty");
  r.duration("notification_retention", storage.notification_retention,
             std::chrono::milliseconds(0));
  if (storage.notification_retention.count() > 0 &&
      storage.notification_retention < std::chrono::minutes(1)) {
    r.fail(*table.get("notification_retention"), "notification_retention",
           "must be 0 (keep forever) or at least 1m");
  }
  r.duration("prune_interval", storage.prune_interval, std::chrono::milliseconds(1000));
  r.reject_unknown();
}

void read_ingest(const toml::table& table, IngestConfig& ingest, Problems& problems) {
  TableReader r(table, "ingest", problems);
  r.duration("symbol_silence", ingest.symbol_silence, std::chrono::milliseconds(0));
  r.reject_unknown();
}

void read_engine(const toml::table& table, EngineConfig& engine, Problems& problems) {
  TableReader r(table, "engine", problems);
  r.integer("queue_capacity", engine.queue_capacity, 16, 100'000'000);
  r.duration("full_queue_timeout", engine.full_queue_timeout, std::chrono::milliseconds(0));
  r.duration("price_flush_interval", engine.price_flush_interval, std::chrono::milliseconds(10));
  r.boolean("keep_cpus_awake", engine.keep_cpus_awake);
  r.reject_unknown();
}

// "YYYY-MM-DD" (a TOML local date, or a string) → the normalised text; empty
// when it is not a real calendar date.
std::optional<std::string> calendar_date(const toml::node& node) {
  int year = 0, month = 0, day = 0;
  if (const auto* date = node.as_date()) {
    year = date->get().year, month = date->get().month, day = date->get().day;
  } else if (auto text = node.value_exact<std::string>()) {
    const std::string& t = *text;
    const bool shape =
        t.size() == 10 && t[4] == '-' && t[7] == '-' && std::all_of(t.begin(), t.end(), [](char c) {
          return c == '-' || std::isdigit(static_cast<unsigned char>(c));
        });
    if (!shape) return std::nullopt;
    year = std::stoi(t.substr(0, 4)), month = std::stoi(t.substr(5, 2)),
    day = std::stoi(t.substr(8, 2));
  } else {
    return std::nullopt;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || year > 2199 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  char out[32];  // the checks above bound the text to 10 characters; the size keeps
                 // -Wformat-truncation quiet
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", year, month, day);
  return std::string(out);
}

constexpr std::size_t kMaxCalendarDates = 1000;

void read_dates(TableReader& r, std::string_view key, std::vector<std::string>& out,
                std::set<std::string>& seen) {
  const toml::node* node = r.get(key);
  if (!node) return;
  out.clear();  // a list in the file replaces the built-in one
  const toml::array* array = node->as_array();
  if (!array) return r.fail(*node, key, "expected an array of dates like [2026-12-25]");
  if (array->size() > kMaxCalendarDates)
    return r.fail(*node, key, "at most " + std::to_string(kMaxCalendarDates) + " dates");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
    std::optional<std::string> date = calendar_date(item);
    if (!date) {
      r.fail(item, at, "must be a date like 2026-12-25 (YYYY-MM-DD)");
      continue;
    }
    if (!seen.insert(*date).second) {
      r.fail(item, at, *date + " is listed twice (as a holiday or an early close)");
      continue;
    }
    out.push_back(*date);
  }
}

void read_market(const toml::table& table, MarketConfig& market, Problems& problems) {
  TableReader r(table, "market", problems);
  std::set<std::string> seen;
  read_dates(r, "holidays", market.holidays, seen);
  read_dates(r, "early_closes", market.early_closes, seen);
  r.reject_unknown();
}

void read_backtest(const toml::table& table, BacktestConfig& backtest, Problems& problems) {
  TableReader r(table, "backtest", problems);
  r.integer("ticks_per_symbol", backtest.ticks_per_symbol, 0, 100'000);
  r.integer("max_symbols", backtest.max_symbols, 1, 100'000);
  r.reject_unknown();
}

void read_alerts(const toml::table& table, AlertsConfig& alerts, Problems& problems) {
  TableReader r(table, "alerts", problems);
  r.string("directory", alerts.directory);
  if (alerts.directory.empty()) r.fail(*table.get("directory"), "directory", "must not be empty");
  r.reject_unknown();
}

const std::initializer_list<std::string_view> kLogLevels{"trace", "debug", "info",
                                                         "warn",  "error", "off"};

void read_log_modules(const toml::table& table, LogConfig& log, Problems& problems) {
  TableReader r(table, "log.modules", problems);
  for (std::string_view module : kLogModules) {
    std::string level;
    r.one_of(module, level, kLogLevels);
    if (!level.empty()) log.modules[std::string(module)] = level;
  }
  r.reject_unknown();
}

void read_delivery(const toml::table& table, DeliveryConfig& delivery, Problems& problems) {
  TableReader r(table, "delivery", problems);
  r.durations("retry_schedule", delivery.retry_schedule, std::chrono::milliseconds(100), 30);
  r.number("retry_jitter", delivery.retry_jitter, 0.0, 0.9);
  r.duration("timeout", delivery.timeout, std::chrono::milliseconds(100));
  r.duration("connect_timeout", delivery.connect_timeout, std::chrono::milliseconds(100));
  r.integer("threads", delivery.threads, 1, 16);
  r.integer("max_in_flight", delivery.max_in_flight, 1, 10000);
  r.integer("max_connections_per_host", delivery.max_connections_per_host, 1, 10000);
  r.strings("allowed_private_addresses", delivery.allowed_private_addresses);
  r.integer("throttle_burst", delivery.throttle_burst, 0, 100000);
  r.duration("throttle_refill", delivery.throttle_refill, std::chrono::milliseconds(10));
  r.duration("group_wait", delivery.group_wait, std::chrono::milliseconds(100));
  r.integer("max_digest_members", delivery.max_digest_members, 1, 1000);
  for (const std::string& address : delivery.allowed_private_addresses) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, address.c_str(), bytes) != 1 &&
        inet_pton(AF_INET6, address.c_str(), bytes) != 1) {
      r.fail(*table.get("allowed_private_addresses"), "allowed_private_addresses",
             "\"" + address + "\" is not a numeric IPv4 or IPv6 address");
    }
  }
  r.reject_unknown();
}

void read_email(const toml::table& table, EmailConfig& email, Problems& problems) {
  TableReader r(table, "email", problems);
  r.string("smtp_url", email.smtp_url);
  r.string("from", email.from);
  r.string("username", email.username);
  r.secret("password", email.password);
  r.one_of("starttls", email.starttls, {"required", "try", "off"});
  r.string("api_url", email.api_url);
  r.one_of("api_format", email.api_format, {"json", "sendgrid", "mailgun", "postmark"});
  r.secret("api_key", email.api_key);
  if (!email.smtp_url.empty() && !email.api_url.empty()) {
    r.fail(*table.get("api_url"), "api_url", "set either smtp_url or api_url, not both");
  }
  if (!email.api_url.empty() && !email.api_url.starts_with("https://") &&
      !email.api_url.starts_with("http://")) {
    r.fail(*table.get("api_url"), "api_url", "must start with https:// or http://");
  }
  if (!email.smtp_url.empty() && !email.smtp_url.starts_with("smtp://") &&
      !email.smtp_url.starts_with("smtps://")) {
    r.fail(*table.get("smtp_url"), "smtp_url", "must start with smtp:// or smtps://");
  }
  if ((!email.smtp_url.empty() || !email.api_url.empty()) &&
      email.from.find('@') == std::string::npos) {
    r.require("from");
    if (table.contains("from")) {
      r.fail(*table.get("from"), "from",
             "must be an address such as \"Bellwether <alerts@example.com>\"");
    }
  }
  r.reject_unknown();
}

void read_log(const toml::table& table, LogConfig& log, Problems& problems) {
  TableReader r(table, "log", problems);
  r.one_of("level", log.level, kLogLevels);
  r.one_of("format", log.format, {"plain", "json"});
  r.boolean("console", log.console);
  r.string("file", log.file);
  r.size("max_size", log.max_size, 64 * 1024);
  r.integer("max_files", log.max_files, 1, 1000);
  if (const toml::table* modules = sub_table(r, "modules", problems)) {
    read_log_modules(*modules, log, problems);
  }
  r.reject_unknown();
}

void read_simulated_keys(TableReader& r, SourceConfig& source) {
  r.integer("seed", source.seed, 0, std::numeric_limits<std::int64_t>::max());
  r.duration("interval", source.interval, std::chrono::milliseconds(10));
  r.number("time_scale", source.time_scale, 0.0, 1e6);
  r.boolean("always_open", source.always_open);
}

constexpr std::string_view kWsTypes[] = {"finnhub_ws", "alpaca_ws", "polygon_ws"};
constexpr std::string_view kPollTypes[] = {"finnhub_rest", "yahoo_chart", "http_json"};

bool is_one_of(const std::string& type, std::span<const std::string_view> types) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

// A secret the source cannot work without.
void required_secret(TableReader& r, const toml::table& table, std::string_view key, Secret& out) {
  r.secret(key, out);
  const std::string name(key);
  if (!table.contains(name + "_env") && !table.contains(name + "_file")) {
    r.require(name + "_env");  // "…api_key_env: is required" (or api_key_file)
  }
}

// The keys every provider feed shares: endpoint, private CA, backoff.
void read_provider_keys(TableReader& r, const toml::table& table, SourceConfig& source) {
  r.string("url", source.url);
  if (const toml::node* url = table.get("url"); url && url->is_string()) {
    const bool websocket = is_one_of(source.type, kWsTypes);
    const bool scheme_ok =
        websocket ? source.url.rfind("ws://", 0) == 0 || source.url.rfind("wss://", 0) == 0
                  : source.url.rfind("http://", 0) == 0 || source.url.rfind("https://", 0) == 0;
    if (!scheme_ok) {
      r.fail(*url, "url",
             websocket ? "must start with ws:// or wss://" : "must start with http:// or https://");
    } else if (source.url.find('@') != std::string::npos) {
      r.fail(*url, "url",
             "credentials in the URL are not accepted: use api_key_env or api_key_file");
    }
  }
  r.string("ca_file", source.ca_file);
  if (const toml::node* ca = table.get("ca_file"); ca && ca->is_string()) {
    if (!std::ifstream(source.ca_file))
      r.fail(*ca, "ca_file", "cannot read \"" + source.ca_file + "\"");
  }
  r.duration("backoff_initial", source.backoff_initial, std::chrono::milliseconds(10));
  r.duration("backoff_max", source.backoff_max, std::chrono::milliseconds(10));
  if (source.backoff_max < source.backoff_initial) source.backoff_max = source.backoff_initial;
}

void read_channels(TableReader& r, const toml::table& table, SourceConfig& source,
                   std::initializer_list<std::string_view> allowed) {
  r.strings("channels", source.channels);
  for (const std::string& channel : source.channels) {
    if (std::find(allowed.begin(), allowed.end(), channel) == allowed.end()) {
      std::string choices;
      for (auto a : allowed) choices += (choices.empty() ? "" : ", ") + std::string(a);
      r.fail(*table.get("channels"), "channels",
             "unknown channel \"" + channel + "\"; expected any of: " + choices);
      return;
    }
  }
  if (source.channels.empty()) source.channels = {"trades"};
}

void read_ws_keys(TableReader& r, const toml::table& table, SourceConfig& source) {
  read_provider_keys(r, table, source);
  r.duration("connect_timeout", source.connect_timeout, std::chrono::milliseconds(100));
  r.duration("idle_timeout", source.idle_timeout, std::chrono::milliseconds(200));
  r.require("symbols");
  if (const toml::node* symbols = table.get("symbols");
      symbols && symbols->is_array() && source.symbols.empty()) {
    r.fail(*symbols, "symbols", "must name at least one symbol to subscribe to");
  }
  required_secret(r, table, "api_key", source.api_key);
  if (source.type == "alpaca_ws") {
    required_secret(r, table, "api_secret", source.api_secret);
    r.one_of("feed", source.feed, {"iex", "sip", "test"});
    read_channels(r, table, source, {"trades", "quotes", "bars"});
  } else if (source.type == "polygon_ws") {
    read_channels(r, table, source, {"trades", "quotes", "aggregates"});
  }
}

void read_json_path(TableReader& r, const toml::table& table, std::string_view key,
                    std::string& out) {
  r.string(key, out);
  if (const toml::node* node = table.get(key); node && node->is_string()) {
    const bool valid = !out.empty() && out.front() != '.' && out.back() != '.' &&
                       out.find("..") == std::string::npos;
    if (!valid) r.fail(*node, key, "expected a dot-separated path such as \"data.0.last\"");
  }
}

// yahoo_chart's optional cookie + crumb handshake: `crumb` and its two URLs.
void read_crumb_keys(TableReader& r, const toml::table& table, SourceConfig& source) {
  r.boolean("crumb", source.crumb);
  for (auto [key, out] :
       {std::pair{"cookie_url", &source.cookie_url}, std::pair{"crumb_url", &source.crumb_url}}) {
    r.string(key, *out);
    const toml::node* node = table.get(key);
    if (!node || !node->is_string()) continue;
    if (out->rfind("http://", 0) != 0 && out->rfind("https://", 0) != 0) {
      r.fail(*node, key, "must start with http:// or https://");
    } else if (out->find('@') != std::string::npos) {
      r.fail(*node, key, "credentials in the URL are not accepted");
    } else if (!source.crumb) {
      r.fail(*node, key, "only used with crumb = true");
    }
  }
}

void read_poll_keys(TableReader& r, const toml::table& table, SourceConfig& source) {
  read_provider_keys(r, table, source);
  if (!table.contains("backoff_initial")) source.backoff_initial = std::chrono::seconds(1);
  if (!table.contains("backoff_max")) source.backoff_max = std::chrono::minutes(5);
  source.interval = std::chrono::seconds(5);  // the pollers' default
  r.duration("interval", source.interval, std::chrono::milliseconds(100));
  r.integer("max_requests_per_minute", source.max_requests_per_minute, 1, 100'000);
  r.duration("request_timeout", source.request_timeout, std::chrono::milliseconds(100));
  if (source.type == "finnhub_rest") {
    r.require("symbols");
    required_secret(r, table, "api_key", source.api_key);
  } else if (source.type == "yahoo_chart") {
    r.require("symbols");
    read_crumb_keys(r, table, source);
  } else {  // http_json
    r.require("url");
    r.require("price_path");
    r.secret("api_key", source.api_key);
    r.string("api_key_header", source.api_key_header);
    auto& p = source.paths;
    for (auto [key, out] : {std::pair{"items_path", &p.items},
                            {"symbol_path", &p.symbol},
                            {"price_path", &p.price},
                            {"volume_path", &p.volume},
                            {"ts_path", &p.ts},
                            {"bid_path", &p.bid},
                            {"ask_path", &p.ask},
                            {"prev_close_path", &p.prev_close}}) {
      read_json_path(r, table, key, *out);
    }
    if (source.url.find("{symbol}") != std::string::npos) r.require("symbols");
  }
}

// Keys every source type takes: symbol aliases and the ordering checks.
void read_source_normalization_keys(TableReader& r, SourceConfig& source) {
  if (const toml::node* node = r.get("aliases")) {
    const toml::table* table = node->as_table();
    if (!table) {
      r.fail(*node, "aliases", "expected a table such as { \"BRK-B\" = \"BRK.B\" }");
    } else {
      for (const auto& [key, value] : *table) {
        const std::string from(key.str());
        auto to = value.value<std::string>();
        if (!to) {
          r.fail(value, "aliases." + from, "expected a string (the symbol alerts use)");
          continue;
        }
        if (from.empty() || from.size() > 64) {
          r.fail(value, "aliases." + from, "the source's symbol must be 1 to 64 characters");
          continue;
        }
        std::string target = *to;
        for (char& c : target) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        // The rules of rules/symbol.hpp (config/ does not link rules/).
        const bool valid = !target.empty() && target.size() <= 15 &&
                           target.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-/") ==
                               std::string::npos;
        if (!valid) {
          r.fail(value, "aliases." + from,
                 "must be a symbol of 1 to 15 characters A-Z, 0-9, '.', '-' or '/'");
          continue;
        }
        source.aliases[from] = target;
      }
    }
  }
  r.duration("max_skew", source.max_skew, std::chrono::milliseconds(0));
  r.boolean("drop_duplicates", source.drop_duplicates);
  r.boolean("drop_out_of_order", source.drop_out_of_order);
  r.duration("stale_after", source.stale_after, std::chrono::milliseconds(100));
}

// `path` is read relative to the config file's directory, and must be readable.
void read_replay_keys(TableReader& r, SourceConfig& source, const std::string& config_file) {
  r.require("path");
  r.string("path", source.path);
  if (const toml::node* node = r.get("path"); node && node->is_string()) {
    std::filesystem::path path(source.path);
    if (path.is_relative() && !config_file.empty()) {
      path = std::filesystem::path(config_file).parent_path() / path;
    }
    source.path = path.lexically_normal().string();
    if (source.path.empty() || !std::ifstream(source.path).is_open()) {
      r.fail(*node, "path", "cannot read \"" + source.path + "\"");
    }
  }
  r.one_of("format", source.format, {"auto", "csv", "databento", "ndjson"});
  if (const toml::node* node = r.get("speed")) {
    if (node->value<std::string>() == std::optional<std::string>("max")) {
      source.speed = 0;
    } else if (!node->value<double>()) {
      r.fail(*node, "speed", "expected a number (1: real time) or \"max\"");
    } else {
      r.number("speed", source.speed, 0.001, 1e6);
    }
  }
  r.boolean("loop", source.loop);
  r.one_of("timestamps", source.timestamps, {"file", "replayed"});
}

void read_tcp_ndjson_keys(TableReader& r, SourceConfig& source) {
  r.listen("listen", source.listen);
  r.size("max_line_bytes", source.max_line_bytes, 256);
  if (source.max_line_bytes > (16u << 20)) {
    r.fail(*r.get("max_line_bytes"), "max_line_bytes", "must be at most 16MiB");
  }
  r.integer("max_connections", source.max_connections, 1, 10000);
  r.integer("io_threads", source.io_threads, 1, 64);
}

// The keys of the source's own type; any other key is left unread, so
// reject_unknown() names it.
void read_source_type_keys(TableReader& r, const toml::table& table, SourceConfig& source,
                           const std::string& config_file) {
  if (source.type == "simulated") read_simulated_keys(r, source);
  if (is_one_of(source.type, kWsTypes)) read_ws_keys(r, table, source);
  if (is_one_of(source.type, kPollTypes)) read_poll_keys(r, table, source);
  if (source.type == "replay") read_replay_keys(r, source, config_file);
  if (source.type == "tcp_ndjson") read_tcp_ndjson_keys(r, source);
}

void read_sources(const toml::node& node, std::vector<SourceConfig>& sources, Problems& problems,
                  const std::string& config_file) {
  const toml::array* array = node.as_array();
  if (!array)
    return problems.add(node.source(), "sources", "expected an array of [[sources]] tables");
  std::set<std::string> names;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    const std::string prefix = "sources[" + std::to_string(i) + "]";
    const toml::table* table = item.as_table();
    if (!table) {
      problems.add(item.source(), prefix, "expected a table");
      continue;
    }
    SourceConfig source;
    TableReader r(*table, prefix, problems);
    r.require("name");
    r.require("type");
    r.string("name", source.name);
    // keep in step with read_source_type_keys
    r.one_of("type", source.type,
             {"simulated", "replay", "tcp_ndjson", "finnhub_ws", "alpaca_ws", "polygon_ws",
              "finnhub_rest", "yahoo_chart", "http_json"});
    r.strings("symbols", source.symbols);
    read_source_normalization_keys(r, source);
    read_source_type_keys(r, *table, source, config_file);
    // Without a known type the other keys cannot be judged.
    if (!source.type.empty()) r.reject_unknown();
    if (const toml::node* name = table->get("name");
        name && name->is_string() && source.name.empty()) {
      r.fail(*name, "name", "must not be empty");
    }
    if (!source.name.empty() && !names.insert(source.name).second) {
      r.fail(*table->get("name"), "name", "duplicate source name \"" + source.name + "\"");
    }
    sources.push_back(std::move(source));
  }
}

// Applies "a.b=value" to the parsed document; errors go to `problems`.
// `origin`: "" for --set, else the environment variable's name.
void apply_override(toml::table& root, const std::string& assignment, Problems& problems,
                    const std::string& origin = "") {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    return problems.add({}, assignment, "expected section.key=value");
  }
  std::string path = assignment.substr(0, eq);
  std::string value = assignment.substr(eq + 1);
  problems.mark_overridden(path, origin);
  toml::table* table = &root;
  std::string_view rest = path;
  while (true) {
    auto dot = rest.find('.');
    std::string key(rest.substr(0, dot));
    if (key.empty()) return problems.add({}, path, "empty key segment");
    if (dot == std::string_view::npos) {
      toml::table holder;
      try {
        holder = toml::parse("v = " + value);
      } catch (const toml::parse_error&) {
        holder.insert_or_assign("v", value);  // not a TOML value: take it as a string
      }
      table->insert_or_assign(key, std::move(*holder.get("v")));
      return;
    }
    auto [it, inserted] = table->emplace<toml::table>(key);
    if (!it->second.is_table()) return problems.add({}, path, key + " is not a table");
    table = it->second.as_table();
    rest = rest.substr(dot + 1);
  }
}

constexpr std::string_view kEnvPrefix = "BELLWETHER_";

// "BELLWETHER_WEB__MAX_BODY_BYTES=2MiB" → {"BELLWETHER_WEB__MAX_BODY_BYTES",
// "web.max_body_bytes=2MiB"}; nullopt for variables that are not overrides.
std::optional<std::pair<std::string, std::string>> env_assignment(std::string_view entry) {
  if (entry.substr(0, kEnvPrefix.size()) != kEnvPrefix) return std::nullopt;
  const auto eq = entry.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string name(entry.substr(0, eq));
  const std::string_view key = entry.substr(kEnvPrefix.size(), eq - kEnvPrefix.size());
  if (key.find("__") == std::string_view::npos) return std::nullopt;  // e.g. BELLWETHER_BIN
  std::string path;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key.compare(i, 2, "__") == 0) {
      path += '.';
      ++i;
    } else {
      path += static_cast<char>(std::tolower(static_cast<unsigned char>(key[i])));
    }
  }
  return std::pair{name, path + "=" + std::string(entry.substr(eq + 1))};
}

}  // namespace

std::vector<std::pair<std::string, const Secret*>> configured_secrets(const Config& config) {
  std::vector<std::pair<std::string, const Secret*>> out;
  if (config.web.metrics_token.configured()) {
    out.emplace_back("web.metrics_token", &config.web.metrics_token);
  }
  for (std::size_t i = 0; i < config.sources.size(); ++i) {
    const SourceConfig& source = config.sources[i];
    const std::string prefix = "sources[" + std::to_string(i) + "].";
    if (source.api_key.configured()) out.emplace_back(prefix + "api_key", &source.api_key);
    if (source.api_secret.configured()) out.emplace_back(prefix + "api_secret", &source.api_secret);
  }
  return out;
}

std::vector<std::string> config_environment(char** environ_entries) {
  std::vector<std::string> out;
  for (char** entry = environ_entries; entry && *entry; ++entry) {
    if (env_assignment(*entry)) out.emplace_back(*entry);
  }
  std::sort(out.begin(), out.end());  // a stable order for error messages
  return out;
}

Result<Config> load_config(const std::string& path, const std::vector<std::string>& overrides,
                           const std::vector<std::string>& environment) {
  Problems problems(path);
  toml::table root;
  try {
    if (!path.empty()) root = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    std::ostringstream line;
    const auto& where = error.source().begin;
    line << path << ':' << where.line << ':' << where.column << ": " << error.description();
    return Error{line.str()};
  }
  for (const std::string& entry : environment) {
    if (auto assignment = env_assignment(entry)) {
      apply_override(root, assignment->second, problems, assignment->first);
    }
  }
  for (const std::string& assignment : overrides) apply_override(root, assignment, problems);

  Config config;
  config.file = path;
  TableReader top(root, "", problems);
  if (const toml::table* t = sub_table(top, "web", problems)) read_web(*t, config.web, problems);
  if (const toml::table* t = sub_table(top, "stream", problems))
    read_stream(*t, config.stream, problems);
  if (const toml::table* t = sub_table(top, "auth", problems)) read_auth(*t, config.auth, problems);
  if (const toml::table* t = sub_table(top, "tls", problems))
    read_tls(*t, config.tls, problems, path);
  if (const toml::table* t = sub_table(top, "storage", problems))
    read_storage(*t, config.storage, problems);
  if (const toml::table* t = sub_table(top, "engine", problems))
    read_engine(*t, config.engine, problems);
  if (const toml::table* t = sub_table(top, "ingest", problems))
    read_ingest(*t, config.ingest, problems);
  if (const toml::table* t = sub_table(top, "alerts", problems))
    read_alerts(*t, config.alerts, problems);
  if (const toml::table* t = sub_table(top, "market", problems))
    read_market(*t, config.market, problems);
  if (const toml::table* t = sub_table(top, "backtest", problems))
    read_backtest(*t, config.backtest, problems);
  if (const toml::table* t = sub_table(top, "delivery", problems))
    read_delivery(*t, config.delivery, problems);
  if (const toml::table* t = sub_table(top, "email", problems))
    read_email(*t, config.email, problems);
  if (const toml::table* t = sub_table(top, "log", problems)) read_log(*t, config.log, problems);
  if (const toml::node* sources = top.get("sources"))
    read_sources(*sources, config.sources, problems, path);
  top.reject_unknown();
  if (!problems.empty()) return Error{problems.joined()};
  return config;
}

}  // namespace bw
