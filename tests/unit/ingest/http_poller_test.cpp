// The polled REST sources against a fake HTTP provider on 127.0.0.1
// (tests/support/fake_provider.py --provider http): Finnhub quotes, Yahoo
// charts, generic JSON, 429 with Retry-After, 5xx, connection reuse, TLS.
#include <catch2/catch.hpp>

#include <set>

#include "ingest/http_poller.hpp"
#include "provider_test_support.hpp"
#include "tests/support/fake_process.hpp"

using namespace bw;
using namespace bw::testing;

namespace {

HttpPollerOptions poller(const std::string& type, const std::string& url) {
  HttpPollerOptions options;
  options.name = "poll";
  options.type = type;
  options.url = url;
  options.symbols = {"AAPL", "MSFT"};
  options.interval = std::chrono::milliseconds(100);
  options.max_requests_per_minute = 6000;
  options.backoff_initial = std::chrono::milliseconds(50);
  options.backoff_max = std::chrono::milliseconds(200);
  options.api_key = "test-key";
  return options;
}

std::string base(const FakeProcess& fake) {
  return "http://127.0.0.1:" + std::to_string(fake.port());
}

}  // namespace

TEST_CASE("finnhub_rest polls each symbol with the token header over reused connections",
          "[ingest][poll]") {
  TempDir dir;
  FakeProcess fake({"--provider", "http", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(poller("finnhub_rest", base(fake) + "/api/v1"), sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 8; }));
  source.stop();
  const auto lines = read_lines(dir.file("record"));
  CHECK(count_containing(lines, R"("query": "symbol=AAPL")") >= 4);
  CHECK(count_containing(lines, R"("finnhub_token": "test-key")") == lines.size());
  // Keep-alive: far fewer client ports than requests.
  std::set<std::string> ports;
  for (const auto& line : lines) ports.insert(line.substr(line.find("\"port\"")));
  CHECK(ports.size() < lines.size() / 2);
  const Quote first = sink.quotes().front();
  CHECK(first.prev_close.units() > 0);
}

TEST_CASE("A 429 pauses the poller (Retry-After) and it recovers", "[ingest][poll]") {
  FakeProcess fake({"--provider", "http", "--scenario", "ratelimit"});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(poller("yahoo_chart", base(fake)), sink, clock);
  source.start();
  REQUIRE(eventually([&] {
    return source.health(clock.now_ms(), std::chrono::seconds(60)).state == SourceState::down;
  }));
  CHECK(source.health(clock.now_ms(), std::chrono::seconds(60)).last_error ==
        "rate limited (HTTP 429)");
  REQUIRE(eventually([&] { return sink.size() >= 2; }));
  SourceHealth health = source.health(clock.now_ms(), std::chrono::seconds(60));
  CHECK(health.state == SourceState::live);
  CHECK(health.reconnects >= 1);
}

TEST_CASE("A 503 backs off and the poller recovers", "[ingest][poll]") {
  FakeProcess fake({"--provider", "http", "--scenario", "error5xx"});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(poller("yahoo_chart", base(fake)), sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 2; }));
  SourceHealth health = source.health(clock.now_ms(), std::chrono::seconds(60));
  CHECK(health.last_error == "server error (HTTP 503)");
  CHECK(health.reconnects >= 1);
}

TEST_CASE("yahoo_chart reads the regular market price, volume and previous close",
          "[ingest][poll]") {
  FakeProcess fake({"--provider", "http", "--prices", "187.25"});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(poller("yahoo_chart", base(fake)), sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 2; }));
  const Quote q = sink.quotes().front();
  CHECK(q.price == *Price::from_double(187.25));
  CHECK(q.prev_close == *Price::from_double(185.25));
  CHECK(q.volume == 1234);
}

TEST_CASE("http_json with one URL reads every item and counts the bad one", "[ingest][poll]") {
  FakeProcess fake({"--provider", "http"});
  WallClock clock;
  CollectingSink sink;
  auto options = poller("http_json", base(fake) + "/json/all");
  options.symbols.clear();
  options.paths.items = "data";
  options.paths.symbol = "ticker";
  options.paths.price = "last";
  options.paths.ts = "ts";
  HttpPollerSource source(options, sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 4; }));
  SourceHealth health = source.health(clock.now_ms(), std::chrono::seconds(60));
  CHECK(health.rejected_by_reason["price: missing or not a number"] >= 1);
  CHECK(health.state == SourceState::live);
}

TEST_CASE("http_json per symbol reads bid and ask and sends the key as a bearer token",
          "[ingest][poll]") {
  TempDir dir;
  FakeProcess fake({"--provider", "http", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  auto options = poller("http_json", base(fake) + "/json/{symbol}");
  options.paths.price = "quote.last";
  options.paths.bid = "quote.bid";
  options.paths.ask = "quote.ask";
  options.paths.ts = "quote.time";
  HttpPollerSource source(options, sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 2; }));
  source.stop();
  CHECK(sink.quotes().front().has_bid_ask());
  const auto lines = read_lines(dir.file("record"));
  CHECK(count_containing(lines, R"("path": "/json/MSFT")") >= 1);
  CHECK(count_containing(lines, R"("authorization": "Bearer test-key")") == lines.size());
}

TEST_CASE("finnhub_rest counts an unknown symbol and keeps polling the others", "[ingest][poll]") {
  FakeProcess fake({"--provider", "http"});
  WallClock clock;
  CollectingSink sink;
  auto options = poller("finnhub_rest", base(fake) + "/api/v1");
  options.symbols = {"NOPE", "AAPL"};
  HttpPollerSource source(options, sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 2; }));
  SourceHealth health = source.health(clock.now_ms(), std::chrono::seconds(60));
  CHECK(health.rejected_by_reason["unknown symbol"] >= 1);
}

TEST_CASE("A wrong API key is reported as not authorised", "[ingest][poll]") {
  FakeProcess fake({"--provider", "http", "--key", "other"});
  WallClock clock;
  CollectingSink sink;
  HttpPollerSource source(poller("finnhub_rest", base(fake) + "/api/v1"), sink, clock);
  source.start();
  REQUIRE(eventually([&] {
    return source.health(clock.now_ms(), std::chrono::seconds(60)).last_error ==
           "not authorised (HTTP 401): check the API key";
  }));
  CHECK(sink.size() == 0);
}

TEST_CASE("https polling verifies the server with the configured CA", "[ingest][poll][tls]") {
  TempDir dir;
  make_test_ca(dir);
  FakeProcess fake({"--provider", "http", "--tls", dir.file("server.pem"), dir.file("server.key")});
  WallClock clock;
  const std::string url = "https://127.0.0.1:" + std::to_string(fake.port());
  SECTION("the right CA: quotes arrive") {
    CollectingSink sink;
    auto options = poller("yahoo_chart", url);
    options.ca_file = dir.file("ca.pem");
    HttpPollerSource source(options, sink, clock);
    source.start();
    REQUIRE(eventually([&] { return sink.size() >= 2; }));
  }
  SECTION("another CA: the request fails with the certificate error") {
    CollectingSink sink;
    auto options = poller("yahoo_chart", url);
    options.ca_file = dir.file("other_ca.pem");
    HttpPollerSource source(options, sink, clock);
    source.start();
    REQUIRE(eventually([&] {
      return source.health(clock.now_ms(), std::chrono::seconds(60))
                 .last_error.find("certificate") != std::string::npos;
    }));
    CHECK(sink.size() == 0);
  }
}

TEST_CASE("Retry-After as seconds or an HTTP date", "[ingest][poll]") {
  CHECK(parse_retry_after(" 7\r\n", 0) == std::chrono::seconds(7));
  const TimestampMs now = 1445412480000;  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == std::chrono::seconds(30));
  CHECK_FALSE(parse_retry_after("soon", now));
}

TEST_CASE("Pollers refuse settings they cannot work with", "[ingest][poll]") {
  WallClock clock;
  CollectingSink sink;
  auto no_price = poller("http_json", "http://127.0.0.1:1/x");
  CHECK_THROWS_WITH(HttpPollerSource(no_price, sink, clock), "source poll: price_path is required");
  auto bad_url = poller("yahoo_chart", "ftp://127.0.0.1/");
  CHECK_THROWS_WITH(HttpPollerSource(bad_url, sink, clock),
                    "source poll: url must start with http:// or https://");
}

TEST_CASE("reconnects counts every retry round after a failure, like a WebSocket re-dial",
          "[ingest][poll]") {
  // One symbol: request 1 answers 429, retry 1 answers 429, retry 2 succeeds.
  FakeProcess fake({"--provider", "http", "--scenario", "ratelimit"});
  WallClock clock;
  CollectingSink sink;
  HttpPollerOptions options = poller("yahoo_chart", base(fake));
  options.symbols = {"AAPL"};
  HttpPollerSource source(options, sink, clock);
  source.start();
  REQUIRE(eventually([&] { return sink.size() >= 1; }));
  const SourceHealth health = source.health(clock.now_ms(), std::chrono::seconds(60));
  CHECK(health.state == SourceState::live);
  CHECK(health.reconnects == 2);
}
