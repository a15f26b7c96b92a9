// Specification of bw::SourceWatch: a source entering stale or down notifies
// the admins (stored, then delivered), once per transition, rate-limited,
// and not for a stop or a finished replay.
#include <catch2/catch.hpp>

#include "app/source_watch.hpp"
#include "store/accounts.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;

namespace {

// A source whose health the test sets.
class FakeSource : public QuoteSource {
 public:
  void start() override {}
  void stop() override {}
  SourceHealth health(TimestampMs, std::chrono::milliseconds) const override { return health_; }
  void set(SourceState state, std::string error = "") {
    health_.state = state;
    health_.last_error = std::move(error);
  }

 private:
  SourceHealth health_ = [] {
    SourceHealth h;
    h.name = "desk";
    h.type = "tcp_ndjson";
    return h;
  }();
};

struct Fixture {
  bw::testing::TempDatabase temp;
  bw::testing::ManualClock clock;
  EngineQueue queue{16};
  IngestHub hub{queue, 10ms};
  SourceBoard board{hub, queue, 16};
  FakeSource source;
  std::vector<std::string> delivered;
  SourceWatch watch{
      board, temp.db(),
      clock, [this](const StoredNotification& n) { delivered.push_back(n.content.message); },
      1s,    5min};
  Fixture() {
    Accounts accounts(temp.db());
    NewUser admin;
    admin.name = "ops";
    admin.admin = true;
    REQUIRE(accounts.create_user(admin, clock.now_ms()).ok());
    board.set({{&source, 10s}});
  }
};

}  // namespace

TEST_CASE("a source going stale notifies the admins once", "[app]") {
  Fixture f;
  f.source.set(SourceState::live);
  f.watch.check();
  CHECK(f.delivered.empty());
  f.source.set(SourceState::stale);
  f.watch.check();
  f.watch.check();  // still stale: no news
  REQUIRE(f.delivered.size() == 1);
  CHECK(f.delivered[0] == "source desk (tcp_ndjson) is stale: no message within its stale_after");
}

TEST_CASE("a source going down names the reason", "[app]") {
  Fixture f;
  f.source.set(SourceState::down, "auth failed: invalid key");
  f.watch.check();
  REQUIRE(f.delivered.size() == 1);
  CHECK(f.delivered[0] == "source desk (tcp_ndjson) is down: auth failed: invalid key");
}

TEST_CASE("a stopped source or a finished replay is no news", "[app]") {
  Fixture f;
  f.source.set(SourceState::down, "stopped");
  f.watch.check();
  f.source.set(SourceState::live);
  f.watch.check();
  f.source.set(SourceState::down, "finished: 3 quotes in 1 pass(es), 0 rows skipped");
  f.watch.check();
  CHECK(f.delivered.empty());
}

TEST_CASE("a flapping source is reported at most once per interval", "[app]") {
  Fixture f;
  for (int i = 0; i < 3; ++i) {
    f.source.set(SourceState::live);
    f.watch.check();
    f.source.set(SourceState::stale);
    f.watch.check();
    f.clock.advance(1min);
  }
  CHECK(f.delivered.size() == 1);
  f.clock.advance(5min);
  f.source.set(SourceState::live);
  f.watch.check();
  f.source.set(SourceState::stale);
  f.watch.check();
  CHECK(f.delivered.size() == 2);
}

TEST_CASE("every look also runs the extra check with the time", "[app]") {
  Fixture f;
  std::vector<TimestampMs> looks;
  f.watch.also_check([&looks](TimestampMs now) { looks.push_back(now); });
  f.source.set(SourceState::live);
  f.watch.check();
  f.clock.advance(1s);
  f.watch.check();
  CHECK(looks == std::vector<TimestampMs>{f.clock.now_ms() - 1000, f.clock.now_ms()});
}
