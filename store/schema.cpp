#include "store/schema.hpp"

#include <array>
#include <string>

namespace bw {

namespace {

// Append only: never edit a migration that has shipped.
constexpr auto kMigrations = std::to_array<std::string_view>({
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  is_admin INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  symbol TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  condition_type TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  trigger_mode TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_fired_at INTEGER
);
CREATE INDEX alerts_user ON alerts(user_id, id);
CREATE INDEX alerts_state ON alerts(state);
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  alert_id INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  price INTEGER NOT NULL,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE TABLE last_prices (
  symbol TEXT PRIMARY KEY,
  price INTEGER NOT NULL,
  ts INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: browser sign-in sessions (issue 6). The session id is stored only as
    // its SHA-256, like API tokens; the CSRF token is not a credential alone.
    R"sql(
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  session_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
)sql",
    // 3: delivery channels and the outbox (one delivery row per notification
    // per channel, written in the notification's transaction).
    R"sql(
CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  target TEXT NOT NULL,
  secret TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX channels_user ON channels(user_id, id);
CREATE TABLE alert_channels (
  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  PRIMARY KEY (alert_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX alert_channels_channel ON alert_channels(channel_id);
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  last_status_code INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_notification ON deliveries(notification_id);
CREATE INDEX deliveries_channel ON deliveries(channel_id);
)sql",
    // 4: trigger policies (issue 3). last_fired_at now holds the fire's event
    // time; rearm_wait and last_fired_at are the policy state that survives a
    // restart; revision rejects fires of an edited alert's older version;
    // upper_threshold is the upper edge of channel conditions.
    R"sql(
ALTER TABLE alerts ADD COLUMN trigger_interval_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN rearm_kind TEXT NOT NULL DEFAULT 'none';
ALTER TABLE alerts ADD COLUMN rearm_value INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN rearm_wait TEXT NOT NULL DEFAULT 'none';
ALTER TABLE alerts ADD COLUMN expires_at INTEGER;
ALTER TABLE alerts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN upper_threshold INTEGER;
CREATE INDEX alerts_expiry ON alerts(expires_at) WHERE expires_at IS NOT NULL;
)sql",
    // 5: alerts as code (issue 7). managed_file/managed_key name the alerts.d
    // file and the id within it of an alert kept in line with that file; NULL
    // for alerts made through the API.
    R"sql(
ALTER TABLE alerts ADD COLUMN managed_file TEXT;
ALTER TABLE alerts ADD COLUMN managed_key TEXT;
CREATE UNIQUE INDEX alerts_managed ON alerts(managed_file, managed_key)
  WHERE managed_file IS NOT NULL;
)sql",
    // 6: the dashboard watchlist (issue 5): the symbols whose quotes a user's
    // event stream carries, in the order the user added them.
    R"sql(
CREATE TABLE watchlist (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  symbol TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (user_id, symbol)
) WITHOUT ROWID;
)sql",
    // 7: conditions beyond a line or channel (window moves, spread, day
    // change, volume, all_of / any_of) in the text form of
    // rules/condition_spec.hpp, NULL for the rest; and each symbol's session
    // day (rules/day_tracker.hpp) next to its last price, so the previous
    // close and the day's volume survive a restart (NULL day: none tracked).
    R"sql(
ALTER TABLE alerts ADD COLUMN condition_spec TEXT;
ALTER TABLE last_prices ADD COLUMN session_day INTEGER;
ALTER TABLE last_prices ADD COLUMN day_last INTEGER NOT NULL DEFAULT 0;
ALTER TABLE last_prices ADD COLUMN previous_close INTEGER NOT NULL DEFAULT 0;
ALTER TABLE last_prices ADD COLUMN day_volume INTEGER NOT NULL DEFAULT 0;
)sql",
    // 8: message templates (issue 5). An alert's templates live beside it
    // (a row only when the user set one); a notification keeps its rendered
    // email subject and body (NULL: the default text), so every attempt sends
    // the same words.
    R"sql(
CREATE TABLE alert_messages (
  alert_id INTEGER PRIMARY KEY REFERENCES alerts(id) ON DELETE CASCADE,
  message_template TEXT,
  email_subject_template TEXT,
  email_body_template TEXT
);
ALTER TABLE notifications ADD COLUMN email_subject TEXT;
ALTER TABLE notifications ADD COLUMN email_body TEXT;
)sql",
    // 9: per-user quiet hours (issue 5). A delivery held back by them is
    // marked quiet_deferred, so a change of the user's settings can release it.
    R"sql(
CREATE TABLE user_settings (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  quiet_start INTEGER,
  quiet_end INTEGER,
  quiet_timezone TEXT
);
ALTER TABLE deliveries ADD COLUMN quiet_deferred INTEGER NOT NULL DEFAULT 0;
)sql",
    // 10: digests (issue 5). A throttled delivery becomes `grouped` into one
    // open digest of its channel (in one transaction); the digest is sent as
    // one message after group_wait and settles all its members at once.
    R"sql(
CREATE TABLE digests (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  last_status_code INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX digests_due ON digests(next_attempt_at) WHERE status IN ('collecting', 'retrying');
CREATE INDEX digests_open ON digests(channel_id) WHERE status = 'collecting';
ALTER TABLE deliveries ADD COLUMN digest_id INTEGER REFERENCES digests(id) ON DELETE SET NULL;
CREATE INDEX deliveries_digest ON deliveries(digest_id) WHERE digest_id IS NOT NULL;
)sql",
    // 11: series state (issue 3): the bars, indicator averages and volume
    // windows of series conditions per (symbol, key), saved with the last
    // prices so a restart keeps the warm-up. `key` is "sma:60000:20" and the
    // like (rules/series_set.hpp); `state` the series' own text.
    R"sql(
CREATE TABLE series_states (
  symbol TEXT NOT NULL,
  key TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (symbol, key)
) WITHOUT ROWID;
)sql",
    // 12: alert sessions (issue 3): the trading sessions an alert may fire in,
    // a bit mask (1 pre, 2 regular, 4 post; rules/session_calendar.hpp); 0
    // means no session filter, which every existing alert keeps.
    R"sql(
ALTER TABLE alerts ADD COLUMN sessions INTEGER NOT NULL DEFAULT 0;
)sql",
    // 13: when a delivery's first attempt started (issue 5): the token it
    // took from its channel's bucket, so a restart rebuilds the buckets
    // (DeliveryRepository::first_attempts_since). Null until the first
    // attempt is recorded; rows from before this migration stay null.
    R"sql(
ALTER TABLE deliveries ADD COLUMN first_attempt_at INTEGER;
CREATE INDEX deliveries_first_attempt ON deliveries(first_attempt_at)
  WHERE first_attempt_at IS NOT NULL;
)sql",
    // 14: no index on alerts.state (issue 5, group commit). Every fire of a
    // `once` alert moved its entry in alerts_state (a delete and an insert:
    // about a quarter of the CPU of recording a fire with its outbox row,
    // docs/BENCHMARKS.md). Its only readers were list_armed (once, at start,
    // reading the armed rows anyway) and watched_symbols (every 15 s when
    // [ingest] symbol_silence is on), which now scan the table on a reader
    // connection.
    R"sql(
DROP INDEX alerts_state;
)sql",
});

int current_version(sql::Connection& connection) {
  sql::Statement statement(connection, "PRAGMA user_version");
  statement.step();
  return static_cast<int>(statement.integer(0));
}

}  // namespace

int schema_version() {
  return static_cast<int>(kMigrations.size());
}

void migrate(sql::Connection& connection) {
  int version = current_version(connection);
  if (version > schema_version()) {
    throw sql::SqliteError("database schema version " + std::to_string(version) +
                           " is newer than this binary supports (" +
                           std::to_string(schema_version()) + ")");
  }
  for (; version < schema_version(); ++version) {
    sql::Transaction transaction(connection);
    connection.exec(kMigrations[version]);
    connection.exec("PRAGMA user_version = " + std::to_string(version + 1));
    transaction.commit();
  }
}

}  // namespace bw
