// JSON shapes of trigger policies, expiry and alert edits (docs/API.md):
//
//   {"mode":"once"}
//   {"mode":"once_per","interval":"1m"}
//   {"mode":"every_time","cooldown":"30s","rearm":{"amount":0.5}}   // or {"percent":0.2}
//
//   Result<TriggerPolicy> p = decode_trigger_policy(body["trigger"]);
//   Result<AlertPatch> patch = decode_alert_patch(body);   // PATCH /api/v1/alerts/{id}
//
// Decoding validates every field and names the one that is wrong
// ("trigger.interval: ..."). Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rules/condition.hpp"
#include "rules/result.hpp"

namespace bw {

Result<TriggerPolicy> decode_trigger_policy(const nlohmann::json& value);
nlohmann::json encode_trigger_policy(const TriggerPolicy& policy);

// expires_at: RFC 3339 text (or Unix ms); null means "never". Unix ms stop
// at kLastExpiresAtMs, the last instant RFC 3339 text can name, so every
// accepted value reads back as a time (past ones are the caller's to refuse).
inline constexpr TimestampMs kLastExpiresAtMs = 253402300799999;  // 9999-12-31T23:59:59.999Z
Result<std::optional<TimestampMs>> decode_expires_at(const nlohmann::json& value);

// sessions: a non-empty array of distinct names from "pre", "regular",
// "post"; null or absent means no session filter (mask 0). Errors name
// "sessions[i]".
Result<SessionMask> decode_sessions(const nlohmann::json& value);
// null for mask 0, else the names in the order pre, regular, post.
nlohmann::json encode_sessions(SessionMask mask);

// What PATCH may change; absent members stay as they are.
struct AlertPatch {
  std::optional<Symbol> symbol;
  std::optional<std::string> name;
  std::optional<Condition> condition;
  std::optional<TriggerPolicy> trigger;
  std::optional<std::optional<TimestampMs>> expires_at;  // set, or cleared with null
  std::optional<SessionMask> sessions;                   // set, or cleared (0) with null

  // A change that re-arms the alert: what it watches or how it fires.
  bool rearms() const { return symbol || condition || trigger; }
};

Result<AlertPatch> decode_alert_patch(const nlohmann::json& body);

}  // namespace bw
