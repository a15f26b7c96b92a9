// WalCheckpointer: takes SQLite's WAL checkpoints off the writer's commit
// path. By default SQLite checkpoints inside the commit that pushes the WAL
// past 1000 pages: that commit copies the pages into the database file and
// fsyncs it, so every few batches one group commit takes several times
// longer than the others (the p99). Here a commit hook only signals a
// background thread, which checkpoints (PASSIVE: never blocks the writer or
// readers) on its own connection.
//
//   sql::Connection writer = sql::Connection::open(path);
//   WalCheckpointer checkpointer(path, writer);   // installs the hook
//   // ... commits on `writer` from one thread at a time ...
//   // destroy the checkpointer before the writer connection
//
// Bound: a PASSIVE checkpoint cannot reset the WAL while commits keep
// arriving, so the WAL would grow without end under sustained load. Once it
// holds kWriterCheckpointFactor × threshold pages, the writer checkpoints
// itself after that commit (as SQLite would, but the background thread has
// already copied almost everything), and the next transaction restarts the WAL.
//
// Durability is unchanged: commits still append to the WAL (synchronous=
// NORMAL: no fsync per commit, so a committed row survives a process crash
// or kill -9, not a power loss before the next checkpoint).
//
// Thread safety: the hook runs on whichever thread commits on `writer`; the
// rest is internal. Construct and destroy from the owner.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite.hpp"

namespace bw {

class WalCheckpointer {
 public:
  static constexpr int kDefaultThresholdPages = 1000;  // SQLite's own default
  static constexpr int kWriterCheckpointFactor = 8;

  WalCheckpointer(const std::string& path, sql::Connection& writer,
                  int threshold_pages = kDefaultThresholdPages);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run by the background thread / by the writer (the bound).
  std::uint64_t background_checkpoints() const;
  std::uint64_t writer_checkpoints() const;

 private:
  static int on_commit(void* self, struct sqlite3* db, const char* schema, int wal_pages);
  int after_commit(struct sqlite3* db, const char* schema, int wal_pages);
  void run();

  const int threshold_pages_;
  sql::Connection& writer_;
  sql::Connection connection_;  // the background thread's own
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;             // guarded by mutex_
  bool stopping_ = false;              // guarded by mutex_
  std::uint64_t background_runs_ = 0;  // guarded by mutex_
  std::uint64_t writer_runs_ = 0;      // guarded by mutex_
  std::thread thread_;
};

}  // namespace bw
