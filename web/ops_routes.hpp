// Operations endpoints: /metrics (Prometheus text format) and /readyz, and
// the per-route HTTP request counters ApiServer records into /metrics.
//
//   OpsContext ops{registry, [&] { return server_readiness(); }};
//   api_server.enable_ops(ops);            // before start(): adds the routes
//   ApiResponse r = get_readiness(ops);    // 200 {"status":"ready"} or 503 problem
//
// Plain functions and a lock-free counter table; thread-safe.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/metrics.hpp"
#include "web/admin_routes.hpp"
#include "web/problem.hpp"

namespace bw {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not ready (empty when ready)
};

// A secret that request threads read while a reload may replace it.
class ReloadableSecret {
 public:
  ReloadableSecret(std::string value = {})  // NOLINT: implicit, as the plain string it replaced
      : value_(std::make_shared<const std::string>(std::move(value))) {}
  ReloadableSecret(ReloadableSecret&& other) noexcept : value_(other.get()) {}
  std::shared_ptr<const std::string> get() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  void set(std::string value) {
    auto next = std::make_shared<const std::string>(std::move(value));
    std::lock_guard lock(mutex_);
    value_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const std::string> value_;  // guarded by mutex_
};

struct OpsContext {
  MetricsRegistry& metrics;
  std::function<Readiness()> readiness;
  ReloadableSecret metrics_token;  // non-empty: /metrics needs "Authorization: Bearer <it>"
  ReloadFunction reload;           // POST /api/v1/admin/reload
};

// `authorization`: the request's Authorization header ("" when absent).
ApiResponse get_metrics(const OpsContext& ops, std::string_view authorization);
ApiResponse get_readiness(const OpsContext& ops);

// bellwether_http_requests_total{route,method,status}: counters for the
// common statuses are created when a route is added, so counting a request
// is an array index and a relaxed add; rarer statuses go through the
// registry (its mutex).
class HttpRequestCounters {
 public:
  explicit HttpRequestCounters(MetricsRegistry& registry);
  // Before the server starts; returns the route's index for count().
  std::size_t add_route(const std::string& method, const std::string& route);
  // `route_index` from add_route, or npos for a request no route matched.
  void count(std::size_t route_index, const std::string& method, int status);

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  static constexpr std::array<int, 15> kCommonStatuses{200, 201, 202, 204, 400, 401, 403, 404,
                                                       405, 409, 413, 415, 429, 500, 503};
  struct Route {
    std::string method;
    std::string label;
    std::array<Counter*, kCommonStatuses.size()> by_status{};
  };
  MetricsRegistry& registry_;
  std::vector<Route> routes_;  // constant after the server starts
};

// "/api/v1/alerts/([^/]+)" → "/api/v1/alerts/{}": a route pattern as a label.
std::string route_label(const std::string& pattern);

}  // namespace bw
