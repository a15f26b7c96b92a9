// The outbox's "when is the next one due" for deliveries and digests alike:
// the earliest next_attempt_at among due-ordered rows that are not already
// in flight in this process (their rows stay open until the outcome is
// written; a dispatcher that waited for them would spin).
//
//   // SQL: SELECT id, next_attempt_at ... WHERE <open> AND channel_id % ?1 = ?2
//   //      ORDER BY next_attempt_at, id LIMIT ?3
//   std::optional<TimestampMs> next = next_due_outside(c, kSql, in_flight, shard);
//
// Reads at most in_flight.size() + 1 rows. Not thread-safe: one Connection.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string_view>

#include "rules/quote.hpp"
#include "store/sqlite.hpp"

namespace bw {

struct DeliveryShard;

std::optional<TimestampMs> next_due_outside(sql::Connection& c, std::string_view sql,
                                            const std::set<std::int64_t>& in_flight,
                                            const DeliveryShard& shard);

}  // namespace bw
