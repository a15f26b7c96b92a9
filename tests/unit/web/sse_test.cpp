// Specification of the SSE stream server (web/sse_server.hpp) over real
// loopback sockets, plus the pure framing and parsing helpers (web/sse_format.hpp).
#include <utility>  // before Asio (see PITFALLS.md)

#include <array>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "rules/quote.hpp"
#include "web/sse_format.hpp"
#include "web/sse_server.hpp"

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using bw::SseServer;
using bw::SseServerOptions;
using bw::StoredEvent;

// Only a guard against hanging on a bug; nothing asserts on elapsed time.
constexpr auto kTimeout = std::chrono::seconds(10);

// One parsed SSE block.
struct SseBlock {
  std::string event;
  std::optional<std::string> id;
  std::optional<std::string> data;  // data lines joined with \n
  std::optional<std::string> comment;
  std::optional<std::string> retry;
};

SseBlock parse_block(std::string_view block) {
  SseBlock result;
  while (!block.empty()) {
    const std::size_t end = block.find('\n');
    const std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view{} : block.substr(end + 1);
    if (line.empty()) continue;
    if (line.front() == ':') {
      result.comment = std::string(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1));
      continue;
    }
    const std::size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "event") result.event = value;
    if (field == "id") result.id = std::string(value);
    if (field == "retry") result.retry = std::string(value);
    if (field == "data") {
      result.data = result.data ? *result.data + "\n" + std::string(value) : std::string(value);
    }
  }
  return result;
}

// A blocking client over plain Asio. Every read runs the client's own
// io_context for at most a timeout, so a server bug fails the test instead of
// hanging it.
class TestClient {
 public:
  explicit TestClient(std::uint16_t port, std::optional<int> receive_buffer_bytes = std::nullopt)
      : socket_(ioc_) {
    socket_.open(tcp::v4());
    if (receive_buffer_bytes) {
      socket_.set_option(net::socket_base::receive_buffer_size(*receive_buffer_bytes));
    }
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void send(std::string_view bytes) { net::write(socket_, net::buffer(bytes)); }

  // The bytes up to and including the next `delimiter`; empty on timeout or
  // when the connection ends first.
  std::optional<std::string> read_until(std::string_view delimiter) {
    if (const std::size_t at = buffer_.find(delimiter); at != std::string::npos) {
      return take(at + delimiter.size());
    }
    bool done = false;
    boost::system::error_code result;
    std::size_t length = 0;
    net::async_read_until(socket_, net::dynamic_buffer(buffer_), std::string(delimiter),
                          [&](boost::system::error_code ec, std::size_t n) {
                            done = true;
                            result = ec;
                            length = n;
                          });
    run_for(kTimeout, done);
    if (!done || result) return std::nullopt;
    return take(length);
  }

  // The status line and headers of the response.
  std::optional<std::string> read_head() { return read_until("\r\n\r\n"); }

  std::optional<SseBlock> read_block() {
    const auto block = read_until("\n\n");
    if (!block) return std::nullopt;
    return parse_block(*block);
  }

  // The next block that is an event of type `event` (skipping heartbeats,
  // quotes or whatever else comes first).
  std::optional<SseBlock> read_event(std::string_view event) {
    for (;;) {
      auto block = read_block();
      if (!block || block->event == event) return block;
    }
  }

  // Reads and discards until the server ends the connection (EOF or reset).
  bool wait_closed() {
    buffer_.clear();
    bool closed = false;
    std::array<char, 64 * 1024> chunk{};
    std::function<void()> read_more = [&] {
      socket_.async_read_some(net::buffer(chunk), [&](boost::system::error_code ec, std::size_t) {
        if (ec) {
          closed = true;
          return;
        }
        read_more();
      });
    };
    read_more();
    run_for(kTimeout, closed);
    return closed;
  }

 private:
  std::string take(std::size_t length) {
    std::string out = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return out;
  }

  void run_for(std::chrono::seconds timeout, const bool& done) {
    ioc_.restart();
    ioc_.run_for(timeout);
    if (done) return;
    socket_.cancel();  // timed out: complete the pending read with an error
    ioc_.restart();
    ioc_.run();
  }

  net::io_context ioc_;
  tcp::socket socket_;
  std::string buffer_;
};

std::string stream_request(std::string_view target, std::string_view extra_headers = {}) {
  return "GET " + std::string(target) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" +
         std::string(extra_headers) + "\r\n";
}

std::string bearer(std::string_view token) {
  return "Authorization: Bearer " + std::string(token) + "\r\n";
}

// Tokens "token-1" and "token-2" belong to users 1 and 2.
std::optional<std::int64_t> fake_authenticate(std::string_view token) {
  if (token == "token-1") return 1;
  if (token == "token-2") return 2;
  return std::nullopt;
}

// A stand-in for the notification store: replay returns stored events with id > after_id.
class FakeStore {
 public:
  void add(std::int64_t user_id, std::int64_t id, std::string json) {
    std::lock_guard lock(mutex_);
    events_[user_id].push_back(StoredEvent{id, std::move(json)});
  }

  std::vector<StoredEvent> replay(std::int64_t user_id, std::int64_t after_id, std::size_t limit) {
    std::lock_guard lock(mutex_);
    replay_after_ids_.push_back(after_id);
    std::vector<StoredEvent> result;
    for (const StoredEvent& event : events_[user_id]) {
      if (event.id > after_id && result.size() < limit) result.push_back(event);
    }
    return result;
  }

  std::vector<std::int64_t> replay_after_ids() {
    std::lock_guard lock(mutex_);
    return replay_after_ids_;
  }

  bw::StreamReplay as_replay() {
    return [this](std::int64_t user_id, std::int64_t after_id, std::size_t limit) {
      return replay(user_id, after_id, limit);
    };
  }

 private:
  std::mutex mutex_;
  std::map<std::int64_t, std::vector<StoredEvent>> events_;
  std::vector<std::int64_t> replay_after_ids_;
};

SseServerOptions test_options() {
  SseServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  return options;
}

// A started server on a free loopback port.
struct TestServer {
  explicit TestServer(SseServerOptions options = test_options(), bw::StreamReplay replay = {},
                      bw::SseServerHooks hooks = {})
      : server(std::move(options), fake_authenticate, std::move(replay), std::move(hooks)),
        port(server.start()) {}

  SseServer server;
  std::uint16_t port;
};

template <typename Predicate>
bool wait_until(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// Connects, sends a stream request, and checks the stream opened (200 and the
// retry hint). The server has subscribed the client once the header arrives.
std::unique_ptr<TestClient> open_stream(std::uint16_t port, std::string_view headers,
                                        std::string_view target = "/api/v1/events",
                                        std::optional<int> receive_buffer_bytes = std::nullopt) {
  auto client = std::make_unique<TestClient>(port, receive_buffer_bytes);
  client->send(stream_request(target, headers));
  const auto head = client->read_head();
  REQUIRE(head);
  REQUIRE(head->rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  const auto retry = client->read_block();
  REQUIRE(retry);
  REQUIRE(retry->retry == "3000");
  return client;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// ---- auth and routing ------------------------------------------------------

TEST_CASE("A request without a token gets a plain 401, not a stream", "[web]") {
  TestServer fixture;
  TestClient client(fixture.port);
  client.send(stream_request("/api/v1/events"));
  const auto head = client.read_head();
  REQUIRE(head);
  CHECK(head->rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0);
  CHECK_FALSE(contains(*head, "text/event-stream"));
  CHECK(contains(*head, "WWW-Authenticate: Bearer"));
  CHECK(client.wait_closed());
}

TEST_CASE("A request with an unknown token gets 401, by header or by query", "[web]") {
  TestServer fixture;
  SECTION("Authorization header") {
    TestClient client(fixture.port);
    client.send(stream_request("/api/v1/events", bearer("stolen")));
    const auto head = client.read_head();
    REQUIRE(head);
    CHECK(head->rfind("HTTP/1.1 401 ", 0) == 0);
  }
  SECTION("access_token query parameter") {
    TestClient client(fixture.port);
    client.send(stream_request("/api/v1/events?access_token=stolen"));
    const auto head = client.read_head();
    REQUIRE(head);
    CHECK(head->rfind("HTTP/1.1 401 ", 0) == 0);
  }
  CHECK(fixture.server.client_count() == 0);
}

TEST_CASE("A good bearer token opens a text/event-stream with the contracted headers", "[web]") {
  TestServer fixture;
  TestClient client(fixture.port);
  client.send(stream_request("/api/v1/events", bearer("token-1")));
  const auto head = client.read_head();
  REQUIRE(head);
  CHECK(head->rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(contains(*head, "\r\nContent-Type: text/event-stream\r\n"));
  CHECK(contains(*head, "\r\nCache-Control: no-cache\r\n"));
  CHECK(contains(*head, "\r\nAccess-Control-Allow-Origin: *\r\n"));
  const auto first = client.read_block();
  REQUIRE(first);
  CHECK(first->retry == "3000");
  CHECK(wait_until([&] { return fixture.server.client_count() == 1; }));
}

TEST_CASE("A good percent-encoded access_token query parameter opens the stream", "[web]") {
  TestServer fixture;
  auto client = open_stream(fixture.port, "", "/api/v1/events?x=1&access_token=token%2D1");
  fixture.server.publish_notification(1, 7, R"({"n":7})");
  const auto event = client->read_event("notification");
  REQUIRE(event);
  CHECK(event->id == "7");
}

TEST_CASE("Unknown paths get 404, other methods 405, and OPTIONS answers the CORS preflight",
          "[web]") {
  TestServer fixture;
  SECTION("unknown path") {
    TestClient client(fixture.port);
    client.send(stream_request("/api/v1/other", bearer("token-1")));
    const auto head = client.read_head();
    REQUIRE(head);
    CHECK(head->rfind("HTTP/1.1 404 ", 0) == 0);
  }
  SECTION("POST") {
    TestClient client(fixture.port);
    client.send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    const auto head = client.read_head();
    REQUIRE(head);
    CHECK(head->rfind("HTTP/1.1 405 ", 0) == 0);
    CHECK(contains(*head, "Allow: GET, OPTIONS"));
  }
  SECTION("OPTIONS") {
    TestClient client(fixture.port);
    client.send("OPTIONS /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto head = client.read_head();
    REQUIRE(head);
    CHECK(head->rfind("HTTP/1.1 204 ", 0) == 0);
    CHECK(contains(*head, "Access-Control-Allow-Origin: *"));
    CHECK(contains(*head, "Access-Control-Allow-Headers: Authorization, Last-Event-ID"));
  }
}

TEST_CASE("An oversized request header gets 431", "[web]") {
  TestServer fixture;
  TestClient client(fixture.port);
  client.send(stream_request("/api/v1/events", "X-Padding: " + std::string(20000, 'a') + "\r\n"));
  const auto head = client.read_head();
  REQUIRE(head);
  CHECK(head->rfind("HTTP/1.1 431 ", 0) == 0);
}

TEST_CASE("Connections beyond max_clients get 503", "[web]") {
  SseServerOptions options = test_options();
  options.max_clients = 1;
  TestServer fixture(options);
  auto first = open_stream(fixture.port, bearer("token-1"));
  TestClient second(fixture.port);
  second.send(stream_request("/api/v1/events", bearer("token-2")));
  const auto head = second.read_head();
  REQUIRE(head);
  CHECK(head->rfind("HTTP/1.1 503 ", 0) == 0);
  CHECK(contains(*head, "Retry-After:"));
}

TEST_CASE("A raised max_clients admits more clients; a lowered one closes no open stream",
          "[web]") {
  SseServerOptions options = test_options();
  options.max_clients = 1;
  TestServer fixture(options);
  auto first = open_stream(fixture.port, bearer("token-1"));
  fixture.server.set_limits(bw::SseLimits{options.heartbeat_interval, options.quote_interval,
                                          options.max_client_buffer_bytes, 2});
  auto second = open_stream(fixture.port, bearer("token-2"));
  fixture.server.set_limits(bw::SseLimits{options.heartbeat_interval, options.quote_interval,
                                          options.max_client_buffer_bytes, 1});
  TestClient third(fixture.port);
  third.send(stream_request("/api/v1/events", bearer("token-1")));
  const auto head = third.read_head();
  REQUIRE(head);
  CHECK(head->rfind("HTTP/1.1 503 ", 0) == 0);
  CHECK(fixture.server.client_count() == 2);
  fixture.server.publish_notification(1, 7, R"({"n":7})");
  fixture.server.publish_notification(2, 8, R"({"n":8})");
  const auto to_first = first->read_block();
  REQUIRE(to_first);
  CHECK(to_first->id == "7");
  const auto to_second = second->read_block();
  REQUIRE(to_second);
  CHECK(to_second->id == "8");
}

// ---- notifications ---------------------------------------------------------

TEST_CASE("A published notification arrives with event, id and data", "[web]") {
  TestServer fixture;
  auto client = open_stream(fixture.port, bearer("token-1"));
  fixture.server.publish_notification(1, 42, R"({"alert":"AAPL above 150"})");
  const auto event = client->read_event("notification");
  REQUIRE(event);
  CHECK(event->id == "42");
  CHECK(event->data == R"({"alert":"AAPL above 150"})");
}

TEST_CASE("Another user's notification is not delivered", "[web]") {
  TestServer fixture;
  auto user1 = open_stream(fixture.port, bearer("token-1"));
  auto user2 = open_stream(fixture.port, bearer("token-2"));
  fixture.server.publish_notification(2, 10, R"({"for":2})");
  fixture.server.publish_notification(1, 11, R"({"for":1})");
  const auto first_for_user1 = user1->read_event("notification");
  REQUIRE(first_for_user1);
  CHECK(first_for_user1->id == "11");
  const auto first_for_user2 = user2->read_event("notification");
  REQUIRE(first_for_user2);
  CHECK(first_for_user2->id == "10");
}

TEST_CASE("Last-Event-ID replays newer notifications in order and live duplicates are skipped",
          "[web]") {
  FakeStore store;
  for (std::int64_t id = 1; id <= 5; ++id) store.add(1, id, "{\"n\":" + std::to_string(id) + "}");
  store.add(2, 6, R"({"other":"user"})");
  TestServer fixture(test_options(), store.as_replay());

  auto client = open_stream(fixture.port, bearer("token-1") + "Last-Event-ID: 2\r\n");
  for (const char* expected : {"3", "4", "5"}) {
    const auto event = client->read_event("notification");
    REQUIRE(event);
    CHECK(event->id == expected);
  }
  // The live path delivers 4 and 5 again (at-least-once), then 7.
  fixture.server.publish_notification(1, 4, R"({"n":4})");
  fixture.server.publish_notification(1, 5, R"({"n":5})");
  fixture.server.publish_notification(1, 7, R"({"n":7})");
  const auto next = client->read_event("notification");
  REQUIRE(next);
  CHECK(next->id == "7");
  REQUIRE_FALSE(store.replay_after_ids().empty());
  CHECK(store.replay_after_ids().front() == 2);
}

TEST_CASE("The lastEventId query parameter replays like the header", "[web]") {
  FakeStore store;
  for (std::int64_t id = 1; id <= 3; ++id) store.add(1, id, "{}");
  TestServer fixture(test_options(), store.as_replay());
  auto client = open_stream(fixture.port, "", "/api/v1/events?access_token=token-1&lastEventId=1");
  for (const char* expected : {"2", "3"}) {
    const auto event = client->read_event("notification");
    REQUIRE(event);
    CHECK(event->id == expected);
  }
}

TEST_CASE("A replay longer than one page arrives complete and in order", "[web]") {
  FakeStore store;
  constexpr std::int64_t kStored = 1200;  // more than one replay page
  for (std::int64_t id = 1; id <= kStored; ++id) store.add(1, id, "{}");
  TestServer fixture(test_options(), store.as_replay());
  auto client = open_stream(fixture.port, bearer("token-1") + "Last-Event-ID: 0\r\n");
  for (std::int64_t id = 1; id <= kStored; ++id) {
    const auto event = client->read_event("notification");
    REQUIRE(event);
    REQUIRE(event->id == std::to_string(id));
  }
  fixture.server.publish_notification(1, kStored + 1, "{}");
  const auto live = client->read_event("notification");
  REQUIRE(live);
  CHECK(live->id == std::to_string(kStored + 1));
}

TEST_CASE("Multi-line JSON is framed as one data: line per line", "[web]") {
  TestServer fixture;
  auto client = open_stream(fixture.port, bearer("token-1"));
  fixture.server.publish_notification(1, 3, "{\n  \"a\": 1\n}");
  const auto raw = client->read_until("\n\n");
  REQUIRE(raw);
  CHECK(*raw == "event: notification\nid: 3\ndata: {\ndata:   \"a\": 1\ndata: }\n\n");
}

// ---- quotes and heartbeats -------------------------------------------------

bw::Quote quote(const std::string& symbol, int price) {
  return bw::Quote::trade(symbol, bw::Price::from_units(price * bw::Price::kScale), 1, 7);
}

std::string quote_symbol(const std::optional<SseBlock>& block) {
  REQUIRE(block);
  const std::string& data = block->data.value_or("");
  const std::size_t start = data.find(R"("symbol":")");
  REQUIRE(start != std::string::npos);
  return data.substr(start + 10, data.find('"', start + 10) - (start + 10));
}

// User 1 watches AAPL; user 2 has an empty watchlist (every symbol).
bw::SseServerHooks watchlist_hooks(std::atomic<int>* loads = nullptr) {
  bw::SseServerHooks hooks;
  hooks.watchlist = [loads](std::int64_t user) -> std::vector<std::string> {
    if (loads) ++*loads;
    if (user == 1) return {"AAPL"};
    return {};
  };
  return hooks;
}

TEST_CASE("A stream gets quotes of its user's watched symbols only", "[web]") {
  TestServer fixture(test_options(), {}, watchlist_hooks());
  auto watching = open_stream(fixture.port, bearer("token-1"));
  auto everything = open_stream(fixture.port, bearer("token-2"));
  fixture.server.publish_quote(quote("MSFT", 1));
  CHECK(quote_symbol(everything->read_event("quote")) == "MSFT");
  fixture.server.publish_quote(quote("AAPL", 2));
  CHECK(quote_symbol(watching->read_event("quote")) == "AAPL");  // MSFT never reached it
  CHECK(quote_symbol(everything->read_event("quote")) == "AAPL");
}

TEST_CASE(
    "One flush of several symbols gives each stream exactly its watched ones, then later events",
    "[web]") {
  SseServerOptions options = test_options();
  options.quote_interval = 1h;  // the first quote's flush is the only one in this test
  TestServer fixture(options, {}, watchlist_hooks());
  auto apple = open_stream(fixture.port, bearer("token-1"));  // watches AAPL
  auto pair = open_stream(fixture.port, bearer("token-2"));
  REQUIRE(wait_until([&] { return fixture.server.client_count() == 2; }));
  fixture.server.set_watchlist(2, {"MSFT", "IBM"});
  const std::vector<bw::Quote> quotes = {quote("AAPL", 1), quote("MSFT", 2), quote("TSLA", 3),
                                         quote("IBM", 4)};
  fixture.server.publish_quotes(quotes);  // one flush with every watched symbol
  // The next event-carrying blocks, skipping the retry hint and comments.
  auto next_event = [](TestClient& client) {
    for (;;) {
      auto block = client.read_block();
      if (!block || !block->event.empty()) return block;
    }
  };
  CHECK(quote_symbol(next_event(*apple)) == "AAPL");
  std::set<std::string> symbols;
  symbols.insert(quote_symbol(next_event(*pair)));
  symbols.insert(quote_symbol(next_event(*pair)));
  CHECK(symbols == std::set<std::string>{"IBM", "MSFT"});
  // No other quote follows on either stream: the next event is a notification.
  fixture.server.publish_notification(1, 1, R"({"n":1})");
  fixture.server.publish_notification(2, 2, R"({"n":2})");
  auto after = next_event(*apple);
  REQUIRE(after);
  CHECK(after->event == "notification");
  after = next_event(*pair);
  REQUIRE(after);
  CHECK(after->event == "notification");
  CHECK(after->id == "2");
}

TEST_CASE("The watchlist is loaded once per user, not per stream", "[web]") {
  std::atomic<int> loads = 0;
  TestServer fixture(test_options(), {}, watchlist_hooks(&loads));
  auto first = open_stream(fixture.port, bearer("token-1"));
  auto second = open_stream(fixture.port, bearer("token-1"));
  CHECK(loads == 1);
  fixture.server.publish_quote(quote("AAPL", 3));
  CHECK(quote_symbol(first->read_event("quote")) == "AAPL");
  CHECK(quote_symbol(second->read_event("quote")) == "AAPL");
}

TEST_CASE("set_watchlist changes what an open stream receives", "[web]") {
  TestServer fixture(test_options(), {}, watchlist_hooks());
  auto client = open_stream(fixture.port, bearer("token-1"));
  REQUIRE(wait_until([&] { return fixture.server.client_count() == 1; }));
  fixture.server.set_watchlist(1, {"MSFT"});
  fixture.server.publish_quote(quote("AAPL", 1));
  fixture.server.publish_quote(quote("MSFT", 1));
  CHECK(quote_symbol(client->read_event("quote")) == "MSFT");
  fixture.server.set_watchlist(1, {});  // empty: every symbol
  fixture.server.publish_quote(quote("IBM", 1));
  CHECK(quote_symbol(client->read_event("quote")) == "IBM");
}

TEST_CASE("The quote encoder runs once per symbol per flush, whatever the number of clients",
          "[web]") {
  std::atomic<int> encodes = 0;
  bw::SseServerHooks hooks;
  hooks.encode_quote = [&encodes](const bw::Quote& q) {
    ++encodes;
    return R"({"symbol":")" + q.symbol + R"("})";
  };
  SseServerOptions options = test_options();
  options.quote_interval = 1h;  // one flush (the first quote's) within this test
  TestServer fixture(options, {}, hooks);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(open_stream(fixture.port, bearer("token-1")));
  REQUIRE(wait_until([&] { return fixture.server.client_count() == 5; }));
  fixture.server.publish_quote(quote("AAPL", 1));
  for (auto& client : clients) CHECK(quote_symbol(client->read_event("quote")) == "AAPL");
  CHECK(encodes == 1);
}

TEST_CASE("An unwatched symbol is never encoded", "[web]") {
  std::atomic<int> encodes = 0;
  bw::SseServerHooks hooks = watchlist_hooks();
  hooks.encode_quote = [&encodes](const bw::Quote& q) {
    ++encodes;
    return R"({"symbol":")" + q.symbol + R"("})";
  };
  TestServer fixture(test_options(), {}, hooks);
  auto client = open_stream(fixture.port, bearer("token-1"));
  REQUIRE(wait_until([&] { return fixture.server.client_count() == 1; }));
  fixture.server.publish_quote(quote("MSFT", 1));
  fixture.server.publish_quote(quote("AAPL", 1));
  CHECK(quote_symbol(client->read_event("quote")) == "AAPL");
  CHECK(encodes == 1);
}

TEST_CASE("Quotes are conflated: a client sees far fewer than 100 updates, the last one latest",
          "[web]") {
  SseServerOptions options = test_options();
  options.quote_interval = 50ms;
  TestServer fixture(options);
  auto client = open_stream(fixture.port, bearer("token-1"));
  for (int price = 1; price <= 100; ++price) fixture.server.publish_quote(quote("AAPL", price));
  int received = 0;
  std::optional<std::string> last;
  while (last != R"({"symbol":"AAPL","price":100,"volume":1,"ts":7})") {
    const auto quote = client->read_event("quote");
    REQUIRE(quote);
    ++received;
    last = quote->data;
  }
  CHECK(received < 50);
}

TEST_CASE("Heartbeat comments arrive on an idle stream", "[web]") {
  SseServerOptions options = test_options();
  options.heartbeat_interval = 50ms;
  TestServer fixture(options);
  auto client = open_stream(fixture.port, bearer("token-1"));
  const auto block = client->read_block();
  REQUIRE(block);
  CHECK(block->comment == "heartbeat");
}

TEST_CASE("A new heartbeat interval reaches a stream that is already open", "[web]") {
  SseServerOptions options = test_options();
  options.heartbeat_interval = std::chrono::hours(1);
  TestServer fixture(options);
  auto client = open_stream(fixture.port, bearer("token-1"));
  fixture.server.set_limits(bw::SseLimits{50ms, options.quote_interval,
                                          options.max_client_buffer_bytes, options.max_clients});
  const auto block = client->read_block();  // the watchdog takes the change within 5 s
  REQUIRE(block);
  CHECK(block->comment == "heartbeat");
}

// ---- bounds and shutdown ---------------------------------------------------

TEST_CASE("A stalled client is disconnected while another client keeps receiving", "[web]") {
  SseServerOptions options = test_options();
  options.max_client_buffer_bytes = 64 * 1024;
  TestServer fixture(options);
  // A tiny receive window so the kernel buffers fill up quickly.
  auto stalled = open_stream(fixture.port, bearer("token-1"), "/api/v1/events", 4096);
  auto reader = open_stream(fixture.port, bearer("token-2"));
  REQUIRE(wait_until([&] { return fixture.server.client_count() == 2; }));

  const std::string large_json = "{\"pad\":\"" + std::string(16 * 1024, 'x') + "\"}";
  std::int64_t next_id = 1;
  std::vector<std::int64_t> reader_ids;
  for (int i = 0; i < 1000; ++i) {  // 16 MB for the stalled client, beyond any kernel buffer
    fixture.server.publish_notification(1, next_id++, large_json);
    if (i % 10 == 0) {
      reader_ids.push_back(next_id);
      fixture.server.publish_notification(2, next_id++, R"({"small":true})");
    }
  }
  CHECK(wait_until([&] { return fixture.server.client_count() == 1; }));
  for (const std::int64_t id : reader_ids) {
    const auto event = reader->read_event("notification");
    REQUIRE(event);
    REQUIRE(event->id == std::to_string(id));
  }
  CHECK(stalled->wait_closed());
  fixture.server.publish_notification(2, next_id, "{}");
  const auto after = reader->read_event("notification");
  REQUIRE(after);
  CHECK(after->id == std::to_string(next_id));
}

TEST_CASE("A client that disconnects is no longer counted", "[web]") {
  TestServer fixture;
  auto client = open_stream(fixture.port, bearer("token-1"));
  REQUIRE(wait_until([&] { return fixture.server.client_count() == 1; }));
  client.reset();
  CHECK(wait_until([&] { return fixture.server.client_count() == 0; }));
}

TEST_CASE("stop() with connected clients returns promptly and closes their streams", "[web]") {
  TestServer fixture;
  std::vector<std::unique_ptr<TestClient>> clients;
  clients.push_back(open_stream(fixture.port, bearer("token-1")));
  clients.push_back(open_stream(fixture.port, bearer("token-1")));
  clients.push_back(open_stream(fixture.port, bearer("token-2")));
  TestClient idle(fixture.port);  // connected, request not sent yet

  auto stopped = std::async(std::launch::async, [&] { fixture.server.stop(); });
  REQUIRE(stopped.wait_for(kTimeout) == std::future_status::ready);
  for (auto& client : clients) CHECK(client->wait_closed());
  CHECK(idle.wait_closed());
  CHECK(fixture.server.client_count() == 0);
}

// The request timeout is 10 s, so this one is hidden: run with "[.slow]".
TEST_CASE("A client that never sends its request is closed after the request timeout",
          "[web][.slow]") {
  TestServer fixture;
  TestClient client(fixture.port);
  CHECK(client.wait_closed());
}

// ---- pure helpers ----------------------------------------------------------

TEST_CASE("format_sse_event puts each data line under its own data: field", "[web]") {
  CHECK(bw::format_sse_event("notification", 5, R"({"a":1})") ==
        "event: notification\nid: 5\ndata: {\"a\":1}\n\n");
  CHECK(bw::format_sse_event("quote", std::nullopt, "a\r\nb\rc\nd") ==
        "event: quote\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
  CHECK(bw::format_sse_event("x", std::nullopt, "a\n") == "event: x\ndata: a\ndata: \n\n");
  CHECK(bw::format_sse_event("bad\nname", std::nullopt, "") == "event: badname\ndata: \n\n");
}

TEST_CASE("format_sse_comment and format_sse_retry produce comment and retry blocks", "[web]") {
  CHECK(bw::format_sse_comment("heartbeat") == ": heartbeat\n\n");
  CHECK(bw::format_sse_comment("a\nb") == ": a\n: b\n\n");
  CHECK(bw::format_sse_retry(3000ms) == "retry: 3000\n\n");
}

TEST_CASE("parse_sse_request_target percent-decodes the path and the query parameters", "[web]") {
  const auto target = bw::parse_sse_request_target(
      "/api/v1/%65vents?access_token=a%2Bb+c&lastEventId=%34%32&x=%zz");
  CHECK(target.path == "/api/v1/events");
  CHECK(target.access_token == "a+b c");
  CHECK(target.last_event_id == "42");

  const auto bare = bw::parse_sse_request_target("/api/v1/events");
  CHECK(bare.path == "/api/v1/events");
  CHECK_FALSE(bare.access_token);
  CHECK(bw::percent_decode("100%", false) == "100%");
  CHECK(bw::percent_decode("%4", false) == "%4");
}

TEST_CASE("parse_bearer_token accepts only the Bearer scheme with a token", "[web]") {
  CHECK(bw::parse_bearer_token("Bearer abc") == std::optional<std::string_view>("abc"));
  CHECK(bw::parse_bearer_token("bearer   abc ") == std::optional<std::string_view>("abc"));
  CHECK_FALSE(bw::parse_bearer_token("Basic abc"));
  CHECK_FALSE(bw::parse_bearer_token("Bearer"));
  CHECK_FALSE(bw::parse_bearer_token("Bearerabc"));
}

TEST_CASE("parse_last_event_id accepts decimal ids only", "[web]") {
  CHECK(bw::parse_last_event_id("42") == 42);
  CHECK(bw::parse_last_event_id(" 7 ") == 7);
  CHECK_FALSE(bw::parse_last_event_id("-1"));
  CHECK_FALSE(bw::parse_last_event_id("abc"));
  CHECK_FALSE(bw::parse_last_event_id("99999999999999999999"));
  CHECK_FALSE(bw::parse_last_event_id(""));
}

}  // namespace
