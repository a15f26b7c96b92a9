#include "store/user_settings_repository.hpp"

namespace bw {

std::optional<QuietHoursRow> UserSettingsRepository::quiet_hours(UserId user) {
  return db_.read([&](sql::Connection& c) -> std::optional<QuietHoursRow> {
    sql::Statement s(c,
                     "SELECT quiet_start, quiet_end, quiet_timezone FROM user_settings "
                     "WHERE user_id = ? AND quiet_start IS NOT NULL");
    s.bind(1, user);
    if (!s.step()) return std::nullopt;
    return QuietHoursRow{static_cast<int>(s.integer(0)), static_cast<int>(s.integer(1)), s.text(2)};
  });
}

std::int64_t UserSettingsRepository::save_quiet_hours(UserId user,
                                                      const std::optional<QuietHoursRow>& quiet,
                                                      TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    sql::Statement upsert(c,
                          "INSERT INTO user_settings (user_id, quiet_start, quiet_end, "
                          "quiet_timezone) VALUES (?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE "
                          "SET quiet_start = excluded.quiet_start, quiet_end = "
                          "excluded.quiet_end, quiet_timezone = excluded.quiet_timezone");
    upsert.bind(1, user);
    if (quiet) {
      upsert.bind(2, std::int64_t{quiet->start_minute})
          .bind(3, std::int64_t{quiet->end_minute})
          .bind(4, std::string_view(quiet->timezone));
    } else {
      upsert.bind(2, std::nullopt).bind(3, std::nullopt).bind(4, std::nullopt);
    }
    upsert.run();
    sql::Statement release(c,
                           "UPDATE deliveries SET next_attempt_at = ?, quiet_deferred = 0, "
                           "updated_at = ? WHERE user_id = ? AND quiet_deferred = 1 "
                           "AND status IN ('pending', 'retrying')");
    release.bind(1, now).bind(2, now).bind(3, user).run();
    const std::int64_t released = c.changes();
    // Digests held back the same way become due too.
    sql::Statement digests(c,
                           "UPDATE digests SET next_attempt_at = ? WHERE user_id = ? AND "
                           "status IN ('collecting', 'retrying') AND next_attempt_at > ?");
    digests.bind(1, now).bind(2, user).bind(3, now).run();
    transaction.commit();
    return released;
  });
}

}  // namespace bw
