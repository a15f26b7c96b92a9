#include "app/cli.hpp"

#include <array>

namespace bw {

namespace {

struct VerbSpec {
  std::string_view name;
  std::size_t words;        // how many argv words make the verb
  std::size_t positionals;  // exactly this many after the verb
  bool takes_admin;
};

constexpr std::array<VerbSpec, 9> kVerbs{{
    {"serve", 1, 0, false},
    {"user add", 2, 1, true},
    {"token create", 2, 1, false},
    {"config check", 2, 1, false},
    {"db backup", 2, 1, false},
    {"db check", 2, 0, false},
    {"alerts export", 2, 0, false},
    {"alerts import", 2, 1, false},
    {"backtest", 1, 0, false},
}};

Status check_backtest_options(const CliArgs& args) {
  const bool backtest = args.verb == "backtest";
  if (!backtest) {
    if (!args.alerts_file.empty() || !args.ticks_file.empty() || !args.format.empty())
      return Error{"--alerts, --ticks and --format are only for backtest"};
    return {};
  }
  if (args.alerts_file.empty()) return Error{"backtest needs --alerts FILE"};
  if (args.ticks_file.empty()) return Error{"backtest needs --ticks FILE"};
  if (!args.format.empty() && args.format != "csv" && args.format != "json")
    return Error{"--format must be csv or json"};
  return {};
}

}  // namespace

std::string usage_text() {
  return R"(Usage: bellwether VERB [options]

Verbs:
  serve                  run the server (REST + dashboard, event stream, feeds)
  user add NAME [--admin]
                         create a user
  token create NAME      create an API token for user NAME; prints only the token
  config check FILE      validate a config file; prints every problem as file:line:col
  db backup FILE         copy the database to FILE (online: safe while serving)
  db check               integrity check and schema version of the database
  alerts export --user NAME [--out FILE]
                         write NAME's alerts as TOML (stdout, or FILE)
  alerts import --user NAME FILE
                         add the alerts of a TOML file to NAME's alerts (all or none);
                         a running server arms them at its next start: use
                         POST /api/v1/alerts/import to arm them at once
  backtest --alerts FILE --ticks FILE [--format csv|json]
                         print when each alert of a TOML alerts file (or JSON as
                         the alerts API answers it) would have fired over a tick
                         file (CSV ts,symbol,price[,volume][,bid,ask] or
                         NDJSON), through the server's engine; sessions use
                         the [market] calendar of --config

Options (every verb):
  --config FILE          config file (TOML); without it, built-in defaults
  --set SECTION.KEY=VALUE
                         override one config value (repeatable),
                         e.g. --set web.listen=127.0.0.1:18080 --set storage.path=/tmp/bw.db
  --help                 show this help
)";
}

Result<CliArgs> parse_cli(const std::vector<std::string>& argv) {
  CliArgs args;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    auto value_of = [&](std::string_view option) -> Result<std::string> {
      if (i + 1 >= argv.size()) return Error{std::string(option) + " needs a value"};
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      args.help = true;
    } else if (arg == "--admin") {
      args.admin = true;
    } else if (arg == "--user" || arg == "--out") {
      Result<std::string> v = value_of(arg);
      if (!v) return Error{v.error()};
      (arg == "--user" ? args.user : args.out) = *v;
    } else if (arg == "--alerts" || arg == "--ticks" || arg == "--format") {
      Result<std::string> v = value_of(arg);
      if (!v) return Error{v.error()};
      (arg == "--alerts"  ? args.alerts_file
       : arg == "--ticks" ? args.ticks_file
                          : args.format) = *v;
    } else if (arg == "--config") {
      Result<std::string> v = value_of("--config");
      if (!v) return Error{v.error()};
      args.config_file = *v;
    } else if (arg.rfind("--config=", 0) == 0) {
      args.config_file = arg.substr(9);
    } else if (arg == "--set") {
      Result<std::string> v = value_of("--set");
      if (!v) return Error{v.error()};
      args.overrides.push_back(*v);
    } else if (arg.rfind("--set=", 0) == 0) {
      args.overrides.push_back(arg.substr(6));
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Error{"unknown option " + arg};
    } else {
      words.push_back(arg);
    }
  }
  if (words.empty()) {
    if (args.help) {
      CliArgs help;
      help.verb = "help";
      help.help = true;
      return help;
    }
    return Error{"missing verb"};
  }
  for (const VerbSpec& spec : kVerbs) {
    if (words.size() < spec.words) continue;
    std::string verb = words[0];
    if (spec.words == 2) verb += " " + words[1];
    if (verb != spec.name) continue;
    args.verb = verb;
    args.positional.assign(words.begin() + static_cast<long>(spec.words), words.end());
    if (args.help) return args;
    if (args.positional.size() != spec.positionals) {
      return Error{args.verb + " takes " + std::to_string(spec.positionals) + " argument(s)"};
    }
    if (args.admin && !spec.takes_admin) return Error{"--admin is only for user add"};
    const bool alerts_verb = args.verb.rfind("alerts ", 0) == 0;
    if (alerts_verb && args.user.empty()) return Error{args.verb + " needs --user NAME"};
    if (!alerts_verb && !args.user.empty()) return Error{"--user is only for alerts export|import"};
    if (!args.out.empty() && args.verb != "alerts export")
      return Error{"--out is only for alerts export"};
    if (Status s = check_backtest_options(args); !s) return Error{s.error()};
    return args;
  }
  return Error{"unknown verb \"" + words[0] + (words.size() > 1 ? " " + words[1] : "") + "\""};
}

}  // namespace bw
