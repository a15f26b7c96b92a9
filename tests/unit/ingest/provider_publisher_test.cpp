// ProviderPublisher: parsed provider quotes through the source's normaliser
// into the sink — Polygon's sequence numbers order trades, bars keep their
// high and low, and unreadable frames are counted by reason.
#include <catch2/catch.hpp>

#include "ingest/providers/polygon_frames.hpp"
#include "ingest/providers/provider_publisher.hpp"
#include "provider_test_support.hpp"
#include "tests/support/manual_clock.hpp"

using namespace bw;
using namespace bw::testing;

namespace {

struct Fixture {
  ManualClock clock{1'700'000'000'000};
  CollectingSink sink;
  SourceMonitor monitor{"poly", "polygon_ws"};
  ProviderPublisher publisher{"poly", NormalizerOptions{}, sink, monitor, clock};

  SourceHealth health() { return monitor.snapshot(clock.now_ms(), std::chrono::seconds(60)); }
};

}  // namespace

TEST_CASE("A Polygon trade with a lower sequence than the last one is refused as out of order",
          "[ingest][polygon]") {
  Fixture f;
  ProviderFrame frame;
  REQUIRE(parse_polygon_frame(R"([{"ev":"T","sym":"MSFT","p":100,"s":1,"t":1699999999000,"q":20},)"
                              R"({"ev":"T","sym":"MSFT","p":101,"s":1,"t":1699999999500,"q":13},)"
                              R"({"ev":"T","sym":"MSFT","p":102,"s":1,"t":1699999999600,"q":27}])",
                              frame));
  CHECK(f.publisher.publish(frame) == 2);
  REQUIRE(f.sink.size() == 2);
  CHECK(f.sink.quotes()[1].price == *Price::from_double(102));
  CHECK(f.health().rejected_by_reason["out of order"] == 1);
}

TEST_CASE("A minute bar reaches the sink with its high and low", "[ingest][polygon]") {
  Fixture f;
  ProviderFrame frame;
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"AM","sym":"ACME","v":10,"o":10.5,"c":10.25,"h":11.75,"l":9.5,"s":1699999940000,"e":1700000000000}])",
      frame));
  CHECK(f.publisher.publish(frame) == 1);
  const Quote q = f.sink.quotes().at(0);
  CHECK(q.price == *Price::from_double(10.25));
  CHECK(q.high == *Price::from_double(11.75));
  CHECK(q.low == *Price::from_double(9.5));
  CHECK(q.open == *Price::from_double(10.5));
}

TEST_CASE("Unreadable frames and bad items are counted by reason", "[ingest][polygon]") {
  Fixture f;
  f.publisher.frame_error("malformed json");
  ProviderFrame frame;
  REQUIRE(parse_polygon_frame(R"([{"ev":"T","sym":"MSFT","t":1}])", frame));
  f.publisher.publish(frame);
  SourceHealth health = f.health();
  CHECK(health.rejected == 2);
  CHECK(health.rejected_by_reason["malformed json"] == 1);
  CHECK(health.rejected_by_reason["trade: price p is missing or not a number"] == 1);
  CHECK(f.sink.size() == 0);
}
