#include "web/admin_routes.hpp"

#include <nlohmann/json.hpp>

namespace bw {

ApiResponse post_reload(const User& user, const ReloadFunction& reload) {
  if (!user.admin) return problem(403, "reloading the configuration needs an admin token");
  if (!reload) return problem(503, "reload is not available in this server");
  const ReloadOutcome outcome = reload();
  if (outcome.unavailable) return problem(503, outcome.error);
  if (!outcome.ok) {
    return problem(422,
                   "config: the new configuration is invalid and was not applied; the "
                   "running configuration stays:\n" +
                       outcome.error);
  }
  nlohmann::json body{{"applied", outcome.applied},
                      {"restart_required", outcome.restart_required},
                      {"alerts", outcome.alerts}};
  return json_response(200, body.dump());
}

}  // namespace bw
