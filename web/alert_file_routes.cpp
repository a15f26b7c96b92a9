#include "web/alert_file_routes.hpp"

#include "web/alert_files.hpp"
#include "web/api_routes.hpp"
#include "web/channel_routes.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

AlertTransfer transfer(ApiContext& context) {
  return AlertTransfer{context.alerts, context.delivery ? &context.delivery->channels : nullptr,
                       &context.engine};
}

bool is_toml_content_type(std::string_view content_type) {
  std::string_view base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return base.empty() || base == "application/toml" || base == "text/plain";
}

}  // namespace

ApiResponse get_alerts_export(ApiContext& context, const User& user) {
  sweep_expired_alerts(context);
  ApiResponse response{200,
                       "application/toml; charset=utf-8",
                       export_alerts(transfer(context), user, context.clock.now_ms()),
                       {}};
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"alerts-" + user.name + ".toml\"");
  return response;
}

ApiResponse post_alerts_import(ApiContext& context, const User& user, std::string_view content_type,
                               std::string_view body) {
  if (!is_toml_content_type(content_type))
    return problem(415, "Content-Type: must be application/toml or text/plain");
  if (body.empty()) return problem(400, "body: is empty; expected [[alert]] tables (TOML)");
  Result<std::vector<Alert>> added =
      import_alerts(transfer(context), user, body, "body", context.clock.now_ms());
  if (!added) {
    return problem(400, "import refused, no alert was added:\n" + added.error());
  }
  nlohmann::json items = nlohmann::json::array();
  for (const Alert& alert : *added) items.push_back(alert_json(context, alert));
  return json_response(201, dump_json({{"imported", added->size()}, {"items", std::move(items)}}));
}

}  // namespace bw
