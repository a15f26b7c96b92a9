// The TOML alerts format (alerts as code in alerts.d, and bulk export/import
// of a user's alerts): [[alert]] tables in the API's terms, plus `id` (a
// stable id within the file) and `owner` (a user name).
//
//   [[alert]]
//   id = "aapl-breakout"
//   owner = "alice"
//   symbol = "AAPL"
//   condition = { type = "crossing_up", price = 150.10 }
//   trigger = { mode = "every_time", cooldown = "30s" }
//   channels = ["https://hooks.example.com/desk", 4]   # a channel's URL/address, or its id
//
//   Result<std::vector<AlertFileEntry>> alerts = parse_alert_file(text, "desk.toml", options);
//   std::string text = render_alert_file(exported, "# header comment\n");
//
// Each alert is converted to the API's JSON and validated by decode_alert, so
// the rules are the API's; every problem comes back at once, one per line, as
// "file:line:col: alert[N].key: reason". Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rules/result.hpp"
#include "web/json_codec.hpp"

namespace bw {

inline constexpr std::size_t kMaxAlertsPerFile = 1000;
inline constexpr std::size_t kMaxAlertIdLength = 64;

// A channel as an alerts file names it: its id, or its target (a webhook's
// URL or an email channel's address) among the owner's channels.
struct ChannelRef {
  std::int64_t id = 0;  // 0: by target
  std::string target;
};

struct AlertFileEntry {
  std::string id;     // the `id` key; empty when the file has none (import only)
  std::string owner;  // the `owner` key; empty when absent
  AlertDraft draft;   // as decode_alert validated it; draft.channels is empty
  std::vector<ChannelRef> channels;
  // "file:line:col: alert[N]." prefixes for later messages, by key:
  // "" (the alert's table), "owner", "expires_at", "channels[J]".
  std::map<std::string, std::string> where;

  // The prefix for a problem with `key` ("channels[1]"), falling back to the table.
  std::string at(const std::string& key) const;
};

struct AlertFileOptions {
  bool require_id = false;     // alerts.d: every alert needs its `id`
  bool require_owner = false;  // alerts.d: every alert needs its `owner`
};

// `name` is how messages name the file (a path, or "body" for an API upload).
Result<std::vector<AlertFileEntry>> parse_alert_file(std::string_view text, const std::string& name,
                                                     AlertFileOptions options);

// The same, keeping the valid alerts beside the problems, so that a caller
// checking more (owners, channels) can report those problems too.
struct AlertFileParse {
  std::vector<AlertFileEntry> entries;  // the valid alerts
  std::vector<std::string> problems;    // one line each
};
AlertFileParse parse_alert_file_partly(std::string_view text, const std::string& name,
                                       AlertFileOptions options);

// One alert to write: `fields` in the API's JSON terms (symbol, name,
// condition, trigger, expires_at, channels as ids or targets), plus a comment
// line written above it when not empty.
struct ExportedAlert {
  std::string id;
  std::string owner;
  nlohmann::json fields;
  std::string comment;
};

// TOML text that parse_alert_file reads back to the same alerts. `header` is
// written first (each line should start with "#").
std::string render_alert_file(const std::vector<ExportedAlert>& alerts, const std::string& header);

}  // namespace bw
