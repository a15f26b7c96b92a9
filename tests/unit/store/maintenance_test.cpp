// Specification of the store's maintenance functions: online backup,
// integrity check, notification retention, and the numbers /metrics reads.
#include "store/maintenance.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "store/schema.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using namespace bw::testing;

TEST_CASE("a backup holds every committed row and opens as a database", "[store]") {
  TwoUsers s;
  Alert alert = s.armed(s.alice);
  s.notifications.record_fires({s.fire_of(alert)});
  const std::string copy = s.temp.directory() / "backup.db";
  backup_database(s.temp.path(), copy);

  CHECK_FALSE(std::filesystem::exists(copy + ".tmp"));
  auto restored = Database::open(copy, 1);
  NotificationRepository notifications(*restored);
  CHECK(notifications.list_after(s.alice, 0, 10).size() == 1);
  CHECK(check_database(copy).ok());
}

TEST_CASE("a backup never overwrites an existing file", "[store]") {
  TwoUsers s;
  const std::string copy = s.temp.directory() / "backup.db";
  backup_database(s.temp.path(), copy);
  CHECK_THROWS_WITH(backup_database(s.temp.path(), copy), Catch::Contains("already exists"));
}

TEST_CASE("a backup of a missing database fails and creates nothing", "[store]") {
  TempDirectory dir("bw-backup");
  CHECK_THROWS_WITH(backup_database(dir.file("none.db"), dir.file("copy.db")),
                    Catch::Contains("no database at"));
  CHECK_FALSE(std::filesystem::exists(dir.file("copy.db")));
}

TEST_CASE("the check reports the schema version and a healthy file", "[store]") {
  TwoUsers s;
  DatabaseCheck check = check_database(s.temp.path());
  CHECK(check.problems.empty());
  CHECK(check.schema_version == schema_version());
  CHECK(check.supported_version == schema_version());
  CHECK(check.ok());
}

TEST_CASE("the check reports a damaged file", "[store]") {
  TempDirectory dir("bw-check");
  const std::string path = dir.file("bad.db");
  { std::ofstream(path) << "this is not a database"; }
  CHECK_THROWS(check_database(path));  // not even a header: cannot be opened as SQLite
}

TEST_CASE("pruning deletes only notifications older than the cutoff in batches", "[store]") {
  TwoUsers s;
  std::vector<NewNotification> fires;  // one per alert: a `once` alert records one fire
  for (int i = 0; i < 5; ++i) {
    Alert alert = s.armed(s.alice, "AAPL", ConditionType::crossing_up, std::to_string(150 + i));
    fires.push_back(s.fire_of(alert, kNow + i));
  }
  REQUIRE(s.notifications.record_fires(fires).size() == 5);

  CHECK(prune_notifications(s.temp.db(), kNow + 3, 2) == 2);  // batch limit
  CHECK(prune_notifications(s.temp.db(), kNow + 3, 2) == 1);
  CHECK(prune_notifications(s.temp.db(), kNow + 3, 2) == 0);
  std::vector<StoredNotification> left = s.notifications.list_after(s.alice, 0, 10);
  REQUIRE(left.size() == 2);
  CHECK(left[0].content.created_at == kNow + 3);
}

TEST_CASE("alerts are counted by state", "[store]") {
  TwoUsers s;
  s.armed(s.alice);
  s.armed(s.bob);
  std::map<std::string, std::int64_t> counts = count_alerts_by_state(s.temp.db());
  CHECK(counts == std::map<std::string, std::int64_t>{{"armed", 2}});
  CHECK(database_answers(s.temp.db()));
}
