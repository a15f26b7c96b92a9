// Specification of bw::ReplayFeed: tick files of each format played into a
// sink, bad rows counted and skipped, looping, symbol filtering, stopping.
#include <catch2/catch.hpp>

#include <fstream>
#include <mutex>
#include <thread>

#include "ingest/replay_feed.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;
using bw::testing::ManualClock;
using bw::testing::TempDirectory;

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

 private:
  mutable std::mutex mutex_;
  std::vector<Quote> quotes_;
};

// Polls `done` for up to 10 s (a generous bound, not a timing assertion).
template <typename Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

struct TickFile {
  TempDirectory directory{"bw-replay"};
  std::string path;
  TickFile(const std::string& name, const std::string& text) : path(directory.file(name)) {
    std::ofstream(path) << text;
  }
};

ReplayOptions fast(const std::string& path) {
  ReplayOptions options;
  options.name = "file";
  options.path = path;
  options.speed = 0;
  return options;
}

bool finished(const ReplayFeed& feed) {
  return feed.health(ManualClock::kDefaultStart, 10s).state == SourceState::down;
}

}  // namespace

TEST_CASE("a CSV replay publishes every good row and counts the bad ones", "[ingest]") {
  TickFile file("ticks.csv",
                "# demo\n"
                "ts,symbol,price,volume\n"
                "2025-11-26T14:30:00Z,aapl,228.50,100\n"
                "2025-11-26T14:30:01Z,AAPL,oops,100\n"
                "\n"
                "2025-11-26T14:30:02Z,AAPL,-1,100\n"
                "2025-11-26T14:30:03Z,MSFT,415.20,5\n");
  ManualClock clock;
  Sink sink;
  ReplayFeed feed(fast(file.path), sink, clock);
  feed.start();
  REQUIRE(eventually([&] { return finished(feed); }));
  std::vector<Quote> quotes = sink.quotes();
  REQUIRE(quotes.size() == 2);
  CHECK(quotes[0].symbol == "AAPL");
  CHECK(quotes[0].price.to_string() == "228.50");
  CHECK(quotes[1].symbol == "MSFT");
  SourceHealth h = feed.health(clock.now_ms(), 10s);
  CHECK(h.type == "replay");
  CHECK(h.rejected == 2);
  CHECK(h.rejected_by_reason.at("price: must be a number") == 1);
  CHECK(h.rejected_by_reason.at("price: must be greater than zero") == 1);
  CHECK(h.last_error == "finished: 2 quotes in 1 pass(es), 2 rows skipped");
}

TEST_CASE("NDJSON and Databento files are recognised without a format", "[ingest]") {
  ManualClock clock;
  SECTION("ndjson by its first character") {
    TickFile file("ticks.txt", R"({"symbol":"AAPL","price":1,"ts":1764169100000})"
                               "\n{bad\n");
    Sink sink;
    ReplayFeed feed(fast(file.path), sink, clock);
    feed.start();
    REQUIRE(eventually([&] { return finished(feed); }));
    CHECK(sink.quotes().size() == 1);
    CHECK(feed.health(clock.now_ms(), 10s).rejected_by_reason.at("malformed JSON") == 1);
  }
  SECTION("databento by its header") {
    TickFile file(
        "trades.csv",
        "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,"
        "ts_in_delta,sequence,symbol\n"
        "1764169100000000000,1764169100000000000,0,19,1,T,N,0,26780000000,5,128,1,1,FXI\n");
    Sink sink;
    ReplayFeed feed(fast(file.path), sink, clock);
    feed.start();
    REQUIRE(eventually([&] { return finished(feed); }));
    REQUIRE(sink.quotes().size() == 1);
    CHECK(sink.quotes()[0].price.to_string() == "26.78");
  }
}

TEST_CASE("a looping replay starts over, its ordering state forgotten", "[ingest]") {
  TickFile file("loop.csv", "1764169100000,AAPL,1\n1764169100001,AAPL,2\n");
  ManualClock clock;
  Sink sink;
  ReplayOptions options = fast(file.path);
  options.loop = true;
  ReplayFeed feed(options, sink, clock);
  feed.start();
  REQUIRE(eventually([&] { return sink.quotes().size() >= 6; }));
  feed.stop();
  CHECK(feed.health(clock.now_ms(), 10s).rejected == 0);
}

TEST_CASE("symbols restricts a replay to the named symbols", "[ingest]") {
  TickFile file("mixed.csv", "1764169100000,AAPL,1\n1764169100000,MSFT,2\n");
  ManualClock clock;
  Sink sink;
  ReplayOptions options = fast(file.path);
  options.symbols = {"msft"};
  ReplayFeed feed(options, sink, clock);
  feed.start();
  REQUIRE(eventually([&] { return finished(feed); }));
  REQUIRE(sink.quotes().size() == 1);
  CHECK(sink.quotes()[0].symbol == "MSFT");
}

TEST_CASE("a real-time replay waits for the next tick and stops promptly", "[ingest]") {
  // An hour between the ticks at speed 1: only the first plays before stop().
  TickFile file("slow.csv", "1764162000000,AAPL,1\n1764165600000,AAPL,2\n");
  ManualClock clock;
  Sink sink;
  ReplayOptions options = fast(file.path);
  options.speed = 1;
  ReplayFeed feed(options, sink, clock);
  feed.start();
  REQUIRE(eventually([&] { return sink.quotes().size() == 1; }));
  feed.stop();
  CHECK(sink.quotes().size() == 1);
}

TEST_CASE("replayed timestamps restamp ticks with the replay time", "[ingest]") {
  TickFile file("old.csv", "946684800000,AAPL,1\n");
  ManualClock clock;
  Sink sink;
  ReplayOptions options = fast(file.path);
  options.restamp = true;
  ReplayFeed feed(options, sink, clock);
  feed.start();
  REQUIRE(eventually([&] { return finished(feed); }));
  REQUIRE(sink.quotes().size() == 1);
  CHECK(sink.quotes()[0].ts_ms == clock.now_ms());
}

TEST_CASE("a file with a bad header stops the source with the reason", "[ingest]") {
  TickFile file("bad.csv", "ts,ticker,price\n1,AAPL,1\n");
  ManualClock clock;
  Sink sink;
  ReplayFeed feed(fast(file.path), sink, clock);
  feed.start();
  REQUIRE(eventually([&] { return finished(feed); }));
  CHECK(feed.health(clock.now_ms(), 10s).last_error.find("unknown column \"ticker\"") !=
        std::string::npos);
}

TEST_CASE("an unreadable file is refused at construction", "[ingest]") {
  ManualClock clock;
  Sink sink;
  CHECK_THROWS_AS(ReplayFeed(fast("/nonexistent/ticks.csv"), sink, clock), std::invalid_argument);
}
