// Admin endpoints: POST /api/v1/admin/reload re-reads the config file and
// applies what can change at run time (see Server::reload).
//
//   ApiResponse r = post_reload(user, ops.reload);
//   // 200 {"applied":["log.level"],"restart_required":["web.listen"],
//   //      "alerts":{"files":2,"added":1,"changed":0,"removed":0,"unchanged":4}}
//   // 422 problem+json: the new file is invalid, every problem listed; nothing changed
//
// Plain functions; thread-safe when `reload` is.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "store/accounts.hpp"
#include "web/problem.hpp"

namespace bw {

struct ReloadOutcome {
  bool ok = false;
  std::string error;                          // why nothing changed (when !ok)
  bool unavailable = false;                   // the server is shutting down
  std::vector<std::string> applied;           // keys now in effect
  std::vector<std::string> restart_required;  // keys that differ but need a restart
  std::map<std::string, std::size_t> alerts;  // alerts as code: files, added, changed, ...
};
using ReloadFunction = std::function<ReloadOutcome()>;

ApiResponse post_reload(const User& user, const ReloadFunction& reload);

}  // namespace bw
