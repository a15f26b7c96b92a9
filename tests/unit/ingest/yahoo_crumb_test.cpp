// The yahoo_chart cookie + crumb handshake against the fake HTTP provider
// (tests/support/fake_provider.py --provider http --crumb): the handshake
// before the first poll, a new crumb after a 401, and failures reported in
// the source's health.
#include <catch2/catch.hpp>

#include "ingest/http_poller.hpp"
#include "provider_test_support.hpp"
#include "tests/support/fake_process.hpp"

using namespace bw;
using namespace bw::testing;

namespace {

HttpPollerOptions yahoo(const FakeProcess& fake) {
  const std::string base = "http://127.0.0.1:" + std::to_string(fake.port());
  HttpPollerOptions options;
  options.name = "yahoo";
  options.type = "yahoo_chart";
  options.url = base;
  options.symbols = {"AAPL", "MSFT"};
  options.interval = std::chrono::milliseconds(100);
  options.max_requests_per_minute = 6000;
  options.backoff_initial = std::chrono::milliseconds(50);
  options.backoff_max = std::chrono::milliseconds(200);
  options.crumb = true;
  options.cookie_url = base + "/fc";
  options.crumb_url = base + "/v1/test/getcrumb";
  return options;
}

std::string last_error(const HttpPollerSource& source) {
  return source.health(0, std::chrono::seconds(60)).last_error;
}

// Index of the first record line containing `needle`, or lines.size().
std::size_t first_with(const std::vector<std::string>& lines, const std::string& needle) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(needle) != std::string::npos) return i;
  }
  return lines.size();
}

}  // namespace

TEST_CASE("yahoo_chart with crumb gets a cookie, then a crumb, then polls with both",
          "[ingest][poll][crumb]") {
  TempDir dir;
  FakeProcess fake({"--provider", "http", "--crumb", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(yahoo(fake), sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 4; }));
  source.stop();
  const auto lines = read_lines(dir.file("record"));
  REQUIRE(lines.size() >= 6);
  CHECK(lines[0].find(R"("path": "/fc")") != std::string::npos);
  CHECK(lines[1].find(R"("path": "/v1/test/getcrumb")") != std::string::npos);
  CHECK(lines[1].find(R"("cookie": true)") != std::string::npos);
  // Every chart request carries the cookie and an escaped crumb ("/" is %2F).
  const auto charts = count_containing(lines, R"("path": "/v8/finance/chart/)");
  CHECK(charts >= 4);
  CHECK(count_containing(lines, "&crumb=") == charts);
  CHECK(count_containing(lines, "%2F.") == charts);
  CHECK(count_containing(lines, R"("cookie": true)") == lines.size() - 1);
  CHECK(count_containing(lines, R"("path": "/fc")") == 1);  // one handshake was enough
}

TEST_CASE("An expired crumb is replaced after a 401 and polling goes on", "[ingest][poll][crumb]") {
  TempDir dir;
  // Each cookie + crumb pair serves three chart requests, then answers 401.
  FakeProcess fake(
      {"--provider", "http", "--crumb", "--crumb-ttl", "3", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(yahoo(fake), sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 10; }));
  const SourceHealth health = source.health(clock.now_ms(), std::chrono::seconds(60));
  source.stop();
  CHECK(health.state == SourceState::live);
  CHECK(health.last_error.empty());  // a refresh is not a failure
  CHECK(health.reconnects == 0);
  const auto lines = read_lines(dir.file("record"));
  CHECK(count_containing(lines, R"("path": "/fc")") >= 3);
  CHECK(count_containing(lines, R"("path": "/v1/test/getcrumb")") >= 3);
}

TEST_CASE("A refused crumb request is the source's last error and is retried with backoff",
          "[ingest][poll][crumb]") {
  TempDir dir;
  FakeProcess fake({"--provider", "http", "--crumb", "--scenario", "crumb_refused", "--record",
                    dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(yahoo(fake), sink, clock);
  source.start();
  REQUIRE(eventually(
      [&] { return last_error(source) == "crumb handshake: crumb request refused (HTTP 403)"; }));
  CHECK(source.health(clock.now_ms(), std::chrono::seconds(60)).state == SourceState::down);
  // Retried after the backoff: another handshake, still no chart request.
  REQUIRE(eventually(
      [&] { return count_containing(read_lines(dir.file("record")), R"("path": "/fc")") >= 2; }));
  source.stop();
  const auto lines = read_lines(dir.file("record"));
  CHECK(count_containing(lines, R"("path": "/v8/finance/chart/)") == 0);
  CHECK(sink.size() == 0);
}

TEST_CASE("A 401 with a fresh crumb backs off instead of refreshing again",
          "[ingest][poll][crumb]") {
  TempDir dir;
  FakeProcess fake(
      {"--provider", "http", "--crumb", "--scenario", "chart_401", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  auto options = yahoo(fake);
  options.symbols = {"AAPL"};
  options.backoff_initial = std::chrono::milliseconds(300);
  options.backoff_max = std::chrono::milliseconds(300);
  HttpPollerSource source(options, sink, clock);
  source.start();
  REQUIRE(eventually(
      [&] { return last_error(source) == "not authorised (HTTP 401) with a fresh crumb"; }));
  source.stop();
  // handshake, chart 401, handshake (the one refresh), chart 401: then the
  // failure; the backoff (150-300 ms) starts the next round's handshake.
  const auto lines = read_lines(dir.file("record"));
  REQUIRE(lines.size() >= 6);
  CHECK(lines[0].find(R"("path": "/fc")") != std::string::npos);
  CHECK(lines[2].find(R"("path": "/v8/finance/chart/AAPL")") != std::string::npos);
  CHECK(lines[3].find(R"("path": "/fc")") != std::string::npos);
  CHECK(lines[5].find(R"("path": "/v8/finance/chart/AAPL")") != std::string::npos);
  CHECK(first_with(lines, R"("path": "/fc")") == 0);
  CHECK(sink.size() == 0);
}

TEST_CASE("crumb is refused for other types and needs http(s) URLs", "[ingest][poll][crumb]") {
  WallClock clock;
  CollectingSink sink;
  HttpPollerOptions options;
  options.name = "poll";
  options.type = "finnhub_rest";
  options.url = "http://127.0.0.1:1";
  options.symbols = {"AAPL"};
  options.crumb = true;
  CHECK_THROWS_WITH(HttpPollerSource(options, sink, clock),
                    "source poll: crumb is only for yahoo_chart");
  options.type = "yahoo_chart";
  options.crumb_url = "file:///etc/passwd";
  CHECK_THROWS_WITH(HttpPollerSource(options, sink, clock),
                    "source poll: cookie_url and crumb_url must start with http:// or https://");
}
