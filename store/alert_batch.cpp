// AlertRepository's batches: alerts-as-code sync and bulk import, each one
// transaction.
#include <string>

#include "store/alert_repository.hpp"
#include "store/alert_rows.hpp"

namespace bw {

namespace {

void link_channels(sql::Connection& c, AlertId alert, const std::vector<std::int64_t>& ids) {
  sql::Statement clear(c, "DELETE FROM alert_channels WHERE alert_id = ?");
  clear.bind(1, alert).run();
  sql::Statement link(c,
                      "INSERT OR IGNORE INTO alert_channels (alert_id, channel_id) VALUES (?, ?)");
  for (std::int64_t id : ids) {
    link.reset();
    link.bind(1, alert).bind(2, id).run();
  }
}

std::vector<std::int64_t> channels_of(sql::Connection& c, AlertId alert) {
  sql::Statement s(c, "SELECT channel_id FROM alert_channels WHERE alert_id = ? ORDER BY 1");
  s.bind(1, alert);
  std::vector<std::int64_t> ids;
  while (s.step()) ids.push_back(s.integer(0));
  return ids;
}

std::vector<Alert> apply_writes(sql::Connection& c, const std::vector<AlertWrite>& writes,
                                TimestampMs now) {
  std::vector<Alert> stored;
  for (const AlertWrite& write : writes) {
    switch (write.kind) {
      case AlertWrite::Kind::insert: {
        Alert saved = insert_alert_row(c, write.alert, now);
        link_channels(c, saved.id, write.channels);
        stored.push_back(std::move(saved));
        break;
      }
      case AlertWrite::Kind::update:
        update_alert_row(c, write.alert, now);
        link_channels(c, write.alert.id, write.channels);
        stored.push_back(write.alert);
        break;
      case AlertWrite::Kind::remove: {
        sql::Statement s(c, "DELETE FROM alerts WHERE id = ?");
        s.bind(1, write.alert.id).run();
        break;
      }
    }
  }
  return stored;
}

}  // namespace

std::vector<Alert> AlertRepository::sync_managed(const ManagedPlan& plan, TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    std::vector<AlertWithChannels> managed;
    {
      sql::Statement s(c, alert_select_sql() + "WHERE managed_file IS NOT NULL ORDER BY id");
      while (s.step()) managed.push_back({alert_from_columns(s), {}});
    }
    for (AlertWithChannels& row : managed) row.channels = channels_of(c, row.alert.id);
    std::vector<Alert> stored = apply_writes(c, plan(managed), now);
    transaction.commit();
    return stored;
  });
}

std::vector<Alert> AlertRepository::write_batch(const std::vector<AlertWrite>& writes,
                                                TimestampMs now) {
  return db_.write([&](sql::Connection& c) {
    sql::Transaction transaction(c);
    std::vector<Alert> stored = apply_writes(c, writes, now);
    transaction.commit();
    return stored;
  });
}

}  // namespace bw
