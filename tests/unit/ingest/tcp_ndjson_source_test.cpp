// Specification of bw::TcpNdjsonSource over real loopback sockets: quotes per
// line from several connections, bad lines counted and skipped while the
// connection stays, over-long lines, the connection limit.
#include <catch2/catch.hpp>

#include <utility>

#include <boost/asio.hpp>
#include <mutex>
#include <thread>

#include "ingest/tcp_ndjson_source.hpp"
#include "tests/support/manual_clock.hpp"

using namespace bw;
using namespace std::chrono_literals;
using boost::asio::ip::tcp;
using bw::testing::ManualClock;

namespace {

class Sink : public QuoteSink {
 public:
  bool publish(const Quote& quote, std::string_view) override {
    std::lock_guard lock(mutex_);
    quotes_.push_back(quote);
    return true;
  }
  std::vector<Quote> quotes() const {
    std::lock_guard lock(mutex_);
    return quotes_;
  }
  std::size_t size() const { return quotes().size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<Quote> quotes_;
};

template <typename Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

struct Client {
  boost::asio::io_context io;
  tcp::socket socket{io};
  explicit Client(std::uint16_t port) {
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  void send(const std::string& text) { boost::asio::write(socket, boost::asio::buffer(text)); }
  // True when the server closed the connection (read returns EOF).
  bool closed_by_server() {
    char byte;
    boost::system::error_code ec;
    socket.read_some(boost::asio::buffer(&byte, 1), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }
};

TcpNdjsonOptions options() {
  TcpNdjsonOptions o;
  o.name = "desk";
  o.port = 0;
  o.max_line_bytes = 256;
  o.max_connections = 2;
  return o;
}

std::uint64_t rejected(const TcpNdjsonSource& source, const std::string& reason) {
  SourceHealth h = source.health(ManualClock::kDefaultStart, 10s);
  auto it = h.rejected_by_reason.find(reason);
  return it == h.rejected_by_reason.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("tcp_ndjson publishes one quote per line", "[ingest]") {
  ManualClock clock;
  Sink sink;
  TcpNdjsonSource source(options(), sink, clock);
  source.start();
  Client client(source.port());
  client.send("{\"symbol\":\"aapl\",\"price\":228.5}\n\n{\"symbol\":\"MSFT\",\"price\":4");
  client.send("15.25,\"volume\":10}\r\n");
  REQUIRE(eventually([&] { return sink.size() == 2; }));
  CHECK(sink.quotes()[0].symbol == "AAPL");
  CHECK(sink.quotes()[1].price.to_string() == "415.25");
  CHECK(sink.quotes()[1].volume == 10);
  CHECK(source.health(clock.now_ms(), 10s).messages == 2);  // the empty line is a keep-alive
}

TEST_CASE("a bad line is counted and skipped and the connection stays", "[ingest]") {
  ManualClock clock;
  Sink sink;
  TcpNdjsonSource source(options(), sink, clock);
  source.start();
  Client client(source.port());
  client.send("not json\n{\"symbol\":\"AAPL\",\"price\":-1}\n" + std::string(300, 'x') +
              "\n{\"symbol\":\"AAPL\",\"price\":1}\n");
  REQUIRE(eventually([&] { return sink.size() == 1; }));
  CHECK(rejected(source, "malformed JSON") == 1);
  CHECK(rejected(source, "price: must be greater than zero") == 1);
  CHECK(rejected(source, "line: longer than max_line_bytes") == 1);
  client.send("{\"symbol\":\"AAPL\",\"price\":2}\n");
  REQUIRE(eventually([&] { return sink.size() == 2; }));
}

TEST_CASE("a last line without a newline counts when the peer closes", "[ingest]") {
  ManualClock clock;
  Sink sink;
  TcpNdjsonSource source(options(), sink, clock);
  source.start();
  {
    Client client(source.port());
    client.send("{\"symbol\":\"AAPL\",\"price\":1}");
  }
  REQUIRE(eventually([&] { return sink.size() == 1; }));
}

TEST_CASE("connections past max_connections are closed at once", "[ingest]") {
  ManualClock clock;
  Sink sink;
  TcpNdjsonSource source(options(), sink, clock);
  source.start();
  Client first(source.port());
  Client second(source.port());
  REQUIRE(eventually([&] { return source.connections() == 2; }));
  Client third(source.port());
  CHECK(third.closed_by_server());
  first.send("{\"symbol\":\"AAPL\",\"price\":1}\n");
  second.send("{\"symbol\":\"MSFT\",\"price\":1}\n");
  REQUIRE(eventually([&] { return sink.size() == 2; }));
}

TEST_CASE("stop closes every connection", "[ingest]") {
  ManualClock clock;
  Sink sink;
  TcpNdjsonSource source(options(), sink, clock);
  source.start();
  Client client(source.port());
  REQUIRE(eventually([&] { return source.connections() == 1; }));
  source.stop();
  CHECK(client.closed_by_server());
  CHECK(source.health(clock.now_ms(), 10s).state == SourceState::down);
}

TEST_CASE("a port in use is a construction error", "[ingest]") {
  ManualClock clock;
  Sink sink;
  TcpNdjsonSource first(options(), sink, clock);
  TcpNdjsonOptions same = options();
  same.port = first.port();
  CHECK_THROWS_AS(TcpNdjsonSource(same, sink, clock), std::runtime_error);
}

TEST_CASE("with several I/O threads each connection's lines keep their order", "[ingest]") {
  ManualClock clock;
  Sink sink;
  TcpNdjsonOptions o = options();
  o.io_threads = 3;
  TcpNdjsonSource source(o, sink, clock);
  source.start();
  constexpr int kLines = 4000;
  // Each connection sends its own symbol with a rising seq, in several writes,
  // so reads of the two connections overlap on different threads.
  auto send_all = [&](const std::string& symbol) {
    Client client(source.port());
    std::string chunk;
    for (int i = 1; i <= kLines; ++i) {
      chunk += "{\"symbol\":\"" + symbol + "\",\"price\":" + std::to_string(100 + i % 50) +
               ",\"seq\":" + std::to_string(i) + "}\n";
      if (i % 500 == 0) client.send(std::exchange(chunk, {}));
    }
  };
  std::thread a([&] { send_all("AAA"); });
  std::thread b([&] { send_all("BBB"); });
  a.join();
  b.join();
  REQUIRE(eventually([&] { return sink.size() >= 2 * kLines; }));
  REQUIRE(sink.size() == 2 * kLines);
  // Nothing refused as out of order, and per symbol the prices come in the order sent.
  CHECK(source.health(clock.now_ms(), 10s).rejected == 0);
  int next_a = 1, next_b = 1, out_of_order = 0;
  for (const Quote& quote : sink.quotes()) {
    int& next = quote.symbol == "AAA" ? next_a : next_b;
    if (quote.price.to_string() != std::to_string(100 + next % 50) + ".00") ++out_of_order;
    ++next;
  }
  CHECK(out_of_order == 0);
  CHECK(next_a == kLines + 1);
  CHECK(next_b == kLines + 1);
}
