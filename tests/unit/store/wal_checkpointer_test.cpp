// Specification of bw::WalCheckpointer: WAL checkpoints leave the commit path.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/sqlite.hpp"
#include "store/wal_checkpointer.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using bw::testing::TempDirectory;

namespace {

// Commits `count` transactions of one ~4 KiB row each (about a WAL page per commit).
void commit_rows(sql::Connection& writer, int count) {
  const std::string payload(4000, 'x');
  for (int i = 0; i < count; ++i) {
    sql::Transaction transaction(writer);
    sql::Statement insert(writer, "INSERT INTO t (payload) VALUES (?)");
    insert.bind(1, std::string_view(payload)).run();
    transaction.commit();
  }
}

std::int64_t row_count(sql::Connection& connection) {
  sql::Statement count(connection, "SELECT count(*) FROM t");
  REQUIRE(count.step());
  return count.integer(0);
}

}  // namespace

TEST_CASE("a WAL past the threshold is checkpointed by the background thread", "[store]") {
  TempDirectory directory;
  const std::string path = directory.file("wal.db");
  sql::Connection writer = sql::Connection::open(path);
  writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
  WalCheckpointer checkpointer(path, writer, /*threshold_pages=*/20);

  commit_rows(writer, 40);

  // The signal is asynchronous: wait for the thread (bounded), not for a time.
  for (int i = 0; i < 1000 && checkpointer.background_checkpoints() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(checkpointer.background_checkpoints() >= 1);
  CHECK(checkpointer.writer_checkpoints() == 0);  // 40 pages stay under 8 x 20
}

TEST_CASE("the writer checkpoints itself once the WAL reaches the bound", "[store]") {
  TempDirectory directory;
  const std::string path = directory.file("wal.db");
  sql::Connection writer = sql::Connection::open(path);
  writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
  // A reader holding a snapshot keeps every frame in the WAL, so the
  // background checkpoints cannot reset it and it grows to the bound.
  sql::Connection reader = sql::Connection::open(path);
  reader.exec("BEGIN");
  CHECK(row_count(reader) == 0);
  WalCheckpointer checkpointer(path, writer, /*threshold_pages=*/5);

  commit_rows(writer, 5 * WalCheckpointer::kWriterCheckpointFactor + 5);

  CHECK(checkpointer.writer_checkpoints() >= 1);
  reader.exec("COMMIT");
}

TEST_CASE("committed rows survive closing without a final checkpoint", "[store]") {
  TempDirectory directory;
  const std::string path = directory.file("wal.db");
  {
    sql::Connection writer = sql::Connection::open(path);
    writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
    WalCheckpointer checkpointer(path, writer, /*threshold_pages=*/10);
    commit_rows(writer, 25);
  }
  sql::Connection reopened = sql::Connection::open(path);
  CHECK(row_count(reopened) == 25);
}
