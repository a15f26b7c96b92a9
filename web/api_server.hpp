// ApiServer: the REST API and the dashboard on cpp-httplib (`[web] listen`).
// Authenticates bearer tokens and session cookies (CSRF on cookie writes;
// users who must change their password reach only the password and session
// endpoints), enforces the body limit, routes to the
// handlers in api_routes.hpp, and serves web/ui/ (embedded, or from
// `ui_dir` on disk while developing).
//
//   ApiServer api(options, context);
//   std::uint16_t port = api.start();   // listens on its own thread; throws if bind fails
//   api.stop();
//
// The worker pool is sized from config (each keep-alive connection holds a
// worker while open, so idle connections are closed after a few seconds).
// start/stop from the owning thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "web/api_context.hpp"
#include "web/session_auth.hpp"

namespace bw {

struct OpsContext;

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port
  int threads = 8;
  std::size_t max_body_bytes = 1 << 20;
  std::string ui_dir;  // empty: embedded assets
  AuthOptions auth;    // sessions, passwords, sign-in limits
};

class ApiServer {
 public:
  ApiServer(ApiServerOptions options, ApiContext& context);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  std::uint16_t start();
  void stop();
  // Before start(): serves /metrics and /readyz from `ops` (which must outlive
  // the server) and counts every request by route and status into its registry.
  void enable_ops(OpsContext& ops);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bw
