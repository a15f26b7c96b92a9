// Specification of NotificationRepository::list_page: the history page the
// dashboard filters (symbol, alert, time window) and pages by id cursor.
#include <catch2/catch.hpp>

#include <vector>

#include "store/notification_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::kNow;
using bw::testing::TwoUsers;

namespace {

std::vector<NotificationId> ids(const std::vector<StoredNotification>& notifications) {
  std::vector<NotificationId> out;
  for (const StoredNotification& n : notifications) out.push_back(n.id);
  return out;
}

NotificationId notify(TwoUsers& store, UserId user, const Symbol& symbol, TimestampMs at) {
  Alert alert = store.armed(user, symbol);
  std::vector<StoredNotification> stored =
      store.notifications.record_fires({store.fire_of(alert, at)});
  REQUIRE(stored.size() == 1);
  return stored[0].id;
}

}  // namespace

TEST_CASE("list_page filters by symbol, alert and time, newest first", "[store]") {
  TwoUsers store;
  NotificationId a1 = notify(store, store.alice, "AAPL", kNow + 1000);
  NotificationId m1 = notify(store, store.alice, "MSFT", kNow + 2000);
  notify(store, store.bob, "AAPL", kNow + 2500);
  NotificationId a2 = notify(store, store.alice, "AAPL", kNow + 3000);

  NotificationQuery query;
  query.user = store.alice;
  CHECK(ids(store.notifications.list_page(query)) == std::vector<NotificationId>{a2, m1, a1});

  query.symbol = "AAPL";
  CHECK(ids(store.notifications.list_page(query)) == std::vector<NotificationId>{a2, a1});

  query.since = kNow + 2000;
  CHECK(ids(store.notifications.list_page(query)) == std::vector<NotificationId>{a2});
  query.symbol.reset();
  query.until = kNow + 3000;  // exclusive
  CHECK(ids(store.notifications.list_page(query)) == std::vector<NotificationId>{m1});

  NotificationQuery by_alert;
  by_alert.user = store.alice;
  by_alert.alert_id = store.notifications.list_page(query).front().content.alert_id;
  CHECK(ids(store.notifications.list_page(by_alert)) == std::vector<NotificationId>{m1});
}

TEST_CASE("list_page pages below a cursor id and never shows another user's rows", "[store]") {
  TwoUsers store;
  std::vector<NotificationId> mine;
  for (int i = 0; i < 5; ++i) mine.push_back(notify(store, store.alice, "AAPL", kNow + i));
  NotificationQuery query;
  query.user = store.alice;
  query.limit = 2;
  CHECK(ids(store.notifications.list_page(query)) == std::vector<NotificationId>{mine[4], mine[3]});
  query.before_id = mine[3];
  CHECK(ids(store.notifications.list_page(query)) == std::vector<NotificationId>{mine[2], mine[1]});
  query.before_id = mine[1];
  CHECK(ids(store.notifications.list_page(query)) == std::vector<NotificationId>{mine[0]});

  NotificationQuery bobs;
  bobs.user = store.bob;
  bobs.alert_id = store.notifications.list_page(query).front().content.alert_id;
  CHECK(store.notifications.list_page(bobs).empty());
}
