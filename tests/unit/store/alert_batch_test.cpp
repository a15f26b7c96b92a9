// Specification of AlertRepository's batches (alerts as code, bulk import):
// managed rows keep their mark, a batch is all or nothing, and the API's
// remove() never deletes a managed alert.
#include <catch2/catch.hpp>

#include "store/alert_repository.hpp"
#include "store/channel_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::kNow;
using bw::testing::px;
using bw::testing::TwoUsers;

namespace {

Alert managed(UserId user, std::string key, std::string_view price = "150") {
  Alert alert;
  alert.user_id = user;
  alert.symbol = "AAPL";
  alert.condition = Condition{ConditionType::above, px(price)};
  alert.managed_file = "desk.toml";
  alert.managed_key = std::move(key);
  return alert;
}

}  // namespace

TEST_CASE("sync_managed shows the plan every managed alert and applies its writes",
          "[store][alerts_as_code]") {
  TwoUsers store;
  ChannelRepository channels(store.temp.db());
  const Channel hook = channels.insert(
      {0, store.alice, ChannelType::webhook, "https://h.example/x", "s", true, "", 0}, kNow);
  store.armed(store.alice);  // made through the API: the plan never sees it
  std::vector<Alert> added = store.alerts.sync_managed(
      [&](const std::vector<AlertWithChannels>& existing) {
        CHECK(existing.empty());
        return std::vector<AlertWrite>{
            {AlertWrite::Kind::insert, managed(store.alice, "a"), {hook.id}},
            {AlertWrite::Kind::insert, managed(store.bob, "b"), {}}};
      },
      kNow);
  REQUIRE(added.size() == 2);
  CHECK(channels.for_alert(added[0].id) == std::vector<ChannelId>{hook.id});
  CHECK(store.alerts.find(store.alice, added[0].id)->managed_key == "a");

  Alert changed = added[0];
  changed.condition.price = px("160");
  store.alerts.sync_managed(
      [&](const std::vector<AlertWithChannels>& existing) {
        REQUIRE(existing.size() == 2);
        CHECK(existing[0].alert.managed_file == "desk.toml");
        CHECK(existing[0].channels == std::vector<std::int64_t>{hook.id});
        return std::vector<AlertWrite>{{AlertWrite::Kind::update, changed, {}},
                                       {AlertWrite::Kind::remove, added[1], {}}};
      },
      kNow + 1);
  CHECK(store.alerts.find(store.alice, added[0].id)->condition.price == px("160"));
  CHECK(store.alerts.find(store.alice, added[0].id)->managed_key == "a");
  CHECK(channels.for_alert(added[0].id).empty());
  CHECK_FALSE(store.alerts.find(store.bob, added[1].id));
}

TEST_CASE("a batch with a failing write changes nothing", "[store][alerts_as_code]") {
  TwoUsers store;
  Alert ok = managed(store.alice, "a");
  Alert duplicate = managed(store.alice, "a");  // (file, id) is unique
  CHECK_THROWS(store.alerts.write_batch(
      {{AlertWrite::Kind::insert, ok, {}}, {AlertWrite::Kind::insert, duplicate, {}}}, kNow));
  CHECK(store.alerts.list_for_user(store.alice).empty());
  CHECK_THROWS(store.alerts.write_batch(
      {{AlertWrite::Kind::insert, ok, {}}, {AlertWrite::Kind::insert, ok, {424242}}}, kNow));
  CHECK(store.alerts.list_for_user(store.alice).empty());
}

TEST_CASE("remove() leaves managed alerts alone", "[store][alerts_as_code]") {
  TwoUsers store;
  std::vector<Alert> saved =
      store.alerts.write_batch({{AlertWrite::Kind::insert, managed(store.alice, "a"), {}}}, kNow);
  CHECK_FALSE(store.alerts.remove(store.alice, saved[0].id));
  CHECK(store.alerts.find(store.alice, saved[0].id));
  const Alert own = store.armed(store.alice);
  CHECK(store.alerts.remove(store.alice, own.id));
}
