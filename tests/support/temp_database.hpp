// TempDatabase: a bw::Database in a fresh temporary directory, removed (with
// the WAL files) when the TempDatabase is destroyed.
//
//   bw::testing::TempDatabase temp;
//   bw::AlertRepository alerts(temp.db());
//   temp.reopen();   // close and open the same file again (restart)
//
// TempDirectory alone is for tests that write other files (config tests).
// Not thread-safe itself; the Database it holds is.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <system_error>

#include "store/database.hpp"

namespace bw::testing {

// A uniquely named directory under the system temp directory.
class TempDirectory {
 public:
  explicit TempDirectory(const std::string& prefix = "bw-test") {
    static std::atomic<unsigned> sequence{0};
    std::random_device entropy;
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "-" + std::to_string(stamp) + "-" + std::to_string(entropy()) + "-" +
             std::to_string(sequence++));
    std::filesystem::create_directories(path_);
  }
  ~TempDirectory() {
    std::error_code ignored;  // best effort: a leftover temp dir is not a test failure
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class TempDatabase {
 public:
  explicit TempDatabase(std::size_t readers = 2)
      : directory_("bw-db"), readers_(readers), db_(Database::open(path(), readers_)) {}

  Database& db() { return *db_; }
  std::string path() const { return directory_.file("bellwether.db"); }
  const std::filesystem::path& directory() const { return directory_.path(); }

  // Closes the database and opens the same file again.
  void reopen() {
    db_.reset();
    db_ = Database::open(path(), readers_);
  }

 private:
  TempDirectory directory_;  // declared first: destroyed after the database closes
  std::size_t readers_;
  std::unique_ptr<Database> db_;
};

}  // namespace bw::testing
