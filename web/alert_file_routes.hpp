// REST handlers for bulk export and import of the caller's alerts in the TOML
// alerts format (web/alert_toml.hpp, docs/API.md):
//   GET  /api/v1/alerts/export   → 200 application/toml, every alert of yours
//   POST /api/v1/alerts/import   (application/toml or text/plain body)
//                                → 201 {"imported":N,"items":[alert…]}; 400 lists every problem
// Plain functions, request in, response out (like api_routes.hpp). Only the
// caller's own alerts and channels are read or written. Thread-safe.
#pragma once

#include <string_view>

#include "web/api_context.hpp"
#include "web/problem.hpp"

namespace bw {

ApiResponse get_alerts_export(ApiContext& context, const User& user);
ApiResponse post_alerts_import(ApiContext& context, const User& user, std::string_view content_type,
                               std::string_view body);

}  // namespace bw
