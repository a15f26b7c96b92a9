// Row-level alert writes on a connection the caller already holds (inside
// Database::write, usually in a transaction), shared by AlertRepository's
// single-alert methods and its batches (store/alert_batch.cpp).
//
//   db.write([&](sql::Connection& c) { Alert saved = insert_alert_row(c, alert, now); });
//
// Not thread-safe by themselves: the caller holds the writer connection.
#pragma once

#include <string>

#include "rules/condition.hpp"
#include "store/sqlite.hpp"

namespace bw {

// "SELECT <every alert column> FROM alerts " (append WHERE ...), and the
// alert of one row of such a query.
std::string alert_select_sql();
Alert alert_from_columns(const sql::Statement& row);
// Inserts `alert` (managed_file/managed_key too); returns it with id and created_at.
Alert insert_alert_row(sql::Connection& c, Alert alert, TimestampMs now);
// Writes every mutable column of the row (user_id, id) as `alert` has them.
void update_alert_row(sql::Connection& c, const Alert& alert, TimestampMs now);

}  // namespace bw
