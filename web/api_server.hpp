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
class TlsIdentity;

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port
  int threads = 8;
  std::size_t max_body_bytes = 1 << 20;
  std::string ui_dir;  // empty: embedded assets
  AuthOptions auth;    // sessions, passwords, sign-in limits
  // Set: HTTPS only, with this identity (it must outlive the server).
  std::shared_ptr<TlsIdentity> tls;
};

class ApiServer {
 public:
  ApiServer(ApiServerOptions options, ApiContext& context);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  std::uint16_t start();
  void stop();
  // New sign-in rules (limits, expiry, Secure cookie) and body limit, for the
  // requests that start from now on; safe from any thread. False (nothing
  // changed) when max_body_bytes is above max_body_ceiling().
  bool set_limits(const AuthOptions& auth, std::size_t max_body_bytes);
  // The largest body limit set_limits accepts: the limit at start, or 1 MiB
  // if that is more (the parser's own bound is fixed when the server starts).
  std::size_t max_body_ceiling() const;
  // Before start(): serves /metrics and /readyz from `ops` (which must outlive
  // the server) and counts every request by route and status into its registry.
  void enable_ops(OpsContext& ops);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bw
