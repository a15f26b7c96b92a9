// DeliveryRepository::first_attempts_since and mark_first_attempts: the
// tokens channels spent recently, for rebuilding the dispatcher's buckets
// after a restart (see delivery_repository.hpp and notify/token_bucket.hpp).
#include "store/delivery_repository.hpp"

namespace bw {

std::vector<FirstAttempt> DeliveryRepository::first_attempts_since(TimestampMs since,
                                                                   std::size_t limit) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c,
                     "SELECT channel_id, first_attempt_at FROM deliveries "
                     "WHERE first_attempt_at IS NOT NULL AND first_attempt_at >= ? "
                     "ORDER BY first_attempt_at DESC LIMIT ?");
    s.bind(1, since).bind(2, static_cast<std::int64_t>(limit));
    std::vector<FirstAttempt> out;
    while (s.step()) out.push_back(FirstAttempt{s.integer(0), s.integer(1)});
    return out;
  });
}

void DeliveryRepository::mark_first_attempts(const std::vector<DeliveryId>& ids,
                                             TimestampMs started) {
  if (ids.empty()) return;
  db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement s(c, sql::kReused,
                     "UPDATE deliveries SET first_attempt_at = ? WHERE id = ? "
                     "AND attempts = 0 AND first_attempt_at IS NULL");
    for (DeliveryId id : ids) {
      s.reset();
      s.bind(1, started).bind(2, id).run();
    }
    transaction.commit();
  });
}

}  // namespace bw
