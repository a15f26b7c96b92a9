// Schema migrations. Each migration is applied once, in order, inside a
// transaction; PRAGMA user_version records how many have been applied.
// A database newer than this binary is refused rather than guessed at.
#pragma once

#include "store/sqlite.hpp"

namespace bw {

// Applies every pending migration. Throws SqliteError.
void migrate(sql::Connection& connection);
// The schema version this binary writes.
int schema_version();

}  // namespace bw
