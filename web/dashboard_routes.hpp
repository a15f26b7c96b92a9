// REST handlers the dashboard needs beyond the CRUD routes (docs/API.md):
//   GET  /api/v1/quotes/{symbol}/bars?interval=1m&limit=N   recent candles
//   GET  /api/v1/notifications?limit&cursor&symbol&alert_id&since&until
//   POST /api/v1/channels/{id}/test                          a test message
// Plain functions (request in, response out), like api_routes. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "ingest/candle_history.hpp"
#include "web/api_context.hpp"
#include "web/channel_routes.hpp"
#include "web/problem.hpp"

namespace bw {

// The query parameters of a request, by name; null when absent.
using QueryParam = std::function<const std::string*(const char* name)>;

inline constexpr std::size_t kDefaultBarLimit = 300;

ApiResponse get_bars(const CandleHistory& history, std::string_view symbol,
                     const QueryParam& param);
ApiResponse list_notification_history(ApiContext& context, const User& user,
                                      const QueryParam& param);
ApiResponse test_channel(DeliveryContext& context, const User& user, std::string_view id);

}  // namespace bw
