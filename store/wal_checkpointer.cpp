#include "store/wal_checkpointer.hpp"

#include <sqlite3.h>

#include "platform/thread_setup.hpp"

namespace bw {

WalCheckpointer::WalCheckpointer(const std::string& path, sql::Connection& writer,
                                 int threshold_pages)
    : threshold_pages_(threshold_pages > 0 ? threshold_pages : kDefaultThresholdPages),
      writer_(writer),
      connection_(sql::Connection::open(path)) {
  thread_ = std::thread([this] {
    setup_thread("bw-checkpoint", ThreadRole::background);
    run();
  });
  // Replaces SQLite's auto-checkpoint hook (wal_autocheckpoint) on the writer.
  sqlite3_wal_hook(writer_.handle(), &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  // Back to SQLite's own policy for whatever the writer still commits.
  sqlite3_wal_autocheckpoint(writer_.handle(), threshold_pages_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::uint64_t WalCheckpointer::background_checkpoints() const {
  std::lock_guard lock(mutex_);
  return background_runs_;
}

std::uint64_t WalCheckpointer::writer_checkpoints() const {
  std::lock_guard lock(mutex_);
  return writer_runs_;
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  return static_cast<WalCheckpointer*>(self)->after_commit(db, schema, wal_pages);
}

// Runs on the committing thread, after the commit: keep it short.
int WalCheckpointer::after_commit(sqlite3* db, const char* schema, int wal_pages) {
  if (wal_pages < threshold_pages_) return SQLITE_OK;
  if (wal_pages >= threshold_pages_ * kWriterCheckpointFactor) {
    // The bound (see the header). Errors (e.g. SQLITE_BUSY) only mean the
    // WAL stays longer for now: the commit itself has succeeded.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    std::lock_guard lock(mutex_);
    ++writer_runs_;
    return SQLITE_OK;
  }
  {
    std::lock_guard lock(mutex_);
    if (requested_) return SQLITE_OK;
    requested_ = true;
  }
  wake_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || requested_; });
    if (stopping_) return;
    requested_ = false;  // a commit during the run asks for the next one
    lock.unlock();
    // PASSIVE: copies what no reader still needs, waits for no lock. A
    // failure (busy) is retried on the next signal.
    sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    lock.lock();
    ++background_runs_;
  }
}

}  // namespace bw
