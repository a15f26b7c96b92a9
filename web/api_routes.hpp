// The REST handlers: plain functions from a parsed request to a response, so
// they are tested without sockets. api_server.cpp binds them to routes.
//
//   ApiResponse r = create_alert(context, user, body_text);
//
// Every handler validates its input and answers 4xx problem+json naming the
// field. A store failure surfaces as sql::SqliteError, before anything is
// armed or published; ApiServer turns it into 503 with Retry-After.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <optional>

#include "rules/result.hpp"
#include "web/api_context.hpp"
#include "web/pagination.hpp"
#include "web/problem.hpp"

namespace bw {

inline constexpr std::size_t kMaxNotificationPage = 500;
inline constexpr int kMaxJsonDepth = 32;

// Shared by the route files: body parsing (size/depth checked), ids, 404s, and
// marking alerts past expires_at `expired` (and disarming them).
Result<nlohmann::json> parse_body(std::string_view body);
std::optional<std::int64_t> parse_id(std::string_view text);
ApiResponse not_found_alert(std::string_view id);
// An alert as the API shows it: encode_alert plus the ids of its channels.
nlohmann::json alert_json(ApiContext& context, const Alert& alert);
void sweep_expired_alerts(ApiContext& context);

ApiResponse get_info(const ApiContext& context);
ApiResponse get_me(const User& user);
ApiResponse create_alert(ApiContext& context, const User& user, std::string_view body);
// One page of the caller's alerts, oldest first, read from the store by key
// (id > cursor, LIMIT limit + 1), with next_cursor when more follow.
ApiResponse list_alerts(ApiContext& context, const User& user, const PageRequest& page = {});
ApiResponse get_alert(ApiContext& context, const User& user, std::string_view id);
ApiResponse delete_alert(ApiContext& context, const User& user, std::string_view id);
ApiResponse get_quote(ApiContext& context, std::string_view symbol);
ApiResponse list_quotes(ApiContext& context);
ApiResponse list_notifications(ApiContext& context, const User& user, const std::string* limit);

}  // namespace bw
