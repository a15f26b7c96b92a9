// bellwether: the stock price alert server and its admin CLI.
// Exceptions end here: start-up failures (config, bind, database) are printed
// and turned into a non-zero exit code.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/cli.hpp"
#include "app/commands.hpp"

int main(int argc, char** argv) {
  // Logs go to stderr so stdout carries only results (e.g. a new token).
  spdlog::set_default_logger(spdlog::stderr_color_mt("bellwether"));
  std::vector<std::string> words(argv + 1, argv + argc);
  bw::Result<bw::CliArgs> args = bw::parse_cli(words);
  if (!args) {
    std::cerr << "bellwether: " << args.error() << "\n\n" << bw::usage_text();
    return 2;
  }
  try {
    return bw::run_command(*args);
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
}
