// Maintenance: what operators do to the database rather than what the
// server does with it. Backups, integrity checks, retention and the numbers
// /metrics and /readyz read.
//
//   backup_database("data/bellwether.db", "/backup/bw-2026-11-26.db");  // online, consistent
//   DatabaseCheck check = check_database("data/bellwether.db");         // integrity + schema
//   prune_notifications(db, cutoff_ms, 1000);                            // retention batch
//
// Free functions; each opens its own connection or uses Database's, so they
// are safe to call from any thread while the server runs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rules/quote.hpp"
#include "store/database.hpp"

namespace bw {

// Copies a live database into `destination` with SQLite's online backup API
// (a consistent snapshot; the server keeps writing meanwhile). Writes to
// `destination`.tmp and renames it, so a failed backup leaves no partial file.
// Throws SqliteError (missing source, destination exists, I/O error).
void backup_database(const std::string& source, const std::string& destination);

struct DatabaseCheck {
  std::vector<std::string> problems;  // empty: integrity_check said "ok"
  int schema_version = 0;             // PRAGMA user_version of the file
  int supported_version = 0;          // what this binary writes
  bool ok() const { return problems.empty() && schema_version == supported_version; }
};
// Opens `path` read-only and runs PRAGMA integrity_check and
// foreign_key_check. Throws SqliteError when the file cannot be opened.
DatabaseCheck check_database(const std::string& path);

// Deletes up to `limit` notifications created before `cutoff_ms`, oldest
// first; returns how many. Small batches keep the writer's lock short.
std::size_t prune_notifications(Database& db, TimestampMs cutoff_ms, std::size_t limit);

// Alert count per state ("armed", "triggered", ...): for /metrics.
std::map<std::string, std::int64_t> count_alerts_by_state(Database& db);

// Deliveries still to be sent (pending, retrying) per (channel type,
// status): the outbox backlog for /metrics. Reads through the partial index
// of open deliveries, so the size of the delivered history does not matter.
std::map<std::pair<std::string, std::string>, std::int64_t> count_open_deliveries(Database& db);

// True when a reader connection answers a trivial query: for /readyz.
bool database_answers(Database& db);

}  // namespace bw
