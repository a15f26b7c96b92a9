// Specification of the NotificationPruner: retention by age, in batches,
// counted, on its own thread.
#include "app/retention.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "store/notification_repository.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using namespace bw::testing;
using namespace std::chrono_literals;

namespace {

// Five notifications of alice, created one hour apart from kNow.
void record_five(TwoUsers& s) {
  std::vector<NewNotification> fires;
  for (int i = 0; i < 5; ++i) {
    Alert alert = s.armed(s.alice, "AAPL", ConditionType::crossing_up, std::to_string(150 + i));
    fires.push_back(s.fire_of(alert, kNow + i * 3'600'000));
  }
  REQUIRE(s.notifications.record_fires(fires).size() == 5);
}

}  // namespace

TEST_CASE("a pass deletes every notification older than the retention", "[app]") {
  TwoUsers s;
  record_five(s);
  ManualClock clock(kNow + 4 * 3'600'000);  // the newest is brand new
  MetricsRegistry registry;
  Counter& pruned = registry.counter("pruned_total", "pruned");
  NotificationPruner pruner(s.temp.db(), clock, 150min, 1h, &pruned, /*batch=*/1);

  CHECK(pruner.prune_now() == 2);  // 4 h and 3 h old; 2 h is within 2.5 h
  CHECK(pruned.value() == 2);
  CHECK(s.notifications.list_after(s.alice, 0, 10).size() == 3);
  CHECK(pruner.prune_now() == 0);
}

TEST_CASE("the pruner thread runs a pass every interval until stopped", "[app]") {
  TwoUsers s;
  record_five(s);
  ManualClock clock(kNow + 100 * 3'600'000);  // everything is old
  NotificationPruner pruner(s.temp.db(), clock, 1h, 10ms);
  pruner.start();
  for (int i = 0; i < 500 && !s.notifications.list_after(s.alice, 0, 10).empty(); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  pruner.stop();
  CHECK(s.notifications.list_after(s.alice, 0, 10).empty());
}
