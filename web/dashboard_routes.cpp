#include "web/dashboard_routes.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "notify/webhook_dispatcher.hpp"
#include "web/api_routes.hpp"
#include "web/json_codec.hpp"
#include "web/pagination.hpp"
#include "rules/time_text.hpp"

namespace bw {

namespace {

using nlohmann::json;

json candle_json(const Candle& bar) {
  return json{{"time", bar.start_ms / 1000},  {"start", format_rfc3339(bar.start_ms)},
              {"open", bar.open.to_double()}, {"high", bar.high.to_double()},
              {"low", bar.low.to_double()},   {"close", bar.close.to_double()},
              {"volume", bar.volume}};
}

// RFC 3339, or a bare date (YYYY-MM-DD) meaning its midnight UTC.
std::optional<TimestampMs> parse_instant(const std::string& text) {
  if (text.size() == 10) return parse_rfc3339(text + "T00:00:00Z");
  return parse_rfc3339(text);
}

Result<std::optional<TimestampMs>> optional_instant(const QueryParam& param, const char* name) {
  const std::string* text = param(name);
  if (!text) return std::optional<TimestampMs>{};
  std::optional<TimestampMs> at = parse_instant(*text);
  if (!at) return Error{std::string(name) + ": must be an RFC 3339 time or a YYYY-MM-DD date"};
  return std::optional<TimestampMs>{*at};
}

}  // namespace

ApiResponse get_bars(const CandleHistory& history, std::string_view symbol_text,
                     const QueryParam& param) {
  Result<Symbol> symbol = normalize_symbol(symbol_text);
  if (!symbol) return problem(400, symbol.error());
  const std::string* interval_text = param("interval");
  std::optional<CandleInterval> interval =
      parse_candle_interval(interval_text ? *interval_text : "1m");
  if (!interval) return problem(400, "interval: must be one of 5s, 15s, 1m, 5m, 15m, 1h");
  std::size_t limit = kDefaultBarLimit;
  if (const std::string* text = param("limit")) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size() || n < 1 ||
        n > static_cast<std::int64_t>(CandleHistory::kMaxBarsPerRequest)) {
      return problem(400, "limit: must be a whole number from 1 to " +
                              std::to_string(CandleHistory::kMaxBarsPerRequest));
    }
    limit = static_cast<std::size_t>(n);
  }
  json items = json::array();
  for (const Candle& bar : history.bars(*symbol, *interval, limit)) {
    items.push_back(candle_json(bar));
  }
  return json_response(200, dump_json({{"symbol", *symbol},
                                       {"interval", candle_interval_name(*interval)},
                                       {"items", std::move(items)}}));
}

ApiResponse list_notification_history(ApiContext& context, const User& user,
                                      const QueryParam& param) {
  Result<PageRequest> page = parse_page(param("limit"), param("cursor"), 50);
  if (!page) return problem(400, page.error());
  NotificationQuery query;
  query.user = user.id;
  query.before_id = page->cursor;
  query.limit = page->limit + 1;  // one more says whether there is a next page
  if (const std::string* text = param("symbol")) {
    Result<Symbol> symbol = normalize_symbol(*text);
    if (!symbol) return problem(400, symbol.error());
    query.symbol = *symbol;
  }
  if (const std::string* text = param("alert_id")) {
    // 0 is allowed: channel test messages carry alert_id 0.
    std::optional<std::int64_t> id =
        *text == "0" ? std::optional<std::int64_t>{0} : parse_id(*text);
    if (!id) return problem(400, "alert_id: must be an alert id");
    query.alert_id = *id;
  }
  Result<std::optional<TimestampMs>> since = optional_instant(param, "since");
  if (!since) return problem(400, since.error());
  Result<std::optional<TimestampMs>> until = optional_instant(param, "until");
  if (!until) return problem(400, until.error());
  query.since = *since;
  query.until = *until;
  if (query.since && query.until && *query.until <= *query.since) {
    return problem(400, "until: must be after since");
  }
  std::vector<StoredNotification> found = context.notifications.list_page(query);
  json next = nullptr;
  if (found.size() > page->limit) {
    found.resize(page->limit);
    next = cursor_for(found.back().id);
  }
  json items = json::array();
  for (const StoredNotification& n : found) items.push_back(encode_notification(n));
  return json_response(200, dump_json({{"items", std::move(items)}, {"next_cursor", next}}));
}

ApiResponse test_channel(DeliveryContext& context, const User& user, std::string_view id) {
  std::optional<std::int64_t> channel_id = parse_id(id);
  std::optional<Channel> channel =
      channel_id ? context.channels.find(user.id, *channel_id) : std::nullopt;
  if (!channel) return problem(404, "channel " + std::string(id) + " not found");
  if (!channel->enabled) {
    return problem(409, "channel " + std::string(id) + " is disabled (" + channel->disabled_reason +
                            "); create a new channel");
  }
  if (channel->type == ChannelType::email && !context.current_email_enabled()) {
    return problem(409,
                   "channel " + std::string(id) +
                       ": email is not configured on this server; ask an admin to set [email]");
  }
  const std::string message = "Test message from Bellwether to " +
                              std::string(channel_type_name(channel->type)) + " channel " +
                              std::to_string(channel->id);
  StoredNotification sent =
      context.deliveries.enqueue_channel_test(*channel, message, context.clock.now_ms());
  if (context.wake_dispatcher) context.wake_dispatcher();
  json deliveries = json::array();
  if (auto rows = context.deliveries.list_for_notification(user.id, sent.id)) {
    for (const Delivery& d : *rows) deliveries.push_back(json::parse(delivery_json(d)));
  }
  return json_response(202, dump_json({{"notification", encode_notification(sent)},
                                       {"deliveries", std::move(deliveries)}}));
}

}  // namespace bw
