#include "web/settings_routes.hpp"

#include "notify/quiet_hours.hpp"
#include "web/api_routes.hpp"
#include "web/json_codec.hpp"
#include "rules/time_text.hpp"

namespace bw {

namespace {

using nlohmann::json;

Status reject_unknown(const json& object, std::initializer_list<std::string_view> known,
                      const std::string& prefix) {
  for (const auto& item : object.items()) {
    bool ok = false;
    for (std::string_view name : known) ok = ok || item.key() == name;
    if (!ok) return Error{prefix + item.key() + ": unknown field"};
  }
  return {};
}

Result<std::string> string_field(const json& object, const char* name) {
  const std::string field = std::string("quiet_hours.") + name;
  auto it = object.find(name);
  if (it == object.end()) return Error{field + ": is required"};
  if (!it->is_string()) return Error{field + ": must be a string"};
  return it->get<std::string>();
}

// {"start","end","timezone"} or null.
Result<std::optional<QuietHoursRow>> decode_quiet_hours(const json& value) {
  if (value.is_null()) return std::optional<QuietHoursRow>();
  if (!value.is_object()) {
    return Error{
        "quiet_hours: must be null or an object like "
        "{\"start\":\"22:00\",\"end\":\"07:00\",\"timezone\":\"America/New_York\"}"};
  }
  if (Status s = reject_unknown(value, {"start", "end", "timezone"}, "quiet_hours."); !s)
    return Error{s.error()};
  Result<std::string> start = string_field(value, "start");
  if (!start) return Error{start.error()};
  Result<std::string> end = string_field(value, "end");
  if (!end) return Error{end.error()};
  Result<std::string> zone = string_field(value, "timezone");
  if (!zone) return Error{zone.error()};
  Result<QuietHours> quiet = parse_quiet_hours(*start, *end, *zone);
  if (!quiet) return Error{quiet.error()};
  return std::optional<QuietHoursRow>(
      QuietHoursRow{quiet->start_minute, quiet->end_minute, quiet->zone.name});
}

json settings_json(const std::optional<QuietHoursRow>& row, TimestampMs now) {
  json out = {{"quiet_hours", nullptr}, {"quiet_until", nullptr}};
  if (!row) return out;
  out["quiet_hours"] = {{"start", minute_of_day_text(row->start_minute)},
                        {"end", minute_of_day_text(row->end_minute)},
                        {"timezone", row->timezone}};
  Result<TimeZoneRule> zone = parse_time_zone(row->timezone);
  if (!zone) return out;  // only validated zones are stored
  if (std::optional<TimestampMs> until =
          quiet_until(QuietHours{row->start_minute, row->end_minute, *zone}, now)) {
    out["quiet_until"] = format_rfc3339(*until);
  }
  return out;
}

}  // namespace

ApiResponse get_settings(SettingsContext& context, const User& user) {
  return json_response(
      200, dump_json(settings_json(context.settings.quiet_hours(user.id), context.clock.now_ms())));
}

ApiResponse patch_settings(SettingsContext& context, const User& user, std::string_view body) {
  Result<json> parsed = parse_body(body);
  if (!parsed) return problem(400, parsed.error());
  if (!parsed->is_object()) return problem(400, "body: must be a JSON object");
  if (Status s = reject_unknown(*parsed, {"quiet_hours"}, ""); !s) return problem(400, s.error());
  auto quiet = parsed->find("quiet_hours");
  if (quiet == parsed->end()) return problem(400, "body: must change at least one field");
  Result<std::optional<QuietHoursRow>> row = decode_quiet_hours(*quiet);
  if (!row) return problem(400, row.error());
  const TimestampMs now = context.clock.now_ms();
  if (context.settings.save_quiet_hours(user.id, *row, now) > 0 && context.wake_dispatcher) {
    context.wake_dispatcher();
  }
  return json_response(200, dump_json(settings_json(*row, now)));
}

}  // namespace bw
