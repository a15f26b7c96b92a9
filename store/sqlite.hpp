// Thin RAII over the SQLite C API: a Connection (opened with the pragmas we
// rely on), a prepared Statement with typed bind/column helpers, and a
// Transaction that rolls back unless committed.
//
//   Connection db = Connection::open("data/bw.db");
//   Statement s(db, "SELECT name FROM users WHERE id = ?");
//   s.bind(1, user_id);
//   while (s.step()) use(s.text(0));
//
// Statements run on every batch of a hot path can be kept prepared for the
// connection's lifetime: `Statement s(c, sql::kReused, "...")` borrows the
// connection's cached statement for that text (prepared on first use) and
// resets it when `s` goes away, instead of preparing and finalizing each time.
//
// Errors throw SqliteError: the store's repositories catch nothing, callers
// (HTTP handlers, the notifier) turn it into a 500/503 or a retry. Not
// thread-safe: one Connection per thread at a time (see Database).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace bw::sql {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  // Opens (creating if needed) with WAL, synchronous=NORMAL, busy_timeout and
  // foreign keys on.
  static Connection open(const std::string& path);
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  void exec(std::string_view sql);
  std::int64_t last_insert_id() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  // The connection's kept statement for `sql`, prepared on first use
  // (SQLITE_PREPARE_PERSISTENT) and finalized with the connection. At most
  // one Statement may use a given text at a time.
  sqlite3_stmt* reused(std::string_view sql);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  void close();
  sqlite3* db_ = nullptr;
  // Bound by the number of distinct statement texts passed to reused(): a
  // fixed set of string literals in the code.
  std::unordered_map<std::string, sqlite3_stmt*> reused_;
};

// Tag: borrow the connection's kept statement (Connection::reused).
struct Reused {};
inline constexpr Reused kReused{};

class Statement {
 public:
  Statement(Connection& connection, std::string_view sql);
  // Borrows connection.reused(sql); resets it (and clears its bindings) on
  // destruction instead of finalizing it.
  Statement(Connection& connection, Reused, std::string_view sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  // Binds text without copying it (SQLITE_STATIC): the caller keeps `value`
  // alive and unchanged until the statement is reset or destroyed. For hot
  // paths binding many strings per row.
  Statement& bind_borrowed(int index, std::string_view value);
  Statement& bind(int index, std::nullopt_t);
  Statement& bind(int index, const std::optional<std::int64_t>& value);

  // True while a row is available; false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  std::int64_t integer(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  Connection& connection_;
  sqlite3_stmt* stmt_ = nullptr;
  bool borrowed_ = false;
};

class Transaction {
 public:
  explicit Transaction(Connection& connection);  // BEGIN IMMEDIATE
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back if not committed
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace bw::sql
