#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace bw::sql {

namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw SqliteError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// SQLite's memory statistics take a global mutex around every malloc and
// free (about 3 % of the CPU of a group commit); nothing here reads them.
// Must run before SQLite initializes; if something initialized it already,
// sqlite3_config refuses (SQLITE_MISUSE) and the default stays, harmlessly.
void configure_library_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}
}  // namespace

Connection Connection::open(const std::string& path) {
  configure_library_once();
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection connection(db);
  if (rc != SQLITE_OK) fail(db, "cannot open database " + path);
  sqlite3_busy_timeout(db, 5000);
  connection.exec("PRAGMA journal_mode=WAL");
  connection.exec("PRAGMA synchronous=NORMAL");
  connection.exec("PRAGMA foreign_keys=ON");
  return connection;
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), reused_(std::move(other.reused_)) {
  other.reused_.clear();
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    reused_ = std::move(other.reused_);
    other.reused_.clear();
  }
  return *this;
}

Connection::~Connection() {
  close();
}

void Connection::close() {
  for (auto& [text, stmt] : reused_) sqlite3_finalize(stmt);
  reused_.clear();
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

sqlite3_stmt* Connection::reused(std::string_view sql) {
  auto it = reused_.find(std::string(sql));
  if (it != reused_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    fail(db_, "prepare failed");
  }
  reused_.emplace(std::string(sql), stmt);
  return stmt;
}

void Connection::exec(std::string_view sql) {
  char* message = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string reason = message ? message : "unknown error";
    sqlite3_free(message);
    throw SqliteError("sql failed (" + text.substr(0, 60) + "): " + reason);
  }
}

std::int64_t Connection::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}
int Connection::changes() const {
  return sqlite3_changes(db_);
}

Statement::Statement(Connection& connection, std::string_view sql) : connection_(connection) {
  if (sqlite3_prepare_v2(connection.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_,
                         nullptr) != SQLITE_OK) {
    fail(connection.handle(), "prepare failed");
  }
}

Statement::Statement(Connection& connection, Reused, std::string_view sql)
    : connection_(connection), stmt_(connection.reused(sql)), borrowed_(true) {}

Statement::~Statement() {
  if (!borrowed_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(connection_.handle(), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(connection_.handle(), "bind");
  }
  return *this;
}

Statement& Statement::bind_borrowed(int index, std::string_view value) {
  // An empty view may have a null data(), which SQLite would bind as NULL.
  const char* data = value.empty() ? "" : value.data();
  if (sqlite3_bind_text(stmt_, index, data, static_cast<int>(value.size()), SQLITE_STATIC) !=
      SQLITE_OK) {
    fail(connection_.handle(), "bind");
  }
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(connection_.handle(), "bind");
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind(index, std::nullopt);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(connection_.handle(), "step failed");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  const unsigned char* data = sqlite3_column_text(stmt_, column);
  if (!data) return {};
  return std::string(reinterpret_cast<const char*>(data),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const SqliteError&) {
    // Nothing to do: SQLite already rolled back (e.g. after SQLITE_FULL).
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

}  // namespace bw::sql
