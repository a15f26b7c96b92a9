// Command-line parsing for the `bellwether` binary: a verb ("serve", "user
// add", "token create", "config check"), its positional arguments, and the
// options every verb takes (--config FILE, repeatable --set key=value, --help).
//
//   Result<CliArgs> args = parse_cli({"user", "add", "alice", "--admin"});
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "rules/result.hpp"

namespace bw {

struct CliArgs {
  std::string verb;  // "serve", "user add", "token create", "config check", "help"
  std::vector<std::string> positional;
  std::string config_file;
  std::vector<std::string> overrides;
  bool admin = false;
  bool help = false;
  std::string user;         // --user NAME (alerts export/import)
  std::string out;          // --out FILE (alerts export); empty: stdout
  std::string alerts_file;  // --alerts FILE (backtest)
  std::string ticks_file;   // --ticks FILE (backtest)
  std::string format;       // --format csv|json (backtest); empty: csv
};

Result<CliArgs> parse_cli(const std::vector<std::string>& argv);
std::string usage_text();

}  // namespace bw
