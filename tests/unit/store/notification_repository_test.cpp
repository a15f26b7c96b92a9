// Specification of bw::NotificationRepository: record_fires is the commit
// point (alert triggered + notification stored together); pages are per user.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "store/notification_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::kNow;
using bw::testing::px;
using bw::testing::TwoUsers;

namespace {

std::vector<NotificationId> ids(const std::vector<StoredNotification>& notifications) {
  std::vector<NotificationId> out;
  for (const StoredNotification& n : notifications) out.push_back(n.id);
  return out;
}

// Stores one notification for a fresh alert of `user`; returns its id.
NotificationId notify_once(TwoUsers& store, UserId user) {
  std::vector<StoredNotification> stored =
      store.notifications.record_fires({store.fire_of(store.armed(user))});
  REQUIRE(stored.size() == 1);
  return stored[0].id;
}

}  // namespace

TEST_CASE("record_fires marks the alert triggered and stores its notification", "[store]") {
  TwoUsers store;
  Alert alert = store.armed(store.alice);
  NewNotification fire = store.fire_of(alert, kNow + 5000, "150.25");

  std::vector<StoredNotification> stored = store.notifications.record_fires({fire});

  REQUIRE(stored.size() == 1);
  CHECK(stored[0].id > 0);
  CHECK(stored[0].content.alert_id == alert.id);
  std::optional<Alert> after = store.alerts.find(store.alice, alert.id);
  REQUIRE(after);
  CHECK(after->state == AlertState::triggered);
  REQUIRE(after->last_fired_at);
  CHECK(*after->last_fired_at == kNow + 5000);

  std::vector<StoredNotification> page = store.notifications.list_recent(store.alice, 10);
  REQUIRE(page.size() == 1);
  CHECK(page[0].id == stored[0].id);
  CHECK(page[0].content.alert_id == alert.id);
  CHECK(page[0].content.user_id == store.alice);
  CHECK(page[0].content.symbol == "AAPL");
  CHECK(page[0].content.price == px("150.25"));
  CHECK(page[0].content.message == fire.message);
  CHECK(page[0].content.created_at == kNow + 5000);
}

TEST_CASE("a fire for a deleted alert is dropped", "[store]") {
  TwoUsers store;
  Alert alert = store.armed(store.alice);
  REQUIRE(store.alerts.remove(store.alice, alert.id));

  CHECK(store.notifications.record_fires({store.fire_of(alert)}).empty());
  CHECK(store.notifications.list_recent(store.alice, 10).empty());
}

TEST_CASE("a fire for an already triggered alert is dropped", "[store]") {
  TwoUsers store;
  Alert alert = store.armed(store.alice);
  REQUIRE(store.notifications.record_fires({store.fire_of(alert, kNow + 1)}).size() == 1);

  CHECK(store.notifications.record_fires({store.fire_of(alert, kNow + 2)}).empty());
  CHECK(store.notifications.list_recent(store.alice, 10).size() == 1);
  CHECK(*store.alerts.find(store.alice, alert.id)->last_fired_at == kNow + 1);
}

TEST_CASE("a second fire of the same alert in one batch is dropped", "[store]") {
  TwoUsers store;
  Alert alert = store.armed(store.alice);
  std::vector<StoredNotification> stored =
      store.notifications.record_fires({store.fire_of(alert), store.fire_of(alert)});
  CHECK(stored.size() == 1);
  CHECK(store.notifications.list_recent(store.alice, 10).size() == 1);
}

TEST_CASE("a fire naming another user than the alert's owner is dropped", "[store]") {
  TwoUsers store;
  Alert alices = store.armed(store.alice);
  NewNotification forged = store.fire_of(alices);
  forged.user_id = store.bob;

  CHECK(store.notifications.record_fires({forged}).empty());
  CHECK(store.alerts.find(store.alice, alices.id)->state == AlertState::armed);
  CHECK(store.notifications.list_recent(store.bob, 10).empty());
  CHECK(store.notifications.list_recent(store.alice, 10).empty());
}

TEST_CASE("a batch stores its valid fires and drops only the stale ones", "[store]") {
  TwoUsers store;
  Alert first = store.armed(store.alice, "AAPL");
  Alert deleted = store.armed(store.alice, "MSFT");
  Alert third = store.armed(store.bob, "NVDA");
  REQUIRE(store.alerts.remove(store.alice, deleted.id));

  std::vector<StoredNotification> stored = store.notifications.record_fires(
      {store.fire_of(first), store.fire_of(deleted), store.fire_of(third)});

  REQUIRE(stored.size() == 2);
  CHECK(stored[0].content.alert_id == first.id);
  CHECK(stored[1].content.alert_id == third.id);
  CHECK(stored[0].id < stored[1].id);
}

TEST_CASE("an empty batch stores nothing", "[store]") {
  TwoUsers store;
  CHECK(store.notifications.record_fires({}).empty());
}

TEST_CASE("record_fires is all or nothing when the store fails mid-batch", "[store]") {
  TwoUsers store;
  Alert first = store.armed(store.alice, "AAPL");
  Alert second = store.armed(store.alice, "FAIL");
  // Make the second notification's insert fail inside the transaction.
  store.temp.db().write([](sql::Connection& c) {
    c.exec(
        "CREATE TRIGGER fail_insert BEFORE INSERT ON notifications WHEN NEW.symbol = 'FAIL' "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  });

  CHECK_THROWS_AS(store.notifications.record_fires({store.fire_of(first), store.fire_of(second)}),
                  sql::SqliteError);

  CHECK(store.alerts.find(store.alice, first.id)->state == AlertState::armed);
  CHECK(store.alerts.find(store.alice, second.id)->state == AlertState::armed);
  CHECK(store.notifications.list_recent(store.alice, 10).empty());
}

TEST_CASE("list_recent returns the user's newest notifications first, up to the limit", "[store]") {
  TwoUsers store;
  NotificationId n1 = notify_once(store, store.alice);
  NotificationId n2 = notify_once(store, store.alice);
  notify_once(store, store.bob);
  NotificationId n3 = notify_once(store, store.alice);

  CHECK(ids(store.notifications.list_recent(store.alice, 10)) ==
        std::vector<NotificationId>{n3, n2, n1});
  CHECK(ids(store.notifications.list_recent(store.alice, 2)) ==
        std::vector<NotificationId>{n3, n2});
  CHECK(store.notifications.list_recent(store.bob, 10).size() == 1);
}

TEST_CASE("list_after returns the user's notifications after an id, oldest first", "[store]") {
  TwoUsers store;
  NotificationId n1 = notify_once(store, store.alice);
  NotificationId n2 = notify_once(store, store.alice);
  NotificationId b1 = notify_once(store, store.bob);
  NotificationId n3 = notify_once(store, store.alice);
  NotificationId n4 = notify_once(store, store.alice);

  CHECK(ids(store.notifications.list_after(store.alice, 0, 100)) ==
        std::vector<NotificationId>{n1, n2, n3, n4});
  CHECK(ids(store.notifications.list_after(store.alice, n2, 100)) ==
        std::vector<NotificationId>{n3, n4});
  CHECK(ids(store.notifications.list_after(store.alice, n1, 2)) ==
        std::vector<NotificationId>{n2, n3});
  CHECK(store.notifications.list_after(store.alice, n4, 100).empty());
  CHECK(ids(store.notifications.list_after(store.bob, 0, 100)) == std::vector<NotificationId>{b1});
}

TEST_CASE("notifications survive a restart", "[store]") {
  TwoUsers store;
  NotificationId id = notify_once(store, store.alice);
  store.temp.reopen();
  NotificationRepository reopened(store.temp.db());
  CHECK(ids(reopened.list_after(store.alice, 0, 10)) == std::vector<NotificationId>{id});
}

TEST_CASE("two fires of a repeating alert in one batch are both stored, in fire order", "[store]") {
  TwoUsers store;
  Alert alert = store.armed(store.alice);
  NewNotification first = store.fire_of(alert, kNow + 1, "150.25");
  first.state_after = AlertState::armed;
  NewNotification second = store.fire_of(alert, kNow + 2, "151.50");
  second.state_after = AlertState::armed;

  std::vector<StoredNotification> stored = store.notifications.record_fires({first, second});

  REQUIRE(stored.size() == 2);
  CHECK(stored[0].id < stored[1].id);
  CHECK(stored[0].content.price == px("150.25"));
  CHECK(stored[1].content.price == px("151.50"));
  std::vector<StoredNotification> kept = store.notifications.list_after(store.alice, 0, 10);
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].id == stored[0].id);
  CHECK(kept[0].content.price == px("150.25"));
  CHECK(kept[1].id == stored[1].id);
  CHECK(kept[1].content.price == px("151.50"));
  CHECK(*store.alerts.find(store.alice, alert.id)->last_fired_at == kNow + 2);
}

TEST_CASE("a large batch returns each fire's own id, in fire order, skipping stale fires",
          "[store]") {
  // 203 fires (more than one multi-row chunk, with a remainder of every
  // smaller size), every seventh for a deleted alert: each returned id must
  // name the row holding that fire's own alert, symbol and price.
  TwoUsers store;
  std::vector<NewNotification> fires;
  std::vector<AlertId> expected;
  for (int i = 0; i < 203; ++i) {
    const UserId user = i % 3 == 0 ? store.bob : store.alice;
    std::string symbol = "S";  // appended: GCC 12's false -Wrestrict on "S" + to_string
    symbol += std::to_string(i);
    Alert alert = store.armed(user, symbol);
    NewNotification fire = store.fire_of(alert, kNow + i, std::to_string(100 + i) + ".5");
    if (i % 7 == 3) {
      REQUIRE(store.alerts.remove(user, alert.id));
    } else {
      expected.push_back(alert.id);
    }
    fires.push_back(fire);
  }

  std::vector<StoredNotification> stored = store.notifications.record_fires(fires);

  REQUIRE(stored.size() == expected.size());
  std::vector<StoredNotification> kept = store.notifications.list_after(store.alice, 0, 1000);
  std::vector<StoredNotification> bobs = store.notifications.list_after(store.bob, 0, 1000);
  kept.insert(kept.end(), bobs.begin(), bobs.end());
  REQUIRE(kept.size() == stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    CHECK(stored[i].content.alert_id == expected[i]);
    if (i > 0) CHECK(stored[i - 1].id < stored[i].id);
    auto row = std::find_if(kept.begin(), kept.end(),
                            [&](const StoredNotification& n) { return n.id == stored[i].id; });
    REQUIRE(row != kept.end());
    CHECK(row->content.alert_id == stored[i].content.alert_id);
    CHECK(row->content.symbol == stored[i].content.symbol);
    CHECK(row->content.price == stored[i].content.price);
    CHECK(row->content.message == stored[i].content.message);
    CHECK(row->content.created_at == stored[i].content.created_at);
  }
}
