#include "web/api_routes.hpp"

#include <charconv>

#include "web/alert_events.hpp"
#include "web/alert_files.hpp"
#include "web/alert_message_codec.hpp"
#include "web/channel_routes.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

// Deepest nesting of [ and { outside strings; stops counting past `limit`.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if ((c == '[' || c == '{') && ++depth > limit)
      return false;
    else if (c == ']' || c == '}')
      --depth;
  }
  return true;
}

}  // namespace

json alert_json(ApiContext& context, const Alert& alert) {
  json out = encode_alert(alert);
  out["channels"] = context.delivery ? context.delivery->channels.for_alert(alert.id)
                                     : std::vector<std::int64_t>{};
  if (context.messages) encode_templates(context.messages->find(alert.user_id, alert.id), out);
  return out;
}

Result<json> parse_body(std::string_view body) {
  if (body.empty()) return Error{"body: is empty; expected JSON"};
  if (!nesting_within(body, kMaxJsonDepth)) return Error{"body: JSON nested too deeply"};
  try {
    return json::parse(body);
  } catch (const json::parse_error& error) {
    return Error{std::string("body: invalid JSON (") + error.what() + ")"};
  }
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

ApiResponse not_found_alert(std::string_view id) {
  return problem(404, "alert " + std::string(id) + " not found");
}

void sweep_expired_alerts(ApiContext& context) {
  for (const auto& [id, user] : context.alerts.expire_due_with_owners(context.clock.now_ms())) {
    context.engine.disarm(id);
    if (context.alert_events) context.alert_events(user, alert_expired_event(id));
  }
}

ApiResponse get_info(const ApiContext& context) {
  return json_response(200, dump_json({{"name", "bellwether"},
                                       {"version", context.version},
                                       {"stream_port", context.stream_port}}));
}

ApiResponse get_me(const User& user) {
  return json_response(200, dump_json({{"id", user.id},
                                       {"name", user.name},
                                       {"admin", user.admin},
                                       {"must_change_password", user.must_change_password}}));
}

ApiResponse create_alert(ApiContext& context, const User& user, std::string_view body) {
  Result<json> parsed = parse_body(body);
  if (!parsed) return problem(400, parsed.error());
  Result<AlertDraft> draft = decode_alert(*parsed);
  if (!draft) return problem(400, draft.error());
  Result<TemplatesPatch> templates = decode_templates(*parsed);
  if (!templates) return problem(400, templates.error());
  if (templates->any() && !context.messages)
    return problem(400, "message_template: message templates are not enabled");
  if (!draft->channels.empty()) {
    if (!context.delivery) return problem(400, "channels: delivery channels are not enabled");
    if (Status ok = check_alert_channels(*context.delivery, user, draft->channels); !ok) {
      return problem(400, ok.error());
    }
  }
  Alert alert = alert_from_draft(*draft, user.id);
  if (alert.expires_at && *alert.expires_at <= context.clock.now_ms())
    return problem(400, "expires_at: must be in the future");
  Alert saved = context.alerts.insert(alert, context.clock.now_ms());
  // Linked before the alert is armed, so its first fire already has them.
  if (context.delivery) context.delivery->channels.link_alert(saved.id, draft->channels);
  if (templates->any()) (void)context.messages->save(user.id, saved.id, templates->applied_to({}));
  context.engine.arm(saved);
  ApiResponse response = json_response(201, dump_json(alert_json(context, saved)));
  response.headers.emplace_back("Location", "/api/v1/alerts/" + std::to_string(saved.id));
  return response;
}

ApiResponse list_alerts(ApiContext& context, const User& user, const PageRequest& page) {
  sweep_expired_alerts(context);
  // One row past the page says whether another page follows.
  std::vector<Alert> rows = context.alerts.page_for_user(user.id, page.cursor, page.limit + 1);
  const bool more = rows.size() > page.limit;
  if (more) rows.resize(page.limit);
  json items = json::array();
  for (const Alert& alert : rows) items.push_back(alert_json(context, alert));
  json next = more ? json(cursor_for(rows.back().id)) : json(nullptr);
  return json_response(200, dump_json({{"items", std::move(items)}, {"next_cursor", next}}));
}

ApiResponse get_alert(ApiContext& context, const User& user, std::string_view id) {
  std::optional<std::int64_t> alert_id = parse_id(id);
  if (!alert_id) return not_found_alert(id);
  sweep_expired_alerts(context);
  std::optional<Alert> alert = context.alerts.find(user.id, *alert_id);
  if (!alert) return not_found_alert(id);
  return json_response(200, dump_json(alert_json(context, *alert)));
}

ApiResponse delete_alert(ApiContext& context, const User& user, std::string_view id) {
  std::optional<std::int64_t> alert_id = parse_id(id);
  if (!alert_id) return not_found_alert(id);
  if (!context.alerts.remove(user.id, *alert_id)) {
    // remove() leaves alerts from an alerts.d file alone.
    std::optional<Alert> managed = context.alerts.find(user.id, *alert_id);
    if (managed && !managed->managed_file.empty())
      return problem(409, managed_alert_detail(*managed));
    return not_found_alert(id);
  }
  context.engine.disarm(*alert_id);
  return ApiResponse{204, "", "", {}};
}

ApiResponse get_quote(ApiContext& context, std::string_view symbol_text) {
  Result<Symbol> symbol = normalize_symbol(symbol_text);
  if (!symbol) return problem(400, symbol.error());
  std::optional<Quote> quote = context.last_quotes.find(*symbol);
  if (!quote) return problem(404, "no quote for " + *symbol + " yet");
  return json_response(200, dump_json(encode_quote(*quote)));
}

ApiResponse list_quotes(ApiContext& context) {
  json items = json::array();
  for (const Quote& quote : context.last_quotes.all()) items.push_back(encode_quote(quote));
  return json_response(200, dump_json({{"items", std::move(items)}}));
}

ApiResponse list_notifications(ApiContext& context, const User& user,
                               const std::string* limit_text) {
  std::size_t limit = 50;
  if (limit_text) {
    std::int64_t parsed = 0;
    auto [end, ec] =
        std::from_chars(limit_text->data(), limit_text->data() + limit_text->size(), parsed);
    if (ec != std::errc() || end != limit_text->data() + limit_text->size() || parsed < 1 ||
        parsed > static_cast<std::int64_t>(kMaxNotificationPage)) {
      return problem(400, "limit: must be a whole number from 1 to 500");
    }
    limit = static_cast<std::size_t>(parsed);
  }
  json items = json::array();
  for (const auto& n : context.notifications.list_recent(user.id, limit)) {
    items.push_back(encode_notification(n));
  }
  return json_response(200, dump_json({{"items", std::move(items)}}));
}

}  // namespace bw
