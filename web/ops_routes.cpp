#include "web/ops_routes.hpp"

#include <algorithm>

namespace bw {

namespace {

constexpr const char* kHttpRequestsName = "bellwether_http_requests_total";
constexpr const char* kHttpRequestsHelp = "HTTP requests answered, by route, method and status.";
}  // namespace

// Compares without an early exit, so the time taken does not reveal how much
// of a guessed token was right.
static bool same_secret(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return difference == 0;
}

ApiResponse get_metrics(const OpsContext& ops, std::string_view authorization) {
  const std::shared_ptr<const std::string> token = ops.metrics_token.get();
  if (!token->empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.substr(0, kBearer.size()) != kBearer ||
        !same_secret(authorization.substr(kBearer.size()), *token)) {
      return problem(401, "Authorization: /metrics needs the configured metrics bearer token");
    }
  }
  return ApiResponse{200, kPrometheusContentType, ops.metrics.render(), {}};
}

ApiResponse get_readiness(const OpsContext& ops) {
  const Readiness readiness = ops.readiness();
  if (readiness.ready) return json_response(200, R"({"status":"ready"})");
  ApiResponse not_ready = problem(503, "not ready: " + readiness.reason);
  not_ready.headers.emplace_back("Retry-After", "1");
  return not_ready;
}

std::string route_label(const std::string& pattern) {
  std::string label;
  int depth = 0;
  for (char c : pattern) {
    if (c == '(') {
      if (depth++ == 0) label += "{}";
    } else if (c == ')') {
      --depth;
    } else if (depth == 0) {
      label += c;
    }
  }
  return label;
}

HttpRequestCounters::HttpRequestCounters(MetricsRegistry& registry) : registry_(registry) {}

std::size_t HttpRequestCounters::add_route(const std::string& method, const std::string& route) {
  Route entry{method, route_label(route), {}};
  for (std::size_t i = 0; i < kCommonStatuses.size(); ++i) {
    entry.by_status[i] = &registry_.counter(kHttpRequestsName, kHttpRequestsHelp,
                                            {{"route", entry.label},
                                             {"method", method},
                                             {"status", std::to_string(kCommonStatuses[i])}});
  }
  routes_.push_back(std::move(entry));
  return routes_.size() - 1;
}

void HttpRequestCounters::count(std::size_t route_index, const std::string& method, int status) {
  if (route_index < routes_.size()) {
    Route& route = routes_[route_index];
    for (std::size_t i = 0; i < kCommonStatuses.size(); ++i) {
      if (kCommonStatuses[i] == status) return route.by_status[i]->inc();
    }
    registry_
        .counter(
            kHttpRequestsName, kHttpRequestsHelp,
            {{"route", route.label}, {"method", route.method}, {"status", std::to_string(status)}})
        .inc();
    return;
  }
  // No route matched (404 and friends): one label for all such paths, so a
  // scanner cannot grow the series without bound. Methods outside the
  // standard set are folded too.
  static const std::array<std::string, 7> kMethods{"GET",  "POST",    "PUT",  "DELETE",
                                                   "HEAD", "OPTIONS", "PATCH"};
  const bool known = std::find(kMethods.begin(), kMethods.end(), method) != kMethods.end();
  registry_
      .counter(kHttpRequestsName, kHttpRequestsHelp,
               {{"route", "unmatched"},
                {"method", known ? method : "other"},
                {"status", std::to_string(status)}})
      .inc();
}

}  // namespace bw
