// Alerts as code and bulk import/export, on the TOML format of alert_toml.hpp.
//
// Alerts as code: every *.toml file of the alerts directory holds shared
// alerts (each with `owner` and an `id` unique in its file). The server keeps
// the store in line with the files at start and on every reload: alerts are
// added, changed and removed to match, keyed by (file name, id). They are
// marked managed (Alert::managed_file) and read-only through the API.
//
//   Result<AlertDirectory> dir = load_alert_directory("config/alerts.d", accounts, &channels);
//   if (dir) Result<SyncReport> r = sync_managed_alerts(alerts, engine, *dir, now);
//
// Import/export: a user's own alerts in the same format (no managed marks).
//
//   Result<std::vector<Alert>> added = import_alerts(target, text, "body", now);
//   std::string toml = export_alerts(target, user, now);
//
// Every loader reports every problem at once as "file:line:col: alert[N].key:
// reason" and changes nothing when there is one. Thread-safe (the stores are).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/result.hpp"
#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "store/channel_repository.hpp"
#include "web/api_context.hpp"

namespace bw {

inline constexpr std::size_t kMaxAlertFiles = 1000;
inline constexpr std::size_t kMaxAlertFileBytes = 1 << 20;

// An alert ready to store: owner, definition, managed mark, channel ids.
struct AlertDefinition {
  Alert alert;
  std::vector<ChannelId> channels;  // sorted, no duplicates
};

struct AlertDirectory {
  std::string path;
  bool exists = false;
  std::size_t files = 0;
  std::vector<AlertDefinition> alerts;
};

// Reads every *.toml file directly in `path` (sorted by name), resolves
// owners (user names) and channels (ids or targets of the owner's channels).
// A missing directory is an empty one with exists = false. `channels` may be
// null when delivery channels are off (then naming a channel is an error).
Result<AlertDirectory> load_alert_directory(const std::string& path, Accounts& accounts,
                                            ChannelRepository* channels);

// Syntax and field checks only (no users or channels): `bellwether config check`.
// The count of alerts found, or every problem.
Result<std::size_t> check_alert_directory(const std::string& path);

struct SyncReport {
  std::size_t added = 0;
  std::size_t changed = 0;
  std::size_t removed = 0;
  std::size_t unchanged = 0;
};

// Makes the managed alerts in the store match `directory` in one transaction,
// then arms or disarms what changed. A changed symbol, condition or trigger
// re-arms the alert (like PATCH); a name or channel change keeps its state.
// Refused (nothing changes) when the directory is missing while managed
// alerts exist: create it empty to remove them all.
Result<SyncReport> sync_managed_alerts(AlertRepository& alerts, AlertEngine& engine,
                                       const AlertDirectory& directory, TimestampMs now);

// What import and export work on: a user's alerts, channels and (when the
// server runs) the engine that arms imported alerts.
struct AlertTransfer {
  AlertRepository& alerts;
  ChannelRepository* channels = nullptr;  // null: channels off
  AlertEngine* engine = nullptr;          // null: armed at the next start (CLI)
};

// Adds every alert of `text` to `user`'s alerts, or none: the file is
// validated whole (as POST /api/v1/alerts would, plus `owner` must be the
// user when given). `name` names the text in messages.
Result<std::vector<Alert>> import_alerts(AlertTransfer target, const User& user,
                                         std::string_view text, const std::string& name,
                                         TimestampMs now);

// Every alert of `user` as an alerts file that import_alerts reads back.
std::string export_alerts(AlertTransfer source, const User& user, TimestampMs now);

// The 409 detail for an API change to a managed alert.
std::string managed_alert_detail(const Alert& alert);

}  // namespace bw
