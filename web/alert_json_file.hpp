// Alerts as JSON, for `bellwether backtest --alerts FILE.json`: the alert
// objects the API answers with, read back into the same AlertFileEntry that
// the TOML alerts file gives (web/alert_toml.hpp).
//
//   Result<std::vector<AlertFileEntry>> entries = parse_alert_json_file(text, "alerts.json");
//   if (!entries) report(entries.error());   // "alerts.json:3:5: [1].condition.price: …"
//
// Accepted shapes: a page of `GET /api/v1/alerts` or the answer of `POST
// /api/v1/alerts/import` ({"items":[alert…], …}), a JSON array of alerts, or
// one alert (`GET /api/v1/alerts/{id}`, or a `POST /api/v1/alerts` body).
// Each alert is validated as a create body (decode_alert); the read-only
// fields the API adds (`id`, `state`, `rearm_wait`, `created_at`,
// `last_fired_at`, `managed`, `user_id`) are accepted and ignored, except
// `id`, which labels the alert's fires. Problems name the file, the line and
// column of the alert object and its path ("items[2].trigger.cooldown"); all
// problems are listed, one per line, and nothing is returned with them.
// Bounded: at most kMaxJsonAlertFileBytes and kMaxJsonAlertFileDepth levels
// of nesting. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rules/result.hpp"
#include "web/alert_toml.hpp"

namespace bw {

inline constexpr std::size_t kMaxJsonAlertFileBytes = 64 * 1024 * 1024;
inline constexpr int kMaxJsonAlertFileDepth = 32;

Result<std::vector<AlertFileEntry>> parse_alert_json_file(std::string_view text,
                                                          const std::string& name);

// True when the alerts file is JSON: a `.json` name, or (any other name) a
// text whose first character after blanks is `{`, or `[` followed by `{` or
// `]` (a TOML alerts file starts with a comment, a key or `[[alert]]`).
bool looks_like_json_alert_file(std::string_view text, std::string_view name);

}  // namespace bw
