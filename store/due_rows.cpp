#include "store/due_rows.hpp"

#include "store/delivery_repository.hpp"

namespace bw {

std::optional<TimestampMs> next_due_outside(sql::Connection& c, std::string_view sql,
                                            const std::set<std::int64_t>& in_flight,
                                            const DeliveryShard& shard) {
  sql::Statement s(c, sql::kReused, sql);
  s.bind(1, static_cast<std::int64_t>(shard.count))
      .bind(2, static_cast<std::int64_t>(shard.index))
      .bind(3, static_cast<std::int64_t>(in_flight.size() + 1));
  while (s.step()) {
    if (!in_flight.count(s.integer(0))) return s.integer(1);
  }
  return std::nullopt;
}

}  // namespace bw
