#include "store/maintenance.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "store/schema.hpp"

namespace bw {

namespace {

// A raw handle for the few operations sql::Connection does not model
// (read-only open, the backup API).
class RawHandle {
 public:
  RawHandle(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      std::string reason = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close_v2(db_);
      throw sql::SqliteError("cannot open database " + path + ": " + reason);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawHandle() { sqlite3_close_v2(db_); }
  RawHandle(const RawHandle&) = delete;
  RawHandle& operator=(const RawHandle&) = delete;
  sqlite3* get() const { return db_; }

  // Every row's first column as text.
  std::vector<std::string> column(const char* sql) const {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      throw sql::SqliteError(std::string(sql) + ": " + sqlite3_errmsg(db_));
    }
    std::vector<std::string> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw sql::SqliteError(std::string(sql) + ": " + sqlite3_errmsg(db_));
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

void backup_database(const std::string& source, const std::string& destination) {
  namespace fs = std::filesystem;
  if (!fs::exists(source)) throw sql::SqliteError("no database at " + source);
  if (fs::exists(destination)) {
    throw sql::SqliteError(destination + " already exists; choose a new file name");
  }
  const std::string partial = destination + ".tmp";
  fs::remove(partial);
  {
    RawHandle from(source, SQLITE_OPEN_READONLY);
    RawHandle to(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
    if (!backup) throw sql::SqliteError("backup: " + std::string(sqlite3_errmsg(to.get())));
    // One step copies every page under one read transaction: a consistent
    // snapshot. In WAL mode the server's writer is not blocked meanwhile.
    const int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      std::string reason = sqlite3_errstr(rc);
      fs::remove(partial);
      throw sql::SqliteError("backup of " + source + " failed: " + reason);
    }
    // The copy is a standalone file: rollback journal, nothing left in a WAL.
    sqlite3_exec(to.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  }
  fs::rename(partial, destination);
}

DatabaseCheck check_database(const std::string& path) {
  if (!std::filesystem::exists(path)) throw sql::SqliteError("no database at " + path);
  RawHandle db(path, SQLITE_OPEN_READONLY);
  DatabaseCheck check;
  check.supported_version = schema_version();
  check.schema_version = std::stoi(db.column("PRAGMA user_version").at(0));
  for (std::string& row : db.column("PRAGMA integrity_check")) {
    if (row != "ok") check.problems.push_back(std::move(row));
  }
  for (std::string& table : db.column("PRAGMA foreign_key_check")) {
    check.problems.push_back("foreign key violation in table " + table);
  }
  return check;
}

std::size_t prune_notifications(Database& db, TimestampMs cutoff_ms, std::size_t limit) {
  return db.write([&](sql::Connection& c) {
    sql::Statement statement(c,
                             "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications "
                             "WHERE created_at < ? ORDER BY id LIMIT ?)");
    statement.bind(1, static_cast<std::int64_t>(cutoff_ms));
    statement.bind(2, static_cast<std::int64_t>(limit));
    statement.run();
    return static_cast<std::size_t>(c.changes());
  });
}

std::map<std::string, std::int64_t> count_alerts_by_state(Database& db) {
  return db.read([](sql::Connection& c) {
    std::map<std::string, std::int64_t> counts;
    sql::Statement statement(c, "SELECT state, COUNT(*) FROM alerts GROUP BY state");
    while (statement.step()) counts[statement.text(0)] = statement.integer(1);
    return counts;
  });
}

std::map<std::pair<std::string, std::string>, std::int64_t> count_open_deliveries(Database& db) {
  return db.read([](sql::Connection& c) {
    std::map<std::pair<std::string, std::string>, std::int64_t> counts;
    sql::Statement statement(c,
                             "SELECT channels.type, deliveries.status, COUNT(*) FROM deliveries "
                             "INDEXED BY deliveries_due JOIN channels ON channels.id = "
                             "deliveries.channel_id WHERE deliveries.status IN ('pending', "
                             "'retrying') GROUP BY 1, 2");
    while (statement.step()) {
      counts[{statement.text(0), statement.text(1)}] = statement.integer(2);
    }
    return counts;
  });
}

bool database_answers(Database& db) {
  try {
    return db.read([](sql::Connection& c) {
      sql::Statement statement(c, "SELECT 1");
      return statement.step() && statement.integer(0) == 1;
    });
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace bw
