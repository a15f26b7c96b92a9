// Specification of bw::SourceMonitor: the health a source reports.
#include <catch2/catch.hpp>

#include <string>

#include "ingest/source_health.hpp"

using namespace bw;
using namespace std::chrono_literals;

TEST_CASE("a source goes connecting, live, stale and down", "[ingest]") {
  SourceMonitor monitor("poly", "polygon_ws");
  CHECK(monitor.snapshot(1000, 10s).state == SourceState::connecting);
  monitor.live();
  CHECK(monitor.snapshot(1000, 10s).state == SourceState::live);  // no message yet: not stale
  monitor.message(2000);
  CHECK(monitor.snapshot(12000, 10s).state == SourceState::live);
  CHECK(monitor.snapshot(12001, 10s).state == SourceState::stale);
  monitor.down("auth failed: invalid key");
  SourceHealth h = monitor.snapshot(12001, 10s);
  CHECK(h.state == SourceState::down);
  CHECK(h.last_error == "auth failed: invalid key");
  CHECK(to_string(h.state) == "down");
  monitor.reconnecting();
  h = monitor.snapshot(12001, 10s);
  CHECK(h.state == SourceState::connecting);
  CHECK(h.reconnects == 1);
  CHECK(h.name == "poly");
  CHECK(h.type == "polygon_ws");
}

TEST_CASE("rejections are counted by reason, with the reasons capped", "[ingest]") {
  SourceMonitor monitor("csv", "replay");
  monitor.rejected("malformed row");
  monitor.rejected("malformed row");
  monitor.rejected("price: must be greater than zero");
  SourceHealth h = monitor.snapshot(0, 1s);
  CHECK(h.rejected == 3);
  CHECK(h.rejected_by_reason.at("malformed row") == 2);
  CHECK(h.rejected_by_reason.at("price: must be greater than zero") == 1);
  for (int i = 0; i < 200; ++i) monitor.rejected("reason " + std::to_string(i));
  h = monitor.snapshot(0, 1s);
  CHECK(h.rejected == 203);
  CHECK(h.rejected_by_reason.size() <= 65);
  CHECK(h.rejected_by_reason.at("other") > 0);
}

TEST_CASE("the message rate is measured over whole windows", "[ingest]") {
  SourceMonitor monitor("sim", "simulated");
  monitor.snapshot(10'000, 1s);  // opens the first window
  for (int i = 0; i < 500; ++i) monitor.message(10'000 + i);
  CHECK(monitor.snapshot(10'500, 1s).messages_per_s == 0);  // window not complete
  SourceHealth h = monitor.snapshot(12'000, 1s);
  CHECK(h.messages == 500);
  CHECK(h.messages_per_s == Approx(250.0));
}
