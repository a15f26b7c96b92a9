// JSON shapes of the API (docs/API.md): alerts, quotes and notifications out,
// alert and quote requests in. Decoding validates every field and names the
// one that is wrong ("condition.price: must be a number").
//
//   Result<AlertDraft> draft = decode_alert(json_body);
//   nlohmann::json out = encode_alert(saved_alert);
//
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ingest/flat_json.hpp"
#include "ingest/quote_validation.hpp"
#include "rules/condition.hpp"
#include "rules/result.hpp"
#include "store/notification_repository.hpp"

namespace bw {

inline constexpr std::size_t kMaxAlertNameLength = 100;
inline constexpr std::size_t kMaxQuotesPerRequest = 10000;

// What a client may set on an alert.
struct AlertDraft {
  Symbol symbol;
  std::string name;
  Condition condition;
  TriggerPolicy trigger;
  std::optional<TimestampMs> expires_at;
  SessionMask sessions = 0;            // 0: no session filter
  std::vector<std::int64_t> channels;  // channel ids; ownership is checked by the caller
};

Result<AlertDraft> decode_alert(const nlohmann::json& body);
// The armed alert a draft describes, owned by `owner` (id 0: not stored yet).
Alert alert_from_draft(const AlertDraft& draft, UserId owner);
// A condition object ({"type":"above","price":150}); errors name "condition.<field>".
Result<Condition> decode_condition(const nlohmann::json& value);
nlohmann::json encode_condition(const Condition& condition);
// A rearm band with a channel condition is an error naming trigger.rearm.
Status check_rearm_applies(const Condition& condition, const TriggerPolicy& trigger);
// A positive price: a JSON number, or a decimal string for exactness ("150.10").
Result<Price> decode_price(const nlohmann::json& value, const std::string& field);
// One pushed quote, as scanned from the push body (no DOM):
// {"symbol","price","volume"?,"ts"?,"bid"?,"ask"?,"prev_close"?}; ts RFC 3339
// or Unix ms. Errors name the field ("price: must be a number").
Result<RawQuote> decode_quote(const FlatObject& item);

nlohmann::json encode_alert(const Alert& alert);
nlohmann::json encode_quote(const Quote& quote);
nlohmann::json encode_notification(const StoredNotification& notification);

// Serialises with invalid UTF-8 replaced, never throwing.
std::string dump_json(const nlohmann::json& value);

}  // namespace bw
