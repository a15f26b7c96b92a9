// Specification of record_admin_notification: one stored notification per
// enabled admin, none for other users.
#include <catch2/catch.hpp>

#include "store/accounts.hpp"
#include "store/notification_repository.hpp"
#include "store/system_notifications.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;

namespace {
constexpr TimestampMs kNow = 1'764'169'200'000;

UserId add(Accounts& accounts, const std::string& name, bool admin) {
  NewUser user;
  user.name = name;
  user.admin = admin;
  Result<User> created = accounts.create_user(user, kNow);
  REQUIRE(created.ok());
  return created->id;
}
}  // namespace

TEST_CASE("a system notification is stored for every enabled admin only", "[store]") {
  bw::testing::TempDatabase temp;
  Accounts accounts(temp.db());
  const UserId ops = add(accounts, "ops", true);
  const UserId root = add(accounts, "root", true);
  const UserId alice = add(accounts, "alice", false);
  const UserId gone = add(accounts, "gone", true);
  REQUIRE(accounts.set_disabled(gone, true));

  std::vector<StoredNotification> sent =
      record_admin_notification(temp.db(), "source poly (polygon_ws) is down: auth failed", kNow);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0].content.user_id == ops);
  CHECK(sent[1].content.user_id == root);
  CHECK(sent[0].content.alert_id == 0);

  NotificationRepository notifications(temp.db());
  std::vector<StoredNotification> listed = notifications.list_recent(ops, 10);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == sent[0].id);
  CHECK(listed[0].content.message == "source poly (polygon_ws) is down: auth failed");
  CHECK(listed[0].content.created_at == kNow);
  CHECK(notifications.list_recent(alice, 10).empty());
  CHECK(notifications.list_recent(gone, 10).empty());
}
