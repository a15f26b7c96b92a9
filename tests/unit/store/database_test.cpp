// Specification of bw::Database and the schema migrations.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "store/database.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using bw::testing::TempDatabase;
using bw::testing::TempDirectory;

namespace {

int user_version(sql::Connection& connection) {
  sql::Statement statement(connection, "PRAGMA user_version");
  REQUIRE(statement.step());
  return static_cast<int>(statement.integer(0));
}

int user_version(const std::string& path) {
  sql::Connection connection = sql::Connection::open(path);
  return user_version(connection);
}

bool has_table(sql::Connection& connection, const std::string& name) {
  sql::Statement statement(connection,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  statement.bind(1, name);
  return statement.step();
}

}  // namespace

TEST_CASE("opening a new file creates the schema at the current version", "[store]") {
  TempDatabase temp;
  CHECK(schema_version() >= 1);
  CHECK(user_version(temp.path()) == schema_version());
  temp.db().read([](sql::Connection& c) {
    for (const char* table : {"users", "api_tokens", "alerts", "notifications", "last_prices"}) {
      INFO(table);
      CHECK(has_table(c, table));
    }
  });
}

TEST_CASE("migrate is idempotent on an up-to-date database", "[store]") {
  TempDirectory directory;
  sql::Connection connection = sql::Connection::open(directory.file("db.sqlite"));
  migrate(connection);
  migrate(connection);
  CHECK(user_version(connection) == schema_version());
  CHECK(has_table(connection, "alerts"));
}

TEST_CASE("reopening a database keeps its data and version", "[store]") {
  TempDatabase temp;
  temp.db().write([](sql::Connection& c) {
    c.exec("INSERT INTO users (name, created_at) VALUES ('alice', 1)");
  });
  temp.reopen();
  CHECK(user_version(temp.path()) == schema_version());
  auto count = temp.db().read([](sql::Connection& c) {
    sql::Statement s(c, "SELECT COUNT(*) FROM users");
    REQUIRE(s.step());
    return s.integer(0);
  });
  CHECK(count == 1);
}

TEST_CASE("a database with a newer schema version is refused", "[store]") {
  TempDirectory directory;
  const std::string path = directory.file("db.sqlite");
  {
    sql::Connection connection = sql::Connection::open(path);
    connection.exec("PRAGMA user_version = " + std::to_string(schema_version() + 1));
  }
  CHECK_THROWS_AS(Database::open(path, 1), sql::SqliteError);
  CHECK_THROWS_WITH(Database::open(path, 1), Catch::Contains("newer"));
  // Refusing must not touch the file.
  CHECK(user_version(path) == schema_version() + 1);
}

TEST_CASE("a database that cannot be created is reported as an error", "[store]") {
  TempDirectory directory;
  const std::string path = (directory.path() / "missing" / "db.sqlite").string();
  CHECK_THROWS_AS(Database::open(path, 1), sql::SqliteError);
}

TEST_CASE("reads see what a write committed", "[store]") {
  TempDatabase temp(3);
  temp.db().write([](sql::Connection& c) {
    c.exec("INSERT INTO last_prices (symbol, price, ts) VALUES ('AAPL', 1, 2)");
  });
  for (int i = 0; i < 5; ++i) {  // more reads than reader connections
    auto symbol = temp.db().read([](sql::Connection& c) {
      sql::Statement s(c, "SELECT symbol FROM last_prices");
      REQUIRE(s.step());
      return s.text(0);
    });
    CHECK(symbol == "AAPL");
  }
}

TEST_CASE("a transaction that is not committed rolls back", "[store]") {
  TempDatabase temp;
  temp.db().write([](sql::Connection& c) {
    sql::Transaction transaction(c);
    c.exec("INSERT INTO users (name, created_at) VALUES ('ghost', 1)");
  });
  auto count = temp.db().read([](sql::Connection& c) {
    sql::Statement s(c, "SELECT COUNT(*) FROM users");
    REQUIRE(s.step());
    return s.integer(0);
  });
  CHECK(count == 0);
}

TEST_CASE("the temporary database directory is removed afterwards", "[store]") {
  std::filesystem::path directory;
  {
    TempDatabase temp;
    directory = temp.directory();
    CHECK(std::filesystem::exists(temp.path()));
  }
  CHECK_FALSE(std::filesystem::exists(directory));
}
