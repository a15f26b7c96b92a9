#include "web/channel_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "notify/email_message.hpp"
#include "notify/webhook_dispatcher.hpp"
#include "notify/webhook_signature.hpp"
#include "web/api_routes.hpp"
#include "web/json_codec.hpp"
#include "rules/time_text.hpp"

namespace bw {

namespace {

using nlohmann::json;

json encode_channel(const Channel& c) {
  json out = {{"id", c.id},
              {"type", channel_type_name(c.type)},
              {"enabled", c.enabled},
              {"disabled_reason", c.enabled ? json(nullptr) : json(c.disabled_reason)},
              {"created_at", format_rfc3339(c.created_at)}};
  out[c.type == ChannelType::webhook ? "url" : "address"] = c.target;
  return out;
}

ApiResponse not_found(std::string_view what, std::string_view id) {
  return problem(404, std::string(what) + " " + std::string(id) + " not found");
}

Result<std::string> string_field(const json& body, const char* name) {
  auto field = body.find(name);
  if (field == body.end()) return Error{std::string(name) + ": is required"};
  if (!field->is_string()) return Error{std::string(name) + ": must be a string"};
  return field->get<std::string>();
}

}  // namespace

ApiResponse create_channel(DeliveryContext& context, const User& user, std::string_view body) {
  Result<json> body_json = parse_body(body);
  if (!body_json) return problem(400, body_json.error());
  const json& parsed = *body_json;
  if (!parsed.is_object()) return problem(400, "body: must be a JSON object");
  Result<std::string> type = string_field(parsed, "type");
  if (!type) return problem(400, type.error());
  const bool email = *type == "email";
  if (!email && *type != "webhook") return problem(400, "type: must be \"webhook\" or \"email\"");
  if (email && !context.current_email_enabled()) {
    return problem(400,
                   "type: email channels need an email transport; ask an admin to set [email]");
  }
  const char* target_field = email ? "address" : "url";
  for (const auto& item : parsed.items()) {
    if (item.key() != "type" && item.key() != target_field) {
      return problem(400, item.key() + ": unknown field");
    }
  }
  Result<std::string> target = string_field(parsed, target_field);
  if (!target) return problem(400, target.error());
  Status valid =
      email ? check_email_address(*target) : check_webhook_url(*target, context.current_targets());
  if (!valid) return problem(400, valid.error());
  if (context.channels.list_for_user(user.id).size() >= kMaxChannelsPerUser) {
    return problem(409, "channels: at most " + std::to_string(kMaxChannelsPerUser) +
                            " channels per user; delete one first");
  }
  Channel channel;
  channel.user_id = user.id;
  channel.type = email ? ChannelType::email : ChannelType::webhook;
  channel.target = *target;
  if (!email) channel.secret = generate_webhook_secret();
  Channel saved = context.channels.insert(channel, context.clock.now_ms());
  json out = encode_channel(saved);
  if (!email) out["secret"] = saved.secret;  // the only time the secret is shown
  ApiResponse response = json_response(201, dump_json(out));
  response.headers.emplace_back("Location", "/api/v1/channels/" + std::to_string(saved.id));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ApiResponse list_channels(DeliveryContext& context, const User& user) {
  json items = json::array();
  for (const Channel& c : context.channels.list_for_user(user.id))
    items.push_back(encode_channel(c));
  return json_response(200, dump_json({{"items", std::move(items)}}));
}

ApiResponse get_channel(DeliveryContext& context, const User& user, std::string_view id) {
  std::optional<std::int64_t> channel_id = parse_id(id);
  if (!channel_id) return not_found("channel", id);
  std::optional<Channel> channel = context.channels.find(user.id, *channel_id);
  if (!channel) return not_found("channel", id);
  return json_response(200, dump_json(encode_channel(*channel)));
}

ApiResponse delete_channel(DeliveryContext& context, const User& user, std::string_view id) {
  std::optional<std::int64_t> channel_id = parse_id(id);
  if (!channel_id || !context.channels.remove(user.id, *channel_id)) {
    return not_found("channel", id);
  }
  return ApiResponse{204, "", "", {}};
}

ApiResponse list_deliveries(DeliveryContext& context, const User& user,
                            std::string_view notification_id) {
  std::optional<std::int64_t> id = parse_id(notification_id);
  if (!id) return not_found("notification", notification_id);
  auto deliveries = context.deliveries.list_for_notification(user.id, *id);
  if (!deliveries) return not_found("notification", notification_id);
  json items = json::array();
  for (const Delivery& d : *deliveries) items.push_back(json::parse(delivery_json(d)));
  return json_response(200, dump_json({{"items", std::move(items)}}));
}

ApiResponse retry_delivery(DeliveryContext& context, const User& user, std::string_view id) {
  std::optional<std::int64_t> delivery_id = parse_id(id);
  if (!delivery_id) return not_found("delivery", id);
  Result<Delivery> retried =
      context.deliveries.retry_now(user.id, *delivery_id, context.clock.now_ms());
  if (!retried && retried.error() == "not found") return not_found("delivery", id);
  if (!retried) return problem(409, retried.error());
  if (context.wake_dispatcher) context.wake_dispatcher();
  return json_response(202, delivery_json(*retried));
}

Status check_alert_channels(DeliveryContext& context, const User& user,
                            const std::vector<ChannelId>& ids) {
  if (ids.size() > kMaxChannelsPerAlert) {
    return Error{"channels: at most " + std::to_string(kMaxChannelsPerAlert) + " per alert"};
  }
  std::vector<ChannelId> missing = context.channels.not_owned(user.id, ids);
  if (!missing.empty()) return Error{"channels: no channel " + std::to_string(missing.front())};
  return {};
}

}  // namespace bw
