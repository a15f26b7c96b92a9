// A table of broken config files, each with the exact message an admin sees;
// and environment overrides (BELLWETHER_SECTION__KEY), reported as such.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using bw::testing::TempDirectory;

namespace {

struct BrokenFile {
  const char* what;
  const char* text;
  const char* error;  // with the file's path shown as FILE
};

// Loads `text` from a temporary file; the error with the path replaced by FILE.
std::string error_of(const std::string& text, const std::vector<std::string>& environment = {}) {
  TempDirectory directory("bw-broken");
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << text;
  Result<Config> config = load_config(path, {}, environment);
  REQUIRE_FALSE(config.ok());
  std::string error = config.error();
  for (auto at = error.find(path); at != std::string::npos; at = error.find(path)) {
    error.replace(at, path.size(), "FILE");
  }
  return error;
}

const std::vector<BrokenFile> kBrokenFiles = {
    {"wrong type", "[web]\nthreads = \"eight\"\n", "FILE:2:11: web.threads: expected an integer"},
    {"unknown key", "[web]\nlisten = \"127.0.0.1:80\"\nthread = 4\n",
     "FILE:3:1: web.thread: unknown key (did you mean \"threads\"?)"},
    {"unknown section", "[stroage]\npath = \"x.db\"\n",
     "FILE:1:2: stroage: unknown key (did you mean \"storage\"?)"},
    {"bad duration", "[stream]\nheartbeat = \"15 s\"\n",
     "FILE:2:13: stream.heartbeat: unknown unit \" s\" (expected ms, s, m, h or d)"},
    {"duration without unit", "[engine]\nfull_queue_timeout = \"500\"\n",
     "FILE:2:22: engine.full_queue_timeout: duration needs a unit: ms, s, m, h or d (e.g. "
     "\"30s\")"},
    {"bad size", "[web]\nmax_body_bytes = \"1 MB\"\n",
     "FILE:2:18: web.max_body_bytes: unknown unit \" MB\" (expected B, kB, KiB, MB, MiB, GB or "
     "GiB)"},
    {"alerts directory typo", "[alerts]\ndirectroy = \"alerts.d\"\n",
     "FILE:2:1: alerts.directroy: unknown key (did you mean \"directory\"?)"},
    {"empty alerts directory", "[alerts]\ndirectory = \"\"\n",
     "FILE:2:13: alerts.directory: must not be empty"},
    {"missing required key", "[[sources]]\nname = \"sim\"\n",
     "FILE:1:1: sources[0].type: is required"},
    {"duplicate source name",
     "[[sources]]\nname = \"sim\"\ntype = \"simulated\"\n"
     "[[sources]]\nname = \"sim\"\ntype = \"simulated\"\n",
     "FILE:5:8: sources[1].name: duplicate source name \"sim\""},
    {"bad TOML syntax", "[web]\nlisten = \"127.0.0.1:80\n",
     "FILE:2:23: Error while parsing string: unescaped control characters other than TAB "
     "(U+0009) are explicitly prohibited"},
    {"value out of range", "[web]\nthreads = 0\n",
     "FILE:2:11: web.threads: must be between 1 and 1024"},
    {"bad log level for a module", "[log.modules]\nstore = \"loud\"\n",
     "FILE:2:9: log.modules.store: must be one of: trace, debug, info, warn, error, off"},
    {"unknown log module", "[log.modules]\nstroe = \"debug\"\n",
     "FILE:2:1: log.modules.stroe: unknown key (did you mean \"store\"?)"},
    {"retention too short", "[storage]\nnotification_retention = \"10s\"\n",
     "FILE:2:26: storage.notification_retention: must be 0 (keep forever) or at least 1m"},
};

}  // namespace

TEST_CASE("each broken file gets its exact file:line:col message", "[config]") {
  for (const BrokenFile& broken : kBrokenFiles) {
    INFO(broken.what);
    CHECK(error_of(broken.text) == broken.error);
  }
}

TEST_CASE("every problem of a file is reported at once, in file order", "[config]") {
  CHECK(error_of("[web]\nthreads = \"x\"\n[stream]\nheartbeat = \"1y\"\n") ==
        "FILE:2:11: web.threads: expected an integer\n"
        "FILE:4:13: stream.heartbeat: unknown unit \"y\" (expected ms, s, m, h or d)");
}

TEST_CASE("an environment variable overrides a key of the file", "[config]") {
  TempDirectory directory("bw-env");
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << "[web]\nlisten = \"127.0.0.1:8080\"\n";
  Result<Config> config = load_config(
      path, {}, {"BELLWETHER_WEB__LISTEN=127.0.0.1:9000", "BELLWETHER_WEB__MAX_BODY_BYTES=2KiB"});
  REQUIRE(config.ok());
  CHECK(config->web.listen.port == 9000);
  CHECK(config->web.max_body_bytes == 2048);
}

TEST_CASE("a --set option wins over the environment", "[config]") {
  Result<Config> config = load_config("", {"web.threads=3"}, {"BELLWETHER_WEB__THREADS=5"});
  REQUIRE(config.ok());
  CHECK(config->web.threads == 3);
}

TEST_CASE("a bad environment override names the variable", "[config]") {
  CHECK(error_of("", {"BELLWETHER_WEB__THREADS=many"}) ==
        "env BELLWETHER_WEB__THREADS: web.threads: expected an integer");
  CHECK(error_of("", {"BELLWETHER_WEB__THREDS=4"}) ==
        "env BELLWETHER_WEB__THREDS: web.threds: unknown key (did you mean \"threads\"?)");
}

TEST_CASE("only BELLWETHER_ variables with a double underscore are overrides", "[config]") {
  char bin[] = "BELLWETHER_BIN=/usr/bin/bellwether";
  char home[] = "HOME=/root";
  char listen[] = "BELLWETHER_STREAM__LISTEN=127.0.0.1:1";
  char* environment[] = {bin, home, listen, nullptr};
  CHECK(config_environment(environment) ==
        std::vector<std::string>{"BELLWETHER_STREAM__LISTEN=127.0.0.1:1"});
}
