#include "web/alert_policy_codec.hpp"

#include <set>

#include "rules/time_text.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

Status reject_unknown(const json& object, const std::set<std::string>& known,
                      const std::string& prefix) {
  for (const auto& item : object.items()) {
    if (!known.count(item.key())) return Error{prefix + item.key() + ": unknown field"};
  }
  return {};
}

Result<DurationMs> decode_duration(const json& value, const std::string& field, bool allow_zero) {
  const std::string hint = ": must be a duration like \"30s\", \"5m\", \"1h\" or \"1d\"";
  if (!value.is_string()) return Error{field + hint};
  std::optional<DurationMs> parsed = parse_policy_duration(value.get<std::string>());
  if (!parsed) return Error{field + hint};
  if (*parsed == 0 && !allow_zero) return Error{field + ": must be greater than zero"};
  if (*parsed > kMaxPolicyDurationMs) return Error{field + ": must be at most 366d"};
  return *parsed;
}

Result<RearmBand> decode_rearm(const json& value) {
  if (!value.is_object() || value.size() != 1)
    return Error{"trigger.rearm: must be {\"amount\":0.5} or {\"percent\":0.2}"};
  if (Status s = reject_unknown(value, {"amount", "percent"}, "trigger.rearm."); !s)
    return Error{s.error()};
  const bool by_amount = value.contains("amount");
  const std::string field = by_amount ? "trigger.rearm.amount" : "trigger.rearm.percent";
  Result<Price> number = decode_price(by_amount ? value["amount"] : value["percent"], field);
  if (!number) return Error{number.error()};
  if (!by_amount && *number > Price::from_units(100 * Price::kScale))
    return Error{field + ": must be at most 100"};
  return by_amount ? RearmBand::by_amount(*number) : RearmBand::by_percent(*number);
}

Error expires_too_late() {
  return Error{"expires_at: must be at most " + format_rfc3339(kLastExpiresAtMs) + " (Unix ms " +
               std::to_string(kLastExpiresAtMs) + ")"};
}

Result<std::optional<TimestampMs>> at_most_last_expiry(TimestampMs ms) {
  if (ms > kLastExpiresAtMs) return expires_too_late();
  return std::optional<TimestampMs>{ms};
}

}  // namespace

Result<TriggerPolicy> decode_trigger_policy(const json& value) {
  if (!value.is_object()) return Error{"trigger: must be an object like {\"mode\":\"once\"}"};
  if (Status s = reject_unknown(value, {"mode", "interval", "cooldown", "rearm"}, "trigger."); !s)
    return Error{s.error()};
  auto mode = value.find("mode");
  if (mode == value.end()) return Error{"trigger.mode: is required"};
  if (!mode->is_string()) return Error{"trigger.mode: must be a string"};
  std::optional<TriggerMode> parsed = parse_trigger_mode(mode->get<std::string>());
  if (!parsed) {
    return Error{"trigger.mode: unknown mode \"" + mode->get<std::string>() +
                 "\" (expected once, once_per or every_time)"};
  }
  TriggerPolicy policy;
  policy.mode = *parsed;
  const bool has_interval = value.contains("interval");
  const bool has_cooldown = value.contains("cooldown");
  if (has_interval && policy.mode != TriggerMode::once_per)
    return Error{"trigger.interval: only with mode once_per"};
  if (has_cooldown && policy.mode != TriggerMode::every_time)
    return Error{"trigger.cooldown: only with mode every_time"};
  if (policy.mode == TriggerMode::once_per) {
    if (!has_interval) return Error{"trigger.interval: is required with mode once_per"};
    Result<DurationMs> interval = decode_duration(value["interval"], "trigger.interval", false);
    if (!interval) return Error{interval.error()};
    policy.interval_ms = *interval;
  }
  if (has_cooldown) {
    Result<DurationMs> cooldown = decode_duration(value["cooldown"], "trigger.cooldown", true);
    if (!cooldown) return Error{cooldown.error()};
    policy.interval_ms = *cooldown;
  }
  if (auto rearm = value.find("rearm"); rearm != value.end() && !rearm->is_null()) {
    if (policy.mode == TriggerMode::once)
      return Error{"trigger.rearm: only with mode once_per or every_time"};
    Result<RearmBand> band = decode_rearm(*rearm);
    if (!band) return Error{band.error()};
    policy.rearm = *band;
  }
  return policy;
}

json encode_trigger_policy(const TriggerPolicy& policy) {
  json out{{"mode", trigger_mode_name(policy.mode)}};
  if (policy.mode == TriggerMode::once_per)
    out["interval"] = format_policy_duration(policy.interval_ms);
  if (policy.mode == TriggerMode::every_time)
    out["cooldown"] = format_policy_duration(policy.interval_ms);
  if (policy.rearm.kind == RearmKind::amount)
    out["rearm"] = {{"amount", policy.rearm.value.to_double()}};
  if (policy.rearm.kind == RearmKind::percent)
    out["rearm"] = {{"percent", policy.rearm.value.to_double()}};
  return out;
}

Result<std::optional<TimestampMs>> decode_expires_at(const json& value) {
  if (value.is_null()) return std::optional<TimestampMs>{};
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(kLastExpiresAtMs))
    return expires_too_late();
  if (value.is_number_integer()) return at_most_last_expiry(value.get<std::int64_t>());
  if (value.is_string()) {
    std::optional<TimestampMs> parsed = parse_rfc3339(value.get<std::string>());
    if (parsed) return at_most_last_expiry(*parsed);
  }
  return Error{"expires_at: must be RFC 3339 (e.g. 2026-11-26T21:00:00Z), Unix ms or null"};
}

Result<SessionMask> decode_sessions(const json& value) {
  if (value.is_null()) return SessionMask{0};
  if (!value.is_array())
    return Error{"sessions: must be an array like [\"regular\"] or [\"pre\",\"regular\",\"post\"]"};
  if (value.empty())
    return Error{"sessions: must name at least one session (omit it or use null for any time)"};
  SessionMask mask = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string field = "sessions[" + std::to_string(i) + "]";
    const json& item = value[i];
    std::optional<Session> session =
        item.is_string() ? parse_session(item.get<std::string>()) : std::nullopt;
    if (!session) return Error{field + ": must be \"pre\", \"regular\" or \"post\""};
    const auto bit = static_cast<SessionMask>(*session);
    if (mask & bit) return Error{field + ": \"" + item.get<std::string>() + "\" is listed twice"};
    mask |= bit;
  }
  return mask;
}

json encode_sessions(SessionMask mask) {
  if (mask == 0) return nullptr;
  return session_names(mask);
}

Result<AlertPatch> decode_alert_patch(const json& body) {
  if (!body.is_object()) return Error{"body: must be a JSON object"};
  if (Status s =
          reject_unknown(body,
                         {"symbol", "name", "condition", "trigger", "expires_at", "sessions",
                          "message_template", "email_subject_template", "email_body_template"},
                         "");
      !s)
    return Error{s.error()};
  if (body.empty()) return Error{"body: must change at least one field"};
  AlertPatch patch;
  if (auto symbol = body.find("symbol"); symbol != body.end()) {
    if (!symbol->is_string()) return Error{"symbol: must be a string"};
    Result<Symbol> normalized = normalize_symbol(symbol->get<std::string>());
    if (!normalized) return Error{normalized.error()};
    patch.symbol = *normalized;
  }
  if (auto name = body.find("name"); name != body.end()) {
    if (!name->is_string()) return Error{"name: must be a string"};
    if (name->get<std::string>().size() > kMaxAlertNameLength)
      return Error{"name: must be at most 100 characters"};
    patch.name = name->get<std::string>();
  }
  if (auto condition = body.find("condition"); condition != body.end()) {
    Result<Condition> decoded = decode_condition(*condition);
    if (!decoded) return Error{decoded.error()};
    patch.condition = *decoded;
  }
  if (auto trigger = body.find("trigger"); trigger != body.end()) {
    Result<TriggerPolicy> decoded = decode_trigger_policy(*trigger);
    if (!decoded) return Error{decoded.error()};
    patch.trigger = *decoded;
  }
  if (auto expires = body.find("expires_at"); expires != body.end()) {
    Result<std::optional<TimestampMs>> decoded = decode_expires_at(*expires);
    if (!decoded) return Error{decoded.error()};
    patch.expires_at = *decoded;
  }
  if (auto sessions = body.find("sessions"); sessions != body.end()) {
    Result<SessionMask> decoded = decode_sessions(*sessions);
    if (!decoded) return Error{decoded.error()};
    patch.sessions = *decoded;
  }
  return patch;
}

}  // namespace bw
