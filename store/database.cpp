#include "store/database.hpp"

#include "store/schema.hpp"
#include "store/wal_checkpointer.hpp"

namespace bw {

std::unique_ptr<Database> Database::open(const std::string& path, std::size_t readers) {
  sql::Connection writer = sql::Connection::open(path);
  migrate(writer);
  std::unique_ptr<Database> db(new Database(path, std::move(writer)));
  if (path != ":memory:" && !path.empty()) {
    db->checkpointer_ = std::make_unique<WalCheckpointer>(path, db->writer_);
  }
  for (std::size_t i = 0; i < std::max<std::size_t>(readers, 1); ++i) {
    db->readers_.push_back(std::make_unique<sql::Connection>(sql::Connection::open(path)));
    db->free_readers_.push_back(db->readers_.back().get());
  }
  return db;
}

Database::Lease::Lease(Database& database) : db(database) {
  std::unique_lock lock(db.readers_mutex_);
  db.reader_free_.wait(lock, [&] { return !db.free_readers_.empty(); });
  connection = db.free_readers_.back();
  db.free_readers_.pop_back();
}

Database::Lease::~Lease() {
  {
    std::lock_guard lock(db.readers_mutex_);
    db.free_readers_.push_back(connection);
  }
  db.reader_free_.notify_one();
}

}  // namespace bw
