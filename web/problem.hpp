// ApiResponse and the problem+json error shape (RFC 9457) every API error uses:
// {"type":"about:blank","title":"Bad Request","status":400,"detail":"condition.price: must be a
// number"}
//
//   return problem(400, "condition.price: must be a number");
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bw {

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

ApiResponse problem(int status, const std::string& detail);
ApiResponse json_response(int status, std::string body);
std::string_view status_title(int status);

}  // namespace bw
