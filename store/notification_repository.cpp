#include "store/notification_repository.hpp"

#include <optional>
#include <string>
#include <unordered_set>

#include "store/multi_row_sql.hpp"

namespace bw {

namespace {

constexpr const char* kColumns =
    "SELECT id, alert_id, user_id, symbol, price, message, created_at, email_subject, "
    "email_body FROM notifications ";

StoredNotification from_row(const sql::Statement& row) {
  NewNotification content;
  content.alert_id = row.integer(1);
  content.user_id = row.integer(2);
  content.symbol = row.text(3);
  content.price = Price::from_units(row.integer(4));
  content.message = row.text(5);
  content.created_at = row.integer(6);
  content.email_subject = row.is_null(7) ? "" : row.text(7);
  content.email_body = row.is_null(8) ? "" : row.text(8);
  return StoredNotification{row.integer(0), std::move(content)};
}

// Borrows `text` (see Statement::bind_borrowed): it must outlive the step.
void bind_optional_text(sql::Statement& s, int index, const std::string& text) {
  if (text.empty()) {
    s.bind(index, std::nullopt);
  } else {
    s.bind_borrowed(index, text);
  }
}

std::optional<std::string> optional_text(const sql::Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.text(column);
}

// The templates of the fire's alert, when it has any (one primary-key
// lookup; no row for the common alert without templates).
std::optional<AlertTexts> alert_texts(sql::Statement& lookup, AlertId alert) {
  lookup.reset();
  lookup.bind(1, alert);
  if (!lookup.step()) return std::nullopt;
  AlertTexts texts;
  texts.alert_name = lookup.text(0);
  texts.user_name = lookup.text(1);
  texts.templates.message = optional_text(lookup, 2);
  texts.templates.email_subject = optional_text(lookup, 3);
  texts.templates.email_body = optional_text(lookup, 4);
  return texts;
}

// Whether any alert has message templates: one index probe, so a server
// whose users use none skips the batch query below altogether.
bool any_templates(sql::Connection& c) {
  sql::Statement any(c, sql::kReused, "SELECT EXISTS (SELECT 1 FROM alert_messages)");
  return any.step() && any.integer(0) != 0;
}

// The alerts of `fires` that have message templates, in one query per batch
// (most alerts have none, so a per-fire probe would mostly miss).
std::unordered_set<AlertId> alerts_with_templates(sql::Connection& c,
                                                  const std::vector<NewNotification>& fires) {
  if (!any_templates(c)) return {};
  std::string ids = "[";
  for (const NewNotification& fire : fires) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(fire.alert_id);
  }
  ids += ']';
  sql::Statement query(c, sql::kReused,
                       "SELECT alert_id FROM alert_messages WHERE alert_id IN "
                       "(SELECT value FROM json_each(?))");
  query.bind(1, std::string_view(ids));
  std::unordered_set<AlertId> found;
  while (query.step()) found.insert(query.integer(0));
  return found;
}

// Rows per multi-row notification INSERT, largest first (a batch of 256 is
// four statements instead of 256); 64 rows bind 512 parameters.
constexpr int kColumnsPerRow = 8;

const MultiRowSql<7>& notification_inserts() {
  static const MultiRowSql<7> inserts(
      {64, 32, 16, 8, 4, 2, 1},
      "INSERT INTO notifications (alert_id, user_id, symbol, price, message, created_at, "
      "email_subject, email_body) VALUES ",
      kColumnsPerRow);
  return inserts;
}

// Inserts the notifications of `rows` in order and sets their ids. Each
// multi-row INSERT assigns consecutive rowids in row order (the writer
// connection is the only writer and runs inside the batch's transaction),
// so a chunk's ids end at last_insert_rowid.
void insert_notifications(sql::Connection& c, std::vector<StoredNotification>& rows) {
  notification_inserts().for_each_chunk(
      rows.size(), [&](const std::string& text, std::size_t first, std::size_t size) {
        sql::Statement insert(c, sql::kReused, text);
        for (std::size_t row = 0; row < size; ++row) {
          const NewNotification& n = rows[first + row].content;
          const int base = static_cast<int>(row) * kColumnsPerRow;
          insert.bind(base + 1, n.alert_id)
              .bind(base + 2, n.user_id)
              .bind_borrowed(base + 3, n.symbol)
              .bind(base + 4, n.price.units())
              .bind_borrowed(base + 5, n.message)
              .bind(base + 6, n.created_at);
          bind_optional_text(insert, base + 7, n.email_subject);
          bind_optional_text(insert, base + 8, n.email_body);
        }
        insert.run();
        const NotificationId last = c.last_insert_id();
        for (std::size_t row = 0; row < size; ++row) {
          rows[first + row].id = last - static_cast<NotificationId>(size - 1 - row);
        }
      });
}

// The outbox: one delivery per enabled channel of each alert, for the
// notifications [first, last] this transaction has just inserted (one
// statement per batch; ids are assigned in order and no other writer runs,
// so the range holds exactly this batch). In the same transaction, so a
// committed notification always has its deliveries.
// Returns the number of rows written. (Counting them per notification with
// RETURNING cost the group commit 5-12 % of its throughput.)
std::size_t insert_outbox_rows(sql::Connection& c, NotificationId first, NotificationId last) {
  sql::Statement outbox(
      c, sql::kReused,
      "INSERT INTO deliveries (notification_id, channel_id, user_id, status, "
      "attempts, next_attempt_at, created_at, updated_at) "
      "SELECT n.id, ac.channel_id, n.user_id, 'pending', 0, n.created_at, n.created_at, "
      "n.created_at FROM notifications n "
      "JOIN alert_channels ac ON ac.alert_id = n.alert_id "
      "JOIN channels ch ON ch.id = ac.channel_id "
      "WHERE n.id BETWEEN ? AND ? AND ch.enabled = 1 ORDER BY n.id, ac.channel_id");
  outbox.bind(1, first).bind(2, last).run();
  return static_cast<std::size_t>(c.changes());
}

std::vector<StoredNotification> collect(sql::Statement& statement) {
  std::vector<StoredNotification> out;
  while (statement.step()) out.push_back(from_row(statement));
  return out;
}

}  // namespace

std::vector<StoredNotification> NotificationRepository::record_fires(
    const std::vector<NewNotification>& fires, const FireTextRenderer& render) {
  return db_.write([&](sql::Connection& c) {
    std::vector<StoredNotification> stored;
    stored.reserve(fires.size());
    sql::Transaction transaction(c);
    // Kept prepared on the writer connection (one set for every batch).
    sql::Statement mark(c, sql::kReused,
                        "UPDATE alerts SET state = ?, last_fired_at = ?, rearm_wait = ?, "
                        "updated_at = ? WHERE id = ? AND user_id = ? AND revision = ? "
                        "AND state = 'armed'");
    const std::unordered_set<AlertId> templated =
        render ? alerts_with_templates(c, fires) : std::unordered_set<AlertId>{};
    std::optional<sql::Statement> lookup;
    if (!templated.empty()) {
      lookup.emplace(c,
                     "SELECT a.name, u.name, m.message_template, m.email_subject_template, "
                     "m.email_body_template FROM alert_messages m "
                     "JOIN alerts a ON a.id = m.alert_id JOIN users u ON u.id = a.user_id "
                     "WHERE m.alert_id = ?");
    }
    // First each fire's alert, in fire order (so a second fire of a repeating
    // alert sees the first one's update); the accepted fires' notifications
    // then go in with a few multi-row INSERTs (insert_notifications).
    for (std::size_t index = 0; index < fires.size(); ++index) {
      const NewNotification& fired = fires[index];
      mark.reset();
      mark.bind_borrowed(1, alert_state_name(fired.state_after))
          .bind(2, fired.fired_at.value_or(fired.created_at))
          .bind_borrowed(3, rearm_wait_name(fired.rearm_wait))
          .bind(4, fired.created_at)
          .bind(5, fired.alert_id)
          .bind(6, fired.user_id)
          .bind(7, fired.revision)
          .run();
      if (c.changes() != 1) continue;
      StoredNotification& accepted = stored.emplace_back(StoredNotification{0, fired});
      if (lookup && templated.contains(fired.alert_id)) {
        if (std::optional<AlertTexts> texts = alert_texts(*lookup, fired.alert_id)) {
          render(index, *texts, accepted.content);
        }
      }
    }
    if (!stored.empty()) {
      insert_notifications(c, stored);
      const std::size_t deliveries = insert_outbox_rows(c, stored.front().id, stored.back().id);
      for (StoredNotification& n : stored) n.batch_deliveries = deliveries;
    }
    transaction.commit();
    return stored;
  });
}

std::vector<StoredNotification> NotificationRepository::list_recent(UserId user,
                                                                    std::size_t limit) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kColumns) + "WHERE user_id = ? ORDER BY id DESC LIMIT ?");
    s.bind(1, user).bind(2, static_cast<std::int64_t>(limit));
    return collect(s);
  });
}

std::vector<StoredNotification> NotificationRepository::list_after(UserId user,
                                                                   NotificationId after,
                                                                   std::size_t limit) {
  return db_.read([&](sql::Connection& c) {
    sql::Statement s(c, std::string(kColumns) + "WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?");
    s.bind(1, user).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
    return collect(s);
  });
}

std::vector<StoredNotification> NotificationRepository::list_page(const NotificationQuery& query) {
  return db_.read([&](sql::Connection& c) {
    // Unused filters compare against NULL and drop out ("? IS NULL OR ..."),
    // so one statement serves every combination.
    sql::Statement s(c, std::string(kColumns) +
                            "WHERE user_id = ?1 AND (?2 IS NULL OR alert_id = ?2) "
                            "AND (?3 IS NULL OR symbol = ?3) AND (?4 IS NULL OR created_at >= ?4) "
                            "AND (?5 IS NULL OR created_at < ?5) AND (?6 IS NULL OR id < ?6) "
                            "ORDER BY id DESC LIMIT ?7");
    s.bind(1, query.user);
    if (query.alert_id) s.bind(2, *query.alert_id);
    if (query.symbol) s.bind(3, *query.symbol);
    if (query.since) s.bind(4, *query.since);
    if (query.until) s.bind(5, *query.until);
    if (query.before_id) s.bind(6, *query.before_id);
    s.bind(7, static_cast<std::int64_t>(query.limit));
    return collect(s);
  });
}

}  // namespace bw
