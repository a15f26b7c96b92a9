// REST handlers that change an existing alert: PATCH /api/v1/alerts/{id},
// POST /api/v1/alerts/{id}/pause and /resume. Plain functions, request in,
// response out (like api_routes.hpp).
//
//   ApiResponse r = patch_alert(context, user, "42", R"({"condition":{...}})");
//
// Every change is written to the store first (with the alert's revision
// bumped, so a fire of the older version still in flight is dropped), then
// the engine re-arms or disarms the alert. Editing the symbol, condition or
// trigger re-arms it: a `triggered` or waiting alert becomes `armed` again
// (a paused one stays paused). Users reach only their own alerts (404).
// Thread-safe.
#pragma once

#include <string_view>

#include "web/api_context.hpp"
#include "web/problem.hpp"

namespace bw {

ApiResponse patch_alert(ApiContext& context, const User& user, std::string_view id,
                        std::string_view body);
ApiResponse pause_alert(ApiContext& context, const User& user, std::string_view id);
ApiResponse resume_alert(ApiContext& context, const User& user, std::string_view id);

}  // namespace bw
