// Specification of the [[sources]] keys every source type shares
// (normalisation) and of the replay and tcp_ndjson source keys.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;
using bw::testing::TempDirectory;

namespace {

// Loads `text`; errors have the temporary path replaced by "FILE".
Result<Config> load_text(const std::string& text, std::string* error = nullptr) {
  TempDirectory directory("bw-source-config");
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << text;
  Result<Config> config = load_config(path, {});
  if (!config && error) {
    *error = config.error();
    for (auto at = error->find(path); at != std::string::npos; at = error->find(path)) {
      error->replace(at, path.size(), "FILE");
    }
  }
  return config;
}

std::string error_of(const std::string& text) {
  std::string error;
  Result<Config> config = load_text(text, &error);
  REQUIRE_FALSE(config.ok());
  return error;
}

const std::string kSim = "[[sources]]\nname = \"sim\"\ntype = \"simulated\"\n";

}  // namespace

TEST_CASE("normalisation keys default to strict ordering and a 5 minute skew", "[config]") {
  Result<Config> config = load_text(kSim);
  REQUIRE(config.ok());
  const SourceConfig& s = config->sources.at(0);
  CHECK(s.aliases.empty());
  CHECK(s.max_skew == 5min);
  CHECK(s.drop_duplicates);
  CHECK(s.drop_out_of_order);
}

TEST_CASE("aliases map a source's symbol to an upper-cased Bellwether symbol", "[config]") {
  Result<Config> config = load_text(kSim +
                                    "aliases = { \"BRK-B\" = \"brk.b\", \"BF/B\" = \"BF.B\" }\n"
                                    "max_skew = \"30s\"\ndrop_duplicates = false\n"
                                    "drop_out_of_order = false\n");
  REQUIRE(config.ok());
  const SourceConfig& s = config->sources.at(0);
  CHECK(s.aliases.at("BRK-B") == "BRK.B");
  CHECK(s.aliases.at("BF/B") == "BF.B");
  CHECK(s.max_skew == 30s);
  CHECK_FALSE(s.drop_duplicates);
  CHECK_FALSE(s.drop_out_of_order);
}

TEST_CASE("a bad alias target is reported at its position", "[config]") {
  CHECK(error_of(kSim + "aliases = { \"X\" = \"has space\" }\n") ==
        "FILE:4:19: sources[0].aliases.X: must be a symbol of 1 to 15 characters A-Z, 0-9, '.', "
        "'-' or '/'");
  CHECK(error_of(kSim + "aliases = { \"X\" = 5 }\n") ==
        "FILE:4:19: sources[0].aliases.X: expected a string (the symbol alerts use)");
  CHECK(error_of(kSim + "aliases = [\"X\"]\n") ==
        "FILE:4:11: sources[0].aliases: expected a table such as { \"BRK-B\" = \"BRK.B\" }");
}

TEST_CASE("max_skew must be a duration", "[config]") {
  CHECK(error_of(kSim + "max_skew = 5\n") ==
        "FILE:4:12: sources[0].max_skew: expected a duration string such as \"30s\"");
}

TEST_CASE("a replay source reads its file relative to the config file", "[config]") {
  TempDirectory directory("bw-replay-config");
  std::ofstream(directory.file("ticks.csv")) << "1764169200000,AAPL,1\n";
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << "[[sources]]\nname = \"day\"\ntype = \"replay\"\npath = \"ticks.csv\"\n"
                         "format = \"csv\"\nspeed = \"max\"\nloop = true\n"
                         "timestamps = \"replayed\"\n";
  Result<Config> config = load_config(path, {});
  REQUIRE(config.ok());
  const SourceConfig& s = config->sources.at(0);
  CHECK(s.path == directory.file("ticks.csv"));
  CHECK(s.format == "csv");
  CHECK(s.speed == 0);
  CHECK(s.loop);
  CHECK(s.timestamps == "replayed");
}

TEST_CASE("replay keys are validated", "[config]") {
  const std::string replay = "[[sources]]\nname = \"day\"\ntype = \"replay\"\n";
  CHECK(error_of(replay) == "FILE:1:1: sources[0].path: is required");
  CHECK(error_of(replay + "path = \"/nonexistent/ticks.csv\"\n") ==
        "FILE:4:8: sources[0].path: cannot read \"/nonexistent/ticks.csv\"");
  CHECK(error_of(replay + "path = \"/dev/null\"\nspeed = \"fast\"\n") ==
        "FILE:5:9: sources[0].speed: expected a number (1: real time) or \"max\"");
  CHECK(error_of(replay + "path = \"/dev/null\"\nspeed = 0\n") ==
        "FILE:5:9: sources[0].speed: must be between 0.001 and 1e+06");
  CHECK(error_of(replay + "path = \"/dev/null\"\nformat = \"xml\"\n") ==
        "FILE:5:10: sources[0].format: must be one of: auto, csv, databento, ndjson");
  // A key of another type is unknown here.
  CHECK(error_of(replay + "path = \"/dev/null\"\nlisten = \"127.0.0.1:9100\"\n") ==
        "FILE:5:1: sources[0].listen: unknown key");
}

TEST_CASE("a tcp_ndjson source takes a listen address and bounds", "[config]") {
  Result<Config> config = load_text(
      "[[sources]]\nname = \"feed\"\ntype = \"tcp_ndjson\"\nlisten = \"127.0.0.1:0\"\n"
      "max_line_bytes = \"4KiB\"\nmax_connections = 8\nio_threads = 3\n");
  REQUIRE(config.ok());
  const SourceConfig& s = config->sources.at(0);
  CHECK(s.listen.port == 0);
  CHECK(s.max_line_bytes == 4096);
  CHECK(s.max_connections == 8);
  CHECK(s.io_threads == 3);
  CHECK(error_of("[[sources]]\nname = \"feed\"\ntype = \"tcp_ndjson\"\nio_threads = 0\n") ==
        "FILE:4:14: sources[0].io_threads: must be between 1 and 64");
  CHECK(error_of("[[sources]]\nname = \"feed\"\ntype = \"tcp_ndjson\"\nmax_line_bytes = 10\n") ==
        "FILE:4:18: sources[0].max_line_bytes: must be at least 256 bytes");
}

TEST_CASE("a simulated source is session-aware unless always_open", "[config]") {
  Result<Config> quiet = load_text(kSim);
  REQUIRE(quiet.ok());
  CHECK_FALSE(quiet->sources.at(0).always_open);
  Result<Config> open = load_text(kSim + "always_open = true\n");
  REQUIRE(open.ok());
  CHECK(open->sources.at(0).always_open);
}
