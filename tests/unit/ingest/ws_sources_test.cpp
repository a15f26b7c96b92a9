// The WebSocket provider sources against fake providers on 127.0.0.1
// (tests/support/fake_provider.py): auth and subscribe flows, batched trades,
// pings, provider errors, drops and reconnects, malformed frames, TLS.
#include <catch2/catch.hpp>

#include "ingest/providers/ws_sources.hpp"
#include "provider_test_support.hpp"
#include "tests/support/fake_process.hpp"

using namespace bw;
using namespace bw::testing;

namespace {

WsSourceOptions options_for(const std::string& type, const std::string& url) {
  WsSourceOptions options;
  options.name = "feed";
  options.type = type;
  options.client.url = url;
  options.client.backoff_initial = std::chrono::milliseconds(50);
  options.client.backoff_max = std::chrono::milliseconds(200);
  options.client.connect_timeout = std::chrono::seconds(5);
  options.symbols = {"AAPL", "MSFT"};
  options.channels = {"trades"};
  options.api_key = "test-key";
  options.api_secret = "test-secret";
  return options;
}

std::string ws_url(const FakeProcess& fake, const std::string& path = "/") {
  return "ws://127.0.0.1:" + std::to_string(fake.port()) + path;
}

}  // namespace

TEST_CASE("finnhub_ws subscribes each symbol and publishes every trade of a batch",
          "[ingest][ws][finnhub]") {
  TempDir dir;
  FakeProcess fake({"--provider", "finnhub", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("finnhub_ws", ws_url(fake)), sink, clock);
  source->start();
  REQUIRE(eventually([&] { return sink.size() >= 8; }));
  const auto lines = read_lines(dir.file("record"));
  CHECK(count_containing(lines, R"("type": "subscribe")") == 2);
  CHECK(count_containing(lines, R"("symbol": "MSFT")") == 1);
  SourceHealth health = health_of(*source);
  CHECK(health.state == SourceState::live);
  CHECK(health.rejected == 0);  // pings and the provider's error frame are not quotes
  const auto quotes = sink.quotes();
  CHECK(quotes[0].symbol == "AAPL");
  CHECK(quotes[0].volume == 10);
  source->stop();
  CHECK(health_of(*source).state == SourceState::down);
}

TEST_CASE("finnhub_ws with a wrong token is down with the HTTP status and keeps retrying",
          "[ingest][ws][finnhub]") {
  FakeProcess fake({"--provider", "finnhub", "--key", "other"});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("finnhub_ws", ws_url(fake)), sink, clock);
  source->start();
  REQUIRE(eventually([&] { return health_of(*source).reconnects >= 2; }));
  SourceHealth health = health_of(*source);
  CHECK(health.last_error.find("HTTP 401") != std::string::npos);
  CHECK(health.last_error.find("test-key") == std::string::npos);  // the token is never shown
  CHECK(sink.size() == 0);
}

TEST_CASE("alpaca_ws authenticates with key and secret, subscribes, and goes live",
          "[ingest][ws][alpaca]") {
  TempDir dir;
  FakeProcess fake({"--provider", "alpaca", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  auto options = options_for("alpaca_ws", ws_url(fake, "/v2/test"));
  options.channels = {"trades", "quotes"};
  auto source = make_ws_source(options, sink, clock);
  source->start();
  REQUIRE(eventually([&] { return sink.size() >= 8; }));
  const auto lines = read_lines(dir.file("record"));
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0].find(R"("path": "/v2/test")") != std::string::npos);
  CHECK(lines[1].find(R"("action": "auth")") != std::string::npos);
  CHECK(lines[1].find(R"("secret": "test-secret")") != std::string::npos);
  CHECK(lines[2].find(R"("action": "subscribe")") != std::string::npos);
  CHECK(lines[2].find(R"("quotes": ["AAPL", "MSFT"])") != std::string::npos);
  CHECK(health_of(*source).state == SourceState::live);
  bool saw_book = false;
  for (const Quote& q : sink.quotes()) saw_book = saw_book || q.has_bid_ask();
  CHECK(saw_book);
}

TEST_CASE("alpaca_ws refused credentials: down with 'auth failed 402', retried with backoff",
          "[ingest][ws][alpaca]") {
  FakeProcess fake({"--provider", "alpaca", "--secret", "the-real-one"});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("alpaca_ws", ws_url(fake)), sink, clock);
  source->start();
  REQUIRE(eventually([&] { return health_of(*source).reconnects >= 1; }));
  REQUIRE(eventually([&] { return health_of(*source).state == SourceState::down; }));
  CHECK(health_of(*source).last_error == "auth failed 402: auth failed");
  CHECK(sink.size() == 0);
}

TEST_CASE("alpaca_ws over the connection limit (406) reconnects and then streams",
          "[ingest][ws][alpaca]") {
  FakeProcess fake({"--provider", "alpaca", "--scenario", "limit"});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("alpaca_ws", ws_url(fake)), sink, clock);
  source->start();
  REQUIRE(eventually([&] { return sink.size() >= 2; }));
  SourceHealth health = health_of(*source);
  CHECK(health.state == SourceState::live);
  CHECK(health.reconnects >= 1);
  CHECK(health.last_error == "provider error 406: connection limit exceeded");
}

TEST_CASE("polygon_ws cut off without a close frame reconnects and resubscribes",
          "[ingest][ws][polygon]") {
  TempDir dir;
  FakeProcess fake({"--provider", "polygon", "--scenario", "drop", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("polygon_ws", ws_url(fake, "/stocks")), sink, clock);
  source->start();
  REQUIRE(eventually([&] {
    return count_containing(read_lines(dir.file("record")), R"("action": "subscribe")") >= 2 &&
           sink.size() >= 4;
  }));
  const auto lines = read_lines(dir.file("record"));
  CHECK(count_containing(lines,
                         R"({"conn": 2, "msg": {"action": "auth", "params": "test-key"}})") == 1);
  CHECK(count_containing(lines, R"("params": "T.AAPL,T.MSFT")") >= 2);
  SourceHealth health = health_of(*source);
  CHECK(health.reconnects >= 1);
  CHECK(health.state == SourceState::live);
}

TEST_CASE("polygon_ws counts malformed frames and bad trades and keeps streaming",
          "[ingest][ws][polygon]") {
  FakeProcess fake({"--provider", "polygon", "--scenario", "malformed"});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("polygon_ws", ws_url(fake)), sink, clock);
  source->start();
  REQUIRE(eventually([&] { return sink.size() >= 4; }));
  SourceHealth health = health_of(*source);
  CHECK(health.state == SourceState::live);
  CHECK(health.reconnects == 0);
  CHECK(health.rejected_by_reason["malformed json"] == 1);
  CHECK(health.rejected_by_reason["trade: price p is missing or not a number"] == 1);
}

TEST_CASE("polygon_ws with refused credentials reports auth failed", "[ingest][ws][polygon]") {
  FakeProcess fake({"--provider", "polygon", "--key", "right"});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("polygon_ws", ws_url(fake)), sink, clock);
  source->start();
  REQUIRE(eventually(
      [&] { return health_of(*source).last_error == "auth failed: authentication failed"; }));
  CHECK(sink.size() == 0);
}

TEST_CASE("A silent provider that answers no pings hits the idle timeout and is redialled",
          "[ingest][ws]") {
  FakeProcess fake({"--provider", "polygon", "--scenario", "silent"});
  WallClock clock;
  CollectingSink sink;
  auto options = options_for("polygon_ws", ws_url(fake));
  options.client.idle_timeout = std::chrono::milliseconds(400);
  auto source = make_ws_source(options, sink, clock);
  source->start();
  REQUIRE(eventually([&] { return health_of(*source).reconnects >= 1; }));
  CHECK(health_of(*source).last_error.find("timeout") != std::string::npos);
}

TEST_CASE("wss with the test CA verifies the provider's certificate", "[ingest][ws][tls]") {
  TempDir dir;
  make_test_ca(dir);
  FakeProcess fake(
      {"--provider", "alpaca", "--tls", dir.file("server.pem"), dir.file("server.key")});
  WallClock clock;
  CollectingSink sink;
  auto options =
      options_for("alpaca_ws", "wss://127.0.0.1:" + std::to_string(fake.port()) + "/v2/iex");
  options.client.ca_file = dir.file("ca.pem");
  auto source = make_ws_source(options, sink, clock);
  source->start();
  REQUIRE(eventually([&] { return sink.size() >= 2; }));
  CHECK(health_of(*source).state == SourceState::live);
}

TEST_CASE("wss with the wrong CA fails verification with a clear error", "[ingest][ws][tls]") {
  TempDir dir;
  make_test_ca(dir);
  FakeProcess fake(
      {"--provider", "alpaca", "--tls", dir.file("server.pem"), dir.file("server.key")});
  WallClock clock;
  CollectingSink sink;
  auto options = options_for("alpaca_ws", "wss://127.0.0.1:" + std::to_string(fake.port()));
  options.client.ca_file = dir.file("other_ca.pem");
  auto source = make_ws_source(options, sink, clock);
  source->start();
  REQUIRE(eventually([&] { return health_of(*source).reconnects >= 1; }));
  const std::string error = health_of(*source).last_error;
  CHECK(error.find("TLS handshake failed") != std::string::npos);
  CHECK(error.find("certificate verif") != std::string::npos);
  CHECK(sink.size() == 0);
}

TEST_CASE("WebSocket URLs: scheme, default ports, target; the query is kept out of logs",
          "[ingest][ws]") {
  auto plain = parse_ws_url("ws://example.com");
  REQUIRE(plain);
  CHECK_FALSE(plain->tls);
  CHECK(plain->port == "80");
  CHECK(plain->target == "/");
  auto secure = parse_ws_url("wss://ws.finnhub.io?token=SECRET");
  REQUIRE(secure);
  CHECK(secure->port == "443");
  CHECK(secure->target == "/?token=SECRET");
  CHECK(secure->redacted() == "wss://ws.finnhub.io:443/");
  auto v6 = parse_ws_url("ws://[::1]:9000/stocks");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == "9000");
  CHECK_FALSE(parse_ws_url("http://example.com"));
  CHECK_FALSE(parse_ws_url("ws://:80/"));
  CHECK_FALSE(parse_ws_url("ws://host:99999/"));
  CHECK_FALSE(parse_ws_url("wss://user:pw@host/"));
}

TEST_CASE("stop() sends the provider a close frame (going away)", "[ingest][ws]") {
  TempDir dir;
  FakeProcess fake({"--provider", "alpaca", "--record", dir.file("record")});
  WallClock clock;
  CollectingSink sink;
  auto source = make_ws_source(options_for("alpaca_ws", ws_url(fake)), sink, clock);
  source->start();
  REQUIRE(eventually([&] { return health_of(*source).state == SourceState::live; }));
  source->stop();
  REQUIRE(eventually([&] {
    return count_containing(read_lines(dir.file("record")), R"("close_code": 1001)") == 1;
  }));
  CHECK(health_of(*source).state == SourceState::down);
  CHECK(health_of(*source).last_error == "stopped");
}
