// Specification of bw::load_config: bellwether.toml in, a typed Config or
// every problem (one per line, "file:line:col: key: reason") out.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;
using bw::testing::TempDirectory;

namespace {

// Writes `text` to a fresh file in its own temporary directory.
class TomlFile {
 public:
  explicit TomlFile(const std::string& text) : directory_("bw-config") {
    std::ofstream(path()) << text;
  }
  std::string path() const { return directory_.file("bellwether.toml"); }

 private:
  TempDirectory directory_;
};

Result<Config> load_text(const std::string& text, const std::vector<std::string>& overrides = {}) {
  TomlFile file(text);
  return load_config(file.path(), overrides);
}

// The error of a load that must fail, with the temporary path shown as "FILE".
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  TomlFile file(text);
  Result<Config> config = load_config(file.path(), overrides);
  REQUIRE_FALSE(config.ok());
  std::string error = config.error();
  for (auto at = error.find(file.path()); at != std::string::npos; at = error.find(file.path())) {
    error.replace(at, file.path().size(), "FILE");
  }
  return error;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Config defaults() {
  Result<Config> config = load_config("", {});
  REQUIRE(config.ok());
  return *config;
}

}  // namespace

TEST_CASE("an empty path gives the documented defaults", "[config]") {
  Config config = defaults();
  CHECK(config.file.empty());
  CHECK(config.web.listen.host == "127.0.0.1");
  CHECK(config.web.listen.port == 8080);
  CHECK(config.web.threads == 8);
  CHECK(config.web.max_body_bytes == 1024 * 1024);
  CHECK(config.web.ui_dir.empty());
  CHECK(config.stream.listen.port == 8081);
  CHECK(config.stream.io_threads == 1);
  CHECK(config.stream.heartbeat == 15s);
  CHECK(config.stream.quote_interval == 250ms);
  CHECK(config.stream.max_client_buffer_bytes == 1024 * 1024);
  CHECK(config.stream.max_clients == 10000);
  CHECK(config.storage.path == "data/bellwether.db");
  CHECK(config.engine.queue_capacity == 100000);
  CHECK(config.engine.full_queue_timeout == 500ms);
  CHECK(config.engine.price_flush_interval == 200ms);
  CHECK_FALSE(config.engine.keep_cpus_awake);
  CHECK(config.log.level == "info");
  CHECK(config.sources.empty());
}

TEST_CASE("an empty file gives the defaults", "[config]") {
  Result<Config> config = load_text("");
  REQUIRE(config.ok());
  CHECK(config->web.listen.port == 8080);
  CHECK(config->engine.queue_capacity == 100000);
  CHECK(config->sources.empty());
}

TEST_CASE("keys absent from a table keep their defaults", "[config]") {
  Result<Config> config = load_text("[web]\nthreads = 2\n[stream]\n");
  REQUIRE(config.ok());
  CHECK(config->web.threads == 2);
  CHECK(config->web.listen.port == 8080);
  CHECK(config->web.max_body_bytes == 1024 * 1024);
  CHECK(config->stream.heartbeat == 15s);
}

TEST_CASE("the shipped config/bellwether.toml loads with its documented values", "[config]") {
  const std::string path = std::string(BW_PROJECT_SOURCE_DIR) + "/config/bellwether.toml";
  Result<Config> config = load_config(path, {});
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->file == path);
  CHECK(config->web.listen.port == 8080);
  CHECK(config->web.threads == 8);
  CHECK(config->web.max_body_bytes == 1024 * 1024);
  CHECK(config->stream.heartbeat == 15s);
  CHECK(config->stream.max_client_buffer_bytes == 1024 * 1024);
  CHECK(config->storage.path == "data/bellwether.db");
  CHECK(config->engine.full_queue_timeout == 500ms);
  CHECK(config->log.level == "info");
  REQUIRE(config->sources.size() == 1);
  CHECK(config->sources[0].name == "sim");
  CHECK(config->sources[0].type == "simulated");
  CHECK(config->sources[0].seed == 42);
  CHECK(config->sources[0].interval == 250ms);
  CHECK(config->sources[0].time_scale == 60.0);
  CHECK(config->sources[0].symbols.empty());
}

TEST_CASE("every key of every table is read with its type", "[config]") {
  Result<Config> config = load_text(R"(
[web]
listen = "0.0.0.0:9000"
threads = 4
max_body_bytes = 2048
ui_dir = "web/ui"

[stream]
listen = "[::1]:9001"
io_threads = 2
heartbeat = "30s"
quote_interval = "100ms"
max_client_buffer = "64KiB"
max_clients = 50

[storage]
path = "/var/lib/bw.db"

[engine]
queue_capacity = 1000
full_queue_timeout = "0ms"
price_flush_interval = "1s"
keep_cpus_awake = true

[log]
level = "debug"

[[sources]]
name = "a"
type = "simulated"
seed = 7
interval = "1s"
time_scale = 2
symbols = ["AAPL", "MSFT"]

[[sources]]
name = "b"
type = "simulated"
)");
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->web.listen.host == "0.0.0.0");
  CHECK(config->web.listen.port == 9000);
  CHECK(config->web.threads == 4);
  CHECK(config->web.max_body_bytes == 2048);
  CHECK(config->web.ui_dir == "web/ui");
  CHECK(config->stream.listen.host == "::1");
  CHECK(config->stream.listen.port == 9001);
  CHECK(config->stream.io_threads == 2);
  CHECK(config->stream.heartbeat == 30s);
  CHECK(config->stream.quote_interval == 100ms);
  CHECK(config->stream.max_client_buffer_bytes == 64 * 1024);
  CHECK(config->stream.max_clients == 50);
  CHECK(config->storage.path == "/var/lib/bw.db");
  CHECK(config->engine.queue_capacity == 1000);
  CHECK(config->engine.full_queue_timeout == 0ms);
  CHECK(config->engine.price_flush_interval == 1s);
  CHECK(config->engine.keep_cpus_awake);
  CHECK(config->log.level == "debug");
  REQUIRE(config->sources.size() == 2);
  CHECK(config->sources[0].seed == 7);
  CHECK(config->sources[0].interval == 1s);
  CHECK(config->sources[0].time_scale == 2.0);
  CHECK(config->sources[0].symbols == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK(config->sources[1].name == "b");
  CHECK(config->sources[1].seed == 42);
}

TEST_CASE("an unknown key is reported at its position with a did-you-mean", "[config]") {
  CHECK(error_of("[web]\nthread = 4\n") ==
        "FILE:2:1: web.thread: unknown key (did you mean \"threads\"?)");
}

TEST_CASE("an unknown top-level table is reported with a did-you-mean", "[config]") {
  CHECK(error_of("[webb]\nthreads = 4\n") == "FILE:1:2: webb: unknown key (did you mean \"web\"?)");
}

TEST_CASE("an unknown key far from every known key gets no suggestion", "[config]") {
  CHECK(error_of("[log]\ncolour = true\n") == "FILE:2:1: log.colour: unknown key");
}

TEST_CASE("a value of the wrong type names the expected type", "[config]") {
  CHECK(error_of("[web]\nthreads = \"8\"\n") == "FILE:2:11: web.threads: expected an integer");
  CHECK(error_of("[web]\nlisten = 8080\n") == "FILE:2:10: web.listen: expected \"host:port\"");
  CHECK(error_of("[web]\nui_dir = 1\n") == "FILE:2:10: web.ui_dir: expected a string");
  CHECK(error_of("[stream]\nheartbeat = 15\n") ==
        "FILE:2:13: stream.heartbeat: expected a duration string such as \"30s\"");
  CHECK(error_of("[web]\nmax_body_bytes = true\n") ==
        "FILE:2:18: web.max_body_bytes: expected a size such as \"1MiB\" or a byte count");
  CHECK(error_of("[[sources]]\nname = \"a\"\ntype = \"simulated\"\ntime_scale = \"x\"\n") ==
        "FILE:4:14: sources[0].time_scale: expected a number");
  CHECK(error_of("[[sources]]\nname = \"a\"\ntype = \"simulated\"\nsymbols = [\"A\", 1]\n") ==
        "FILE:4:17: sources[0].symbols: expected an array of strings");
  CHECK(error_of("web = 1\n") == "FILE:1:7: web: expected a table [web]");
}

TEST_CASE("a value out of range names the range", "[config]") {
  CHECK(error_of("[web]\nthreads = 0\n") == "FILE:2:11: web.threads: must be between 1 and 1024");
  CHECK(error_of("[stream]\nheartbeat = \"10ms\"\n") ==
        "FILE:2:13: stream.heartbeat: must be at least 100ms");
  CHECK(error_of("[web]\nmax_body_bytes = 512\n") ==
        "FILE:2:18: web.max_body_bytes: must be at least 1024 bytes");
}

TEST_CASE("a bad unit in a duration or size is reported with the unit error", "[config]") {
  CHECK_THAT(error_of("[stream]\nheartbeat = \"15\"\n"),
             Catch::StartsWith("FILE:2:13: stream.heartbeat: duration needs a unit"));
  CHECK_THAT(error_of("[stream]\nmax_client_buffer = \"1MB!\"\n"),
             Catch::StartsWith("FILE:2:21: stream.max_client_buffer: unknown unit"));
}

TEST_CASE("an option outside its choices lists the choices", "[config]") {
  CHECK(error_of("[log]\nlevel = \"loud\"\n") ==
        "FILE:2:9: log.level: must be one of: trace, debug, info, warn, error, off");
}

TEST_CASE("an empty storage path is an error", "[config]") {
  CHECK_THAT(error_of("[storage]\npath = \"\"\n"),
             Catch::Contains("storage.path: must not be empty"));
}

TEST_CASE("bad listen addresses are errors", "[config]") {
  for (const char* listen : {"localhost", ":8080", "127.0.0.1:", "127.0.0.1:http",
                             "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x"}) {
    INFO(listen);
    std::string error = error_of(std::string("[web]\nlisten = \"") + listen + "\"\n");
    CHECK_THAT(error, Catch::StartsWith("FILE:2:10: web.listen: "));
    CHECK(lines_of(error).size() == 1);
  }
}

TEST_CASE("a listen address may be an IPv6 literal in brackets and port 0", "[config]") {
  Result<Config> config = load_text("[web]\nlisten = \"[::]:0\"\n");
  REQUIRE(config.ok());
  CHECK(config->web.listen.host == "::");
  CHECK(config->web.listen.port == 0);
}

TEST_CASE("two sources with the same name are an error at the second name", "[config]") {
  CHECK(error_of("[[sources]]\nname = \"sim\"\ntype = \"simulated\"\n"
                 "[[sources]]\nname = \"sim\"\ntype = \"simulated\"\n") ==
        "FILE:5:8: sources[1].name: duplicate source name \"sim\"");
}

TEST_CASE("a source without a name or type is an error", "[config]") {
  std::vector<std::string> lines = lines_of(error_of("[[sources]]\nseed = 1\n"));
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[0], Catch::Matches("FILE:1:\\d+: sources\\[0\\]\\.name: is required"));
  CHECK_THAT(lines[1], Catch::Matches("FILE:1:\\d+: sources\\[0\\]\\.type: is required"));
}

TEST_CASE("a source of an unknown type lists the known types", "[config]") {
  const std::string error = error_of("[[sources]]\nname = \"x\"\ntype = \"kafka\"\n");
  CHECK_THAT(error,
             Catch::StartsWith("FILE:3:8: sources[0].type: must be one of: simulated, replay, "));
  for (const char* type : {"tcp_ndjson", "finnhub_ws", "alpaca_ws", "polygon_ws", "finnhub_rest",
                           "yahoo_chart", "http_json"}) {
    CHECK_THAT(error, Catch::Contains(type));
  }
}

TEST_CASE("sources that are not an array of tables are an error", "[config]") {
  CHECK(error_of("sources = 5\n") == "FILE:1:11: sources: expected an array of [[sources]] tables");
}

TEST_CASE("every problem is reported at once, one per line, each with file:line:col", "[config]") {
  std::string error = error_of(R"([web]
threads = 0
listen = "nowhere"
thread = 2
[stream]
heartbeat = "5"
[log]
level = "loud"
[[sources]]
name = "a"
type = "simulated"
[[sources]]
name = "a"
type = "simulated"
[bogus]
)");
  std::vector<std::string> lines = lines_of(error);
  CHECK(lines.size() == 7);
  const std::regex located(R"(FILE:\d+:\d+: [a-z_\[\]0-9.]+: .+)");
  for (const std::string& line : lines) {
    INFO(line);
    CHECK(std::regex_match(line, located));
  }
}

TEST_CASE("a TOML syntax error is reported with file:line:col", "[config]") {
  std::string error = error_of("[web]\nthreads = = 4\n");
  CHECK(lines_of(error).size() == 1);
  CHECK_THAT(error, Catch::Matches("FILE:2:\\d+: .+"));
}

TEST_CASE("a missing config file is an error naming the file", "[config]") {
  TempDirectory directory;
  const std::string path = directory.file("absent.toml");
  Result<Config> config = load_config(path, {});
  REQUIRE_FALSE(config.ok());
  CHECK_THAT(config.error(), Catch::StartsWith(path));
}

TEST_CASE("a --set option overrides a value from the file", "[config]") {
  Result<Config> config = load_text("[web]\nthreads = 8\n", {"web.threads=4"});
  REQUIRE(config.ok());
  CHECK(config->web.threads == 4);
}

TEST_CASE("a --set value is typed as TOML: web.threads=4 is an integer", "[config]") {
  Result<Config> config = load_config(
      "", {"web.threads=4", "stream.max_client_buffer=4096", "engine.full_queue_timeout=\"2s\""});
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->web.threads == 4);
  CHECK(config->stream.max_client_buffer_bytes == 4096);
  CHECK(config->engine.full_queue_timeout == 2s);
}

TEST_CASE("a --set value that is not TOML is taken as a string", "[config]") {
  Result<Config> config = load_config(
      "", {"web.listen=127.0.0.1:9", "log.level=debug", "engine.price_flush_interval=50ms",
           "storage.path=data/other.db", "stream.listen=[::1]:0"});
  INFO((config ? "" : config.error()));
  REQUIRE(config.ok());
  CHECK(config->web.listen.host == "127.0.0.1");
  CHECK(config->web.listen.port == 9);
  CHECK(config->log.level == "debug");
  CHECK(config->engine.price_flush_interval == 50ms);
  CHECK(config->storage.path == "data/other.db");
  CHECK(config->stream.listen.host == "::1");
}

TEST_CASE("a later --set of the same key wins", "[config]") {
  Result<Config> config = load_config("", {"web.threads=2", "web.threads=3"});
  REQUIRE(config.ok());
  CHECK(config->web.threads == 3);
}

TEST_CASE("an invalid --set value is reported as \"--set key: reason\"", "[config]") {
  CHECK(error_of("[web]\nthreads = 8\n", {"web.threads=0"}) ==
        "--set web.threads: must be between 1 and 1024");
  CHECK(error_of("", {"web.threads=many"}) == "--set web.threads: expected an integer");
  CHECK(error_of("", {"web.listen=nowhere"}) ==
        "--set web.listen: expected \"host:port\", e.g. \"127.0.0.1:8080\"");
  CHECK(error_of("", {"log.level=loud"}) ==
        "--set log.level: must be one of: trace, debug, info, warn, error, off");
}

TEST_CASE("a --set of an unknown key is reported with a did-you-mean", "[config]") {
  CHECK(error_of("", {"web.thread=4"}) ==
        "--set web.thread: unknown key (did you mean \"threads\"?)");
}

TEST_CASE("a malformed --set assignment is reported", "[config]") {
  CHECK_THAT(error_of("", {"web.threads"}),
             Catch::StartsWith("--set web.threads: expected section.key=value"));
  CHECK_THAT(error_of("", {"=4"}), Catch::StartsWith("--set =4: expected section.key=value"));
  CHECK_THAT(error_of("", {"web..threads=4"}), Catch::StartsWith("--set web..threads: "));
  CHECK_THAT(error_of("[web]\nlisten = \"127.0.0.1:1\"\n", {"web.listen.port=4"}),
             Catch::StartsWith("--set web.listen.port: "));
}

TEST_CASE("problems of --set options and of the file are reported together", "[config]") {
  std::vector<std::string> lines = lines_of(error_of("[web]\nthreads = 0\n", {"log.level=loud"}));
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[0] + "\n" + lines[1], Catch::Contains("FILE:2:11: web.threads:"));
  CHECK_THAT(lines[0] + "\n" + lines[1], Catch::Contains("--set log.level:"));
}

// std::stoi skips leading white space and accepts a sign, so these ports are
// read as 80 today.
TEST_CASE("a listen port with a sign or white space is an error", "[config]") {
  for (const char* listen : {"127.0.0.1:+80", "127.0.0.1: 80"}) {
    INFO(listen);
    Result<Config> config = load_text(std::string("[web]\nlisten = \"") + listen + "\"\n");
    CHECK_FALSE(config.ok());
  }
}

// NaN compares false against both bounds, so the range check lets it through;
// a NaN time scale makes every simulated price NaN (and every quote invalid).
TEST_CASE("a time_scale of nan is out of range", "[config]") {
  Result<Config> config =
      load_text("[[sources]]\nname = \"a\"\ntype = \"simulated\"\ntime_scale = nan\n");
  REQUIRE_FALSE(config.ok());
  CHECK_THAT(config.error(), Catch::Contains("sources[0].time_scale: must be between"));
}

TEST_CASE("a bad key inside a table given with --set is reported against --set", "[config]") {
  CHECK_THAT(error_of("", {"web={threads=0}"}), Catch::StartsWith("--set web"));
}

TEST_CASE("a key of another source type is unknown for this one", "[config]") {
  CHECK_THAT(error_of("[[sources]]\nname = \"x\"\ntype = \"simulated\"\nurl = \"wss://x\"\n"),
             Catch::StartsWith("FILE:4:1: sources[0].url: unknown key"));
}
