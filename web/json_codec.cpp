#include "web/json_codec.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "rules/condition_spec.hpp"
#include "rules/time_text.hpp"
#include "web/alert_policy_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

Status reject_unknown_fields(const json& object, const std::set<std::string>& known,
                             const std::string& prefix) {
  for (const auto& item : object.items()) {
    if (!known.count(item.key())) return Error{prefix + item.key() + ": unknown field"};
  }
  return {};
}

}  // namespace

// A price as a JSON number, or a decimal string for exactness ("150.10").
Result<Price> decode_price(const json& value, const std::string& field) {
  std::optional<Price> price;
  if (value.is_number_integer() || value.is_number_unsigned()) {
    price = Price::from_double(value.get<double>());
  } else if (value.is_number_float()) {
    price = Price::from_double(value.get<double>());
  } else if (value.is_string()) {
    price = Price::parse(value.get<std::string>());
  } else {
    return Error{field + ": must be a number"};
  }
  if (!price) {
    return Error{field + ": must be a decimal number up to 10000000000 with at most 8 decimals"};
  }
  if (price->units() <= 0) return Error{field + ": must be greater than zero"};
  return *price;
}

namespace {

Result<Condition> decode_condition_at(const json& value, const std::string& path, int depth);

// A required price-like field of a condition ("condition.amount").
Status decode_param(const json& value, const char* name, const std::string& path, Price& out) {
  const std::string field = path + "." + name;
  auto it = value.find(name);
  if (it == value.end())
    return Error{field + ": is required for " + value["type"].get<std::string>()};
  Result<Price> price = decode_price(*it, field);
  if (!price) return Error{price.error()};
  out = *price;
  return {};
}

Result<Condition> decode_channel(const json& value, ConditionType type, const std::string& path) {
  if (Status s = reject_unknown_fields(value, {"type", "lower", "upper"}, path + "."); !s)
    return Error{s.error()};
  Condition condition{type, Price{}, Price{}};
  if (Status s = decode_param(value, "lower", path, condition.price); !s) return Error{s.error()};
  if (Status s = decode_param(value, "upper", path, condition.upper); !s) return Error{s.error()};
  return condition;
}

Result<Condition> decode_move(const json& value, ConditionType type, const std::string& path) {
  const char* amount =
      type == ConditionType::moving_up || type == ConditionType::moving_down ? "amount" : "percent";
  if (Status s = reject_unknown_fields(value, {"type", amount, "window"}, path + "."); !s)
    return Error{s.error()};
  Condition condition{type, Price{}};
  if (Status s = decode_param(value, amount, path, condition.price); !s) return Error{s.error()};
  const std::string field = path + ".window";
  auto window = value.find("window");
  if (window == value.end())
    return Error{field + ": is required for " + value["type"].get<std::string>()};
  std::optional<DurationMs> parsed;
  if (window->is_string()) parsed = parse_policy_duration(window->get<std::string>());
  if (!parsed || *parsed <= 0)
    return Error{field + ": must be a positive duration like \"30s\", \"5m\" or \"1h\""};
  condition.window_ms = *parsed;
  return condition;
}

// day_change_pct_above/below: a signed percent; volume_above: a whole volume.
Result<Condition> decode_day(const json& value, ConditionType type, const std::string& path) {
  const bool volume = type == ConditionType::volume_above;
  const char* name = volume ? "volume" : "percent";
  if (Status s = reject_unknown_fields(value, {"type", name}, path + "."); !s)
    return Error{s.error()};
  const std::string field = path + "." + name;
  auto it = value.find(name);
  if (it == value.end())
    return Error{field + ": is required for " + value["type"].get<std::string>()};
  Condition condition{type, Price{}};
  if (volume) {
    if (!it->is_number_integer()) return Error{field + ": must be a whole number"};
    condition.volume = it->get<std::int64_t>();
    return condition;
  }
  std::optional<Price> percent;
  if (it->is_number()) percent = Price::from_double(it->get<double>());
  if (it->is_string()) percent = Price::parse(it->get<std::string>());
  if (!percent) return Error{field + ": must be a number (a signed percent, e.g. -2.5)"};
  condition.price = *percent;
  return condition;
}

// A required duration field of a condition ("condition.window": "5m").
Status decode_duration(const json& value, const char* name, const std::string& path,
                       DurationMs& out) {
  const std::string field = path + "." + name;
  auto it = value.find(name);
  if (it == value.end())
    return Error{field + ": is required for " + value["type"].get<std::string>()};
  std::optional<DurationMs> parsed;
  if (it->is_string()) parsed = parse_policy_duration(it->get<std::string>());
  if (!parsed || *parsed <= 0)
    return Error{field + ": must be a positive duration like \"30s\", \"5m\" or \"1h\""};
  out = *parsed;
  return {};
}

// volume_spike: factor, window, baseline (bounds in validate_condition).
Result<Condition> decode_volume_spike(const json& value, const std::string& path) {
  if (Status s = reject_unknown_fields(value, {"type", "factor", "window", "baseline"}, path + ".");
      !s)
    return Error{s.error()};
  Condition condition{ConditionType::volume_spike, Price{}};
  if (Status s = decode_param(value, "factor", path, condition.price); !s) return Error{s.error()};
  if (Status s = decode_duration(value, "window", path, condition.window_ms); !s)
    return Error{s.error()};
  if (Status s = decode_duration(value, "baseline", path, condition.baseline_ms); !s)
    return Error{s.error()};
  return condition;
}

// Indicators: interval, period, and value for the RSI.
Result<Condition> decode_indicator(const json& value, ConditionType type, const std::string& path) {
  std::set<std::string> known{"type", "interval", "period"};
  if (is_rsi(type)) known.insert("value");
  if (Status s = reject_unknown_fields(value, known, path + "."); !s) return Error{s.error()};
  Condition condition{type, Price{}};
  if (Status s = decode_duration(value, "interval", path, condition.interval_ms); !s)
    return Error{s.error()};
  const std::string field = path + ".period";
  auto period = value.find("period");
  if (period == value.end())
    return Error{field + ": is required for " + value["type"].get<std::string>()};
  if (!period->is_number_integer() || period->get<std::int64_t>() < kMinIndicatorPeriod ||
      period->get<std::int64_t>() > kMaxIndicatorPeriod)
    return Error{field + ": must be a whole number from " + std::to_string(kMinIndicatorPeriod) +
                 " to " + std::to_string(kMaxIndicatorPeriod)};
  condition.period = static_cast<std::int32_t>(period->get<std::int64_t>());
  if (is_rsi(type)) {
    if (Status s = decode_param(value, "value", path, condition.price); !s) return Error{s.error()};
  }
  return condition;
}

Result<Condition> decode_compound(const json& value, ConditionType type, const std::string& path,
                                  int depth) {
  if (Status s = reject_unknown_fields(value, {"type", "conditions"}, path + "."); !s)
    return Error{s.error()};
  const std::string field = path + ".conditions";
  auto terms = value.find("conditions");
  if (terms == value.end())
    return Error{field + ": is required for " + value["type"].get<std::string>()};
  if (!terms->is_array() || terms->empty() || terms->size() > kMaxCompoundTerms)
    return Error{field + ": must be an array of 1 to " + std::to_string(kMaxCompoundTerms) +
                 " conditions"};
  // Checked while decoding, so a hostile body cannot make us recurse deeply.
  if (depth >= kMaxConditionDepth)
    return Error{field + ": compound conditions nest at most " +
                 std::to_string(kMaxConditionDepth - 1) + " levels deep"};
  Condition condition{type, Price{}};
  for (std::size_t i = 0; i < terms->size(); ++i) {
    Result<Condition> term =
        decode_condition_at((*terms)[i], field + "[" + std::to_string(i) + "]", depth + 1);
    if (!term) return term;
    condition.terms.push_back(std::move(*term));
  }
  return condition;
}

Result<Condition> decode_condition_at(const json& value, const std::string& path, int depth) {
  if (!value.is_object())
    return Error{path + ": must be an object like {\"type\":\"above\",\"price\":150}"};
  auto type_field = value.find("type");
  if (type_field == value.end()) return Error{path + ".type: is required"};
  if (!type_field->is_string()) return Error{path + ".type: must be a string"};
  std::optional<ConditionType> type = parse_condition_type(type_field->get<std::string>());
  if (!type) {
    return Error{path + ".type: unknown type \"" + type_field->get<std::string>() +
                 "\" (expected above, below, crossing, crossing_up, crossing_down, "
                 "entering_channel, exiting_channel, inside_channel, outside_channel, "
                 "moving_up, moving_down, moving_up_pct, moving_down_pct, spread_above_bps, "
                 "day_change_pct_above, day_change_pct_below, volume_above, volume_spike, "
                 "sma_crossing_up, sma_crossing_down, ema_crossing_up, ema_crossing_down, "
                 "rsi_above, rsi_below, all_of or any_of)"};
  }
  if (is_channel(*type)) return decode_channel(value, *type, path);
  if (is_move(*type)) return decode_move(value, *type, path);
  if (is_compound(*type)) return decode_compound(value, *type, path, depth);
  if (*type == ConditionType::volume_spike) return decode_volume_spike(value, path);
  if (is_indicator(*type)) return decode_indicator(value, *type, path);
  if (is_day_change(*type) || *type == ConditionType::volume_above)
    return decode_day(value, *type, path);
  const char* name = *type == ConditionType::spread_above_bps ? "bps" : "price";
  if (Status s = reject_unknown_fields(value, {"type", name}, path + "."); !s)
    return Error{s.error()};
  Condition condition{*type, Price{}};
  if (!value.contains(name)) return Error{path + "." + name + ": is required"};
  if (Status s = decode_param(value, name, path, condition.price); !s) return Error{s.error()};
  return condition;
}

}  // namespace

Result<Condition> decode_condition(const json& value) {
  Result<Condition> condition = decode_condition_at(value, "condition", 1);
  if (!condition) return condition;
  // Bounds that need the whole tree (size, percents, windows, lower < upper).
  if (Status s = validate_condition(*condition); !s) return Error{s.error()};
  return condition;
}

json encode_condition(const Condition& condition) {
  json out{{"type", condition_type_name(condition.type)}};
  if (is_channel(condition.type)) {
    out["lower"] = condition.price.to_double();
    out["upper"] = condition.upper.to_double();
  } else if (is_compound(condition.type)) {
    json terms = json::array();
    for (const Condition& term : condition.terms) terms.push_back(encode_condition(term));
    out["conditions"] = std::move(terms);
  } else if (is_move(condition.type)) {
    const bool amount =
        condition.type == ConditionType::moving_up || condition.type == ConditionType::moving_down;
    out[amount ? "amount" : "percent"] = condition.price.to_double();
    out["window"] = format_policy_duration(condition.window_ms);
  } else if (condition.type == ConditionType::spread_above_bps) {
    out["bps"] = condition.price.to_double();
  } else if (is_day_change(condition.type)) {
    out["percent"] = condition.price.to_double();
  } else if (condition.type == ConditionType::volume_above) {
    out["volume"] = condition.volume;
  } else if (condition.type == ConditionType::volume_spike) {
    out["factor"] = condition.price.to_double();
    out["window"] = format_policy_duration(condition.window_ms);
    out["baseline"] = format_policy_duration(condition.baseline_ms);
  } else if (is_indicator(condition.type)) {
    out["interval"] = format_policy_duration(condition.interval_ms);
    out["period"] = condition.period;
    if (is_rsi(condition.type)) out["value"] = condition.price.to_double();
  } else {
    out["price"] = condition.price.to_double();
  }
  return out;
}

Status check_rearm_applies(const Condition& condition, const TriggerPolicy& trigger) {
  if (trigger.rearm.enabled() && is_channel(condition.type))
    return Error{"trigger.rearm: not supported with channel conditions"};
  if (trigger.rearm.enabled() && !is_line_condition(condition.type))
    return Error{"trigger.rearm: not supported with " +
                 std::string(condition_type_name(condition.type)) + " conditions"};
  return {};
}

Alert alert_from_draft(const AlertDraft& draft, UserId owner) {
  Alert alert;
  alert.user_id = owner;
  alert.symbol = draft.symbol;
  alert.name = draft.name;
  alert.condition = draft.condition;
  alert.trigger = draft.trigger;
  alert.expires_at = draft.expires_at;
  alert.sessions = draft.sessions;
  alert.state = AlertState::armed;
  return alert;
}

Result<AlertDraft> decode_alert(const json& body) {
  if (!body.is_object()) return Error{"body: must be a JSON object"};
  if (Status s = reject_unknown_fields(
          body,
          {"symbol", "condition", "trigger", "name", "expires_at", "sessions", "channels",
           "message_template", "email_subject_template", "email_body_template"},
          "");
      !s) {
    return Error{s.error()};
  }
  AlertDraft draft;
  auto symbol = body.find("symbol");
  if (symbol == body.end()) return Error{"symbol: is required"};
  if (!symbol->is_string()) return Error{"symbol: must be a string"};
  Result<Symbol> normalized = normalize_symbol(symbol->get<std::string>());
  if (!normalized) return Error{normalized.error()};
  draft.symbol = *normalized;

  auto condition = body.find("condition");
  if (condition == body.end()) return Error{"condition: is required"};
  Result<Condition> decoded = decode_condition(*condition);
  if (!decoded) return Error{decoded.error()};
  draft.condition = *decoded;

  if (auto trigger = body.find("trigger"); trigger != body.end()) {
    Result<TriggerPolicy> policy = decode_trigger_policy(*trigger);
    if (!policy) return Error{policy.error()};
    draft.trigger = *policy;
  }
  if (Status s = check_rearm_applies(draft.condition, draft.trigger); !s) return Error{s.error()};
  if (auto expires = body.find("expires_at"); expires != body.end()) {
    Result<std::optional<TimestampMs>> decoded = decode_expires_at(*expires);
    if (!decoded) return Error{decoded.error()};
    draft.expires_at = *decoded;
  }
  if (auto sessions = body.find("sessions"); sessions != body.end()) {
    Result<SessionMask> decoded = decode_sessions(*sessions);
    if (!decoded) return Error{decoded.error()};
    draft.sessions = *decoded;
  }
  if (auto name = body.find("name"); name != body.end() && !name->is_null()) {
    if (!name->is_string()) return Error{"name: must be a string"};
    draft.name = name->get<std::string>();
    if (draft.name.size() > kMaxAlertNameLength)
      return Error{"name: must be at most 100 characters"};
  }
  if (auto channels = body.find("channels"); channels != body.end() && !channels->is_null()) {
    if (!channels->is_array()) return Error{"channels: must be an array of channel ids"};
    for (std::size_t i = 0; i < channels->size(); ++i) {
      const json& id = (*channels)[i];
      if (!id.is_number_integer() || id.get<std::int64_t>() <= 0) {
        return Error{"channels[" + std::to_string(i) + "]: must be a channel id"};
      }
      draft.channels.push_back(id.get<std::int64_t>());
    }
  }
  return draft;
}

namespace {

constexpr std::string_view kQuoteFields[] = {"symbol", "price", "volume",    "ts",
                                             "bid",    "ask",   "prev_close"};

bool is_null_or_absent(const JsonValue* value) {
  return value == nullptr || value->kind == JsonValue::Kind::null;
}

bool is_whole_number(const JsonValue& value) {
  return value.kind == JsonValue::Kind::integer || value.kind == JsonValue::Kind::unsigned_integer;
}

// An integral JSON number (the DOM's number_integer or number_unsigned) that
// fits an int64: a larger one is out of range, not wrapped to a negative.
Result<std::int64_t> whole_number(const JsonValue& value, std::string_view field) {
  if (value.kind == JsonValue::Kind::integer) return value.integer;
  if (value.kind == JsonValue::Kind::unsigned_integer &&
      value.unsigned_integer <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value.unsigned_integer);
  }
  return Error{std::string(field) +
               (is_whole_number(value) ? ": is out of range" : ": must be a whole number")};
}

Status decode_optional_number(const FlatObject& item, std::string_view field,
                              std::optional<double>& target) {
  const JsonValue* value = item.field(field);
  if (is_null_or_absent(value)) return {};
  if (!value->is_number()) return Error{std::string(field) + ": must be a number"};
  target = item.number(field);
  return {};
}

}  // namespace

Result<RawQuote> decode_quote(const FlatObject& item) {
  if (!item.is_object) return Error{"must be an object"};
  for (const JsonMember& member : item.members) {
    if (std::find(std::begin(kQuoteFields), std::end(kQuoteFields), member.key) ==
        std::end(kQuoteFields)) {
      return Error{std::string(member.key) + ": unknown field"};
    }
  }
  RawQuote raw;
  const JsonValue* symbol = item.field("symbol");
  if (symbol == nullptr) return Error{"symbol: is required"};
  if (symbol->kind != JsonValue::Kind::string) return Error{"symbol: must be a string"};
  raw.symbol = std::string(symbol->text);
  const JsonValue* price = item.field("price");
  if (price == nullptr) return Error{"price: is required"};
  if (!price->is_number()) return Error{"price: must be a number"};
  raw.price = *item.number("price");
  if (const JsonValue* volume = item.field("volume"); !is_null_or_absent(volume)) {
    Result<std::int64_t> number = whole_number(*volume, "volume");
    if (!number) return Error{number.error()};
    raw.volume = *number;
  }
  for (auto [field, target] : {std::pair{"bid", &raw.bid}, std::pair{"ask", &raw.ask},
                               std::pair{"prev_close", &raw.prev_close}}) {
    if (Status s = decode_optional_number(item, field, *target); !s) return Error{s.error()};
  }
  if (const JsonValue* ts = item.field("ts"); !is_null_or_absent(ts)) {
    if (is_whole_number(*ts)) {
      Result<std::int64_t> ms = whole_number(*ts, "ts");
      if (!ms) return Error{ms.error()};
      raw.ts_ms = *ms;
    } else if (ts->kind == JsonValue::Kind::string) {
      raw.ts_ms = parse_rfc3339(ts->text);
      if (!raw.ts_ms) return Error{"ts: must be RFC 3339 (e.g. 2026-11-26T15:00:00Z) or Unix ms"};
    } else {
      return Error{"ts: must be RFC 3339 text or Unix milliseconds"};
    }
  }
  return raw;
}

json encode_alert(const Alert& alert) {
  return json{
      {"id", alert.id},
      {"symbol", alert.symbol},
      {"name", alert.name},
      {"condition", encode_condition(alert.condition)},
      {"trigger", encode_trigger_policy(alert.trigger)},
      {"state", alert_state_name(alert.state)},
      {"expires_at", alert.expires_at ? json(format_rfc3339(*alert.expires_at)) : json(nullptr)},
      {"sessions", encode_sessions(alert.sessions)},
      {"rearm_wait", rearm_wait_name(alert.rearm_wait)},
      {"created_at", format_rfc3339(alert.created_at)},
      {"last_fired_at",
       alert.last_fired_at ? json(format_rfc3339(*alert.last_fired_at)) : json(nullptr)},
      // Alerts as code: read-only here, changed through their alerts.d file.
      {"managed", alert.managed_file.empty()
                      ? json(nullptr)
                      : json{{"file", alert.managed_file}, {"id", alert.managed_key}}},
  };
}

json encode_quote(const Quote& quote) {
  json out{{"symbol", quote.symbol},
           {"price", quote.price.to_double()},
           {"volume", quote.volume},
           {"ts", format_rfc3339(quote.ts_ms)}};
  if (quote.has_bid_ask()) {
    out["bid"] = quote.bid.to_double();
    out["ask"] = quote.ask.to_double();
  }
  if (quote.prev_close.units() > 0) out["prev_close"] = quote.prev_close.to_double();
  return out;
}

json encode_notification(const StoredNotification& notification) {
  const NewNotification& n = notification.content;
  return json{{"id", notification.id}, {"alert_id", n.alert_id},
              {"symbol", n.symbol},    {"price", n.price.to_double()},
              {"message", n.message},  {"created_at", format_rfc3339(n.created_at)}};
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace bw
