#include "web/problem.hpp"

#include <nlohmann/json.hpp>

namespace bw {

std::string_view status_title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return status < 500 ? "Client Error" : "Server Error";
  }
}

ApiResponse problem(int status, const std::string& detail) {
  nlohmann::json body = {{"type", "about:blank"},
                         {"title", status_title(status)},
                         {"status", status},
                         {"detail", detail}};
  ApiResponse response{status,
                       "application/problem+json",
                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       {}};
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

ApiResponse json_response(int status, std::string body) {
  return ApiResponse{status, "application/json", std::move(body), {}};
}

}  // namespace bw
