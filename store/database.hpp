// Database: the SQLite file of one server. One writer connection (writes are
// serialised, SQLite allows one writer anyway) and a small pool of reader
// connections, so reads never wait behind a write transaction (WAL).
//
//   auto db = Database::open("data/bellwether.db", /*readers=*/4);  // migrates
//   db->write([](sql::Connection& c) { ... });
//   auto n = db->read([](sql::Connection& c) { return ...; });
//
// Thread-safe: write() and read() from any thread; a read waits only when
// every reader connection is in use.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "store/wal_checkpointer.hpp"

namespace bw {

class Database {
 public:
  // Opens or creates the file, applies pending migrations. Throws SqliteError.
  static std::unique_ptr<Database> open(const std::string& path, std::size_t readers);

  template <typename F>
  auto write(F&& work) {
    std::lock_guard lock(writer_mutex_);
    return work(writer_);
  }

  template <typename F>
  auto read(F&& work) {
    Lease lease(*this);
    return work(*lease.connection);
  }

  const std::string& path() const { return path_; }

 private:
  Database(std::string path, sql::Connection writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  struct Lease {
    explicit Lease(Database& db);
    ~Lease();
    Database& db;
    sql::Connection* connection;
  };

  const std::string path_;
  std::mutex writer_mutex_;
  sql::Connection writer_;  // guarded by writer_mutex_
  // Checkpoints the WAL off the commit path (store/wal_checkpointer.hpp);
  // declared after writer_ so it is destroyed (and its hook removed) first.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<sql::Connection>> readers_;  // constant after open
  std::vector<sql::Connection*> free_readers_;             // guarded by readers_mutex_
};

}  // namespace bw
