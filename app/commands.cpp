#include "app/commands.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/backtest_command.hpp"
#include "app/logging.hpp"
#include "app/server.hpp"
#include "app/system_clock.hpp"
#include "config/config.hpp"
#include "log/module_logger.hpp"
#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "store/channel_repository.hpp"
#include "store/database.hpp"
#include "store/maintenance.hpp"
#include "web/alert_files.hpp"
#include "web/credentials.hpp"

namespace bw {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

Result<Config> load_for(const CliArgs& args) {
  return load_config(args.config_file, args.overrides, config_environment(environ));
}

std::optional<Config> load(const CliArgs& args) {
  Result<Config> config = load_for(args);
  if (!config) {
    std::cerr << "bellwether: invalid configuration:\n" << config.error() << "\n";
    return std::nullopt;
  }
  spdlog::set_level(spdlog::level::from_str(config->log.level));
  return *config;
}

std::unique_ptr<Database> open_database(const Config& config) {
  std::filesystem::path parent = std::filesystem::path(config.storage.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  return Database::open(config.storage.path, 1);
}

// Waits for SIGINT/SIGTERM (blocked in every thread since before any thread
// started), reloading the configuration on each SIGHUP meanwhile; after the
// first stop signal a second one ends the process at once.
void wait_for_shutdown_signal(const sigset_t& signals, Server& server) {
  while (true) {
    int received = 0;
    sigwait(&signals, &received);
    if (received == SIGHUP) {
      module_logger("app")->info("received SIGHUP, reloading the configuration");
      (void)server.reload();  // logs the outcome itself
      continue;
    }
    module_logger("app")->info("received {}, shutting down (send again to exit immediately)",
                               strsignal(received));
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    return;
  }
}

int serve(const CliArgs& args) {
  std::optional<Config> config = load(args);
  if (!config) return kExitUsage;
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  configure_logging(config->log);
  Server server(*config);
  server.set_config_source([args] { return load_for(args); });
  server.start();
  wait_for_shutdown_signal(signals, server);
  server.stop();
  return kExitOk;
}

int user_add(const CliArgs& args) {
  std::optional<Config> config = load(args);
  if (!config) return kExitUsage;
  const std::string& name = args.positional[0];
  if (name.empty() || name.size() > 64 ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
          std::string::npos) {
    std::cerr
        << "bellwether: user name must be 1-64 characters of letters, digits, '.', '_', '-'\n";
    return kExitUsage;
  }
  auto db = open_database(*config);
  Accounts accounts(*db);
  SystemClock clock;
  Result<User> user = accounts.create_user({name, args.admin, std::nullopt, false}, clock.now_ms());
  if (!user) {
    std::cerr << "bellwether: " << user.error() << "\n";
    return kExitFailure;
  }
  std::cout << "created " << (user->admin ? "admin " : "") << "user " << user->name << " (id "
            << user->id << ")\n";
  return kExitOk;
}

int token_create(const CliArgs& args) {
  std::optional<Config> config = load(args);
  if (!config) return kExitUsage;
  init_crypto();
  auto db = open_database(*config);
  Accounts accounts(*db);
  std::optional<User> user = accounts.find_user(args.positional[0]);
  if (!user) {
    std::cerr << "bellwether: no user named " << args.positional[0] << "\n";
    return kExitFailure;
  }
  const std::string token = generate_token();
  accounts.add_token(user->id, hash_token(token), "cli", SystemClock().now_ms());
  std::cout << token << "\n";
  return kExitOk;
}

int config_check(const CliArgs& args) {
  Result<Config> config =
      load_config(args.positional[0], args.overrides, config_environment(environ));
  if (!config) {
    std::cerr << config.error() << "\n";
    return kExitFailure;
  }
  for (const auto& [key, secret] : configured_secrets(*config)) {
    std::cout << key << " = " << secret->redacted() << "\n";
  }
  // Alert files: syntax and fields (owners and channels are checked at load).
  Result<std::size_t> alerts = check_alert_directory(config->alerts.directory);
  if (!alerts) {
    std::cerr << alerts.error() << "\n";
    return kExitFailure;
  }
  std::cout << config->alerts.directory << ": " << *alerts << " alert(s)\n";
  std::cout << args.positional[0] << ": ok\n";
  return kExitOk;
}

// Online backup of the configured database (safe while the server runs).
int db_backup(const CliArgs& args) {
  std::optional<Config> config = load(args);
  if (!config) return kExitUsage;
  try {
    backup_database(config->storage.path, args.positional[0]);
  } catch (const std::exception& error) {
    std::cerr << "bellwether: " << error.what() << "\n";
    return kExitFailure;
  }
  std::cout << "backed up " << config->storage.path << " to " << args.positional[0] << "\n";
  return kExitOk;
}

int db_check(const CliArgs& args) {
  std::optional<Config> config = load(args);
  if (!config) return kExitUsage;
  DatabaseCheck check;
  try {
    check = check_database(config->storage.path);
  } catch (const std::exception& error) {
    std::cerr << "bellwether: " << error.what() << "\n";
    return kExitFailure;
  }
  for (const std::string& problem : check.problems) std::cout << "integrity: " << problem << "\n";
  std::cout << "schema version " << check.schema_version
            << " (this binary: " << check.supported_version << ")";
  if (check.schema_version < check.supported_version) std::cout << ", upgraded at next start";
  if (check.schema_version > check.supported_version) std::cout << ", newer than this binary";
  std::cout << "\n"
            << config->storage.path << ": "
            << (check.problems.empty() ? "integrity ok" : "integrity FAILED") << "\n";
  // An older schema is fine (serve migrates it); a newer one or damage is not.
  return check.problems.empty() && check.schema_version <= check.supported_version ? kExitOk
                                                                                   : kExitFailure;
}

std::optional<User> find_user_or_complain(Accounts& accounts, const std::string& name) {
  std::optional<User> user = accounts.find_user(name);
  if (!user) std::cerr << "bellwether: no user named " << name << "\n";
  return user;
}

// A user's alerts as TOML (web/alert_toml.hpp), to stdout or --out FILE.
int alerts_export(const CliArgs& args) {
  std::optional<Config> config = load(args);
  if (!config) return kExitUsage;
  auto db = open_database(*config);
  Accounts accounts(*db);
  std::optional<User> user = find_user_or_complain(accounts, args.user);
  if (!user) return kExitFailure;
  AlertRepository alerts(*db);
  ChannelRepository channels(*db);
  const std::string text =
      export_alerts({alerts, &channels, nullptr}, *user, SystemClock().now_ms());
  if (args.out.empty()) {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "bellwether: cannot write " << args.out << "\n";
    return kExitFailure;
  }
  std::cout << "exported the alerts of " << user->name << " to " << args.out << "\n";
  return kExitOk;
}

// Adds a TOML file's alerts to a user's alerts, all or none.
int alerts_import(const CliArgs& args) {
  std::optional<Config> config = load(args);
  if (!config) return kExitUsage;
  const std::string& path = args.positional[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "bellwether: cannot read " << path << "\n";
    return kExitFailure;
  }
  std::string text(kMaxAlertFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxAlertFileBytes) {
    std::cerr << "bellwether: " << path << " is larger than 1 MiB\n";
    return kExitFailure;
  }
  auto db = open_database(*config);
  Accounts accounts(*db);
  std::optional<User> user = find_user_or_complain(accounts, args.user);
  if (!user) return kExitFailure;
  AlertRepository alerts(*db);
  ChannelRepository channels(*db);
  Result<std::vector<Alert>> added =
      import_alerts({alerts, &channels, nullptr}, *user, text, path, SystemClock().now_ms());
  if (!added) {
    std::cerr << "bellwether: import refused, no alert was added:\n" << added.error() << "\n";
    return kExitFailure;
  }
  std::cout << "imported " << added->size() << " alert(s) for " << user->name
            << " (a running server arms them at its next start)\n";
  return kExitOk;
}

}  // namespace

int run_command(const CliArgs& args) {
  if (args.help || args.verb == "help") {
    std::cout << usage_text();
    return kExitOk;
  }
  if (args.verb == "serve") return serve(args);
  if (args.verb == "user add") return user_add(args);
  if (args.verb == "token create") return token_create(args);
  if (args.verb == "config check") return config_check(args);
  if (args.verb == "db backup") return db_backup(args);
  if (args.verb == "db check") return db_check(args);
  if (args.verb == "alerts export") return alerts_export(args);
  if (args.verb == "alerts import") return alerts_import(args);
  if (args.verb == "backtest") return run_backtest_command(args);
  std::cerr << usage_text();
  return kExitUsage;
}

}  // namespace bw
