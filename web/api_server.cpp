#include "web/api_server.hpp"

#include <httplib.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <variant>

#include "log/module_logger.hpp"
#include "web/account_routes.hpp"
#include "web/alert_edit_routes.hpp"
#include "web/alert_file_routes.hpp"
#include "web/api_routes.hpp"
#include "web/backtest_routes.hpp"
#include "web/channel_routes.hpp"
#include "web/credentials.hpp"
#include "web/dashboard_routes.hpp"
#include "web/ingest_routes.hpp"
#include "web/login_limiter.hpp"
#include "web/ops_routes.hpp"
#include "web/pagination.hpp"
#include "web/settings_routes.hpp"
#include "web/tls_identity.hpp"
#include "web/ui_assets.hpp"
#include "web/watchlist_routes.hpp"

namespace bw {

namespace {

// cpp-httplib answers 400 to a write without a length (and not chunked), after
// its read timeout.
bool missing_length(const httplib::Request& req) {
  const bool writes = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
  return writes && !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding");
}

// The route whose handler is running on this worker thread, for the request
// counters (httplib calls the logger on the same thread after the handler).
thread_local std::size_t t_route_index = HttpRequestCounters::npos;

void write(httplib::Response& res, const ApiResponse& response) {
  res.status = response.status;
  for (const auto& [name, value] : response.headers) res.set_header(name, value);
  if (!response.body.empty() || !response.content_type.empty()) {
    res.set_content(response.body, response.content_type);
  }
}

std::optional<std::string> bearer_token(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  return header.substr(kPrefix.size());
}

Sessions& require_sessions(ApiContext& context) {
  if (!context.sessions) throw std::invalid_argument("web: ApiContext.sessions is required");
  return *context.sessions;
}

bool is_write(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// How a route is guarded beyond "signed in".
struct RouteRules {
  bool has_body = false;
  bool before_password_change = false;  // reachable while must_change_password
};

bool is_json_content_type(const std::string& content_type) {
  if (content_type.empty()) return true;  // curl -d without -H: be forgiving
  std::string base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  return base == "application/json";
}

// The request's query parameters by name (pointers into req.params).
QueryParam query_of(const httplib::Request& req) {
  return [&req](const char* name) -> const std::string* {
    auto it = req.params.find(name);
    return it == req.params.end() ? nullptr : &it->second;
  };
}

// A complete list, cut to the page that ?limit= and ?cursor= ask for. The
// list runs first, so its own refusals (403 for non-admins) win over a bad
// parameter.
ApiResponse paged(const httplib::Request& req, const std::function<ApiResponse()>& list) {
  ApiResponse full = list();
  if (full.status != 200) return full;
  const QueryParam param = query_of(req);
  Result<PageRequest> page = parse_page(param("limit"), param("cursor"), 100);
  if (!page) return problem(400, page.error());
  return paginate_items(std::move(full), *page);
}

// Plain HTTP, or HTTPS with `tls`'s identity (TLS 1.2+, swapped on reload).
std::unique_ptr<httplib::Server> make_http_server(TlsIdentity* tls) {
  if (!tls) return std::make_unique<httplib::Server>();
  auto server =
      std::make_unique<httplib::SSLServer>([tls](SSL_CTX& ctx) { return tls->configure(&ctx); });
  if (!server->is_valid()) throw std::runtime_error("web: cannot set up TLS");
  return server;
}

// httplib's own body limit: the configured one at start, at least the
// default 1 MiB, so that a reload can raise the limit that far.
std::size_t body_ceiling(std::size_t start_limit) {
  return std::max<std::size_t>(start_limit, ApiServerOptions{}.max_body_bytes);
}

}  // namespace

class ApiServer::Impl {
 public:
  Impl(ApiServerOptions options, ApiContext& context)
      : options_(std::move(options)),
        context_(context),
        limiter_(options_.auth.failure_window),
        sessions_(require_sessions(context)),
        auth_options_(options_.auth),
        max_body_bytes_(options_.max_body_bytes),
        server_(make_http_server(options_.tls.get())) {
    configure();
    routes();
  }

  std::uint16_t start() {
    int port = options_.port == 0
                   ? server_->bind_to_any_port(options_.host)
                   : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
    if (port <= 0) {
      throw std::runtime_error("web: cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port));
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    return static_cast<std::uint16_t>(port);
  }

  void stop() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  bool set_limits(const AuthOptions& auth, std::size_t max_body_bytes) {
    if (max_body_bytes > body_ceiling(options_.max_body_bytes)) return false;
    {
      std::lock_guard lock(auth_mutex_);
      auth_options_ = auth;
    }
    limiter_.set_window(auth.failure_window);
    max_body_bytes_.store(max_body_bytes);
    return true;
  }

  std::size_t start_body_limit() const { return options_.max_body_bytes; }

  void enable_ops(OpsContext& ops) {
    get("/metrics", [&ops](const httplib::Request& req, httplib::Response& res) {
      write(res, get_metrics(ops, req.get_header_value("Authorization")));
    });
    get("/readyz", [&ops](const httplib::Request&, httplib::Response& res) {
      write(res, get_readiness(ops));
    });
    post("/api/v1/admin/reload", authed([&ops](const httplib::Request&, const User& u) {
           return post_reload(u, ops.reload);
         }));
    http_counters_ = std::make_unique<HttpRequestCounters>(ops.metrics);
    for (const auto& [method, pattern] : route_table_) http_counters_->add_route(method, pattern);
    server_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      http_counters_->count(std::exchange(t_route_index, HttpRequestCounters::npos), req.method,
                            res.status);
    });
  }

 private:
  // Route registration that remembers the pattern, so the request counters
  // can label a request with its route rather than its raw path.
  httplib::Server::Handler tracked(const char* method, const std::string& pattern,
                                   httplib::Server::Handler handler) {
    const std::size_t index = route_table_.size();
    route_table_.emplace_back(method, pattern);
    return [this, index, handler = std::move(handler)](const httplib::Request& req,
                                                       httplib::Response& res) {
      t_route_index = index;
      // httplib enforces the ceiling while reading; the live limit (lowered
      // by a reload, perhaps) is checked here, before any handler runs.
      if (const std::size_t limit = max_body_bytes_.load(std::memory_order_relaxed);
          req.body.size() > limit) {
        return write(res, problem(413, "body: larger than the server's limit of " +
                                           std::to_string(limit) + " bytes"));
      }
      handler(req, res);
    };
  }
  void get(const std::string& pattern, httplib::Server::Handler handler) {
    server_->Get(pattern, tracked("GET", pattern, std::move(handler)));
  }
  void post(const std::string& pattern, httplib::Server::Handler handler) {
    server_->Post(pattern, tracked("POST", pattern, std::move(handler)));
  }
  void del(const std::string& pattern, httplib::Server::Handler handler) {
    server_->Delete(pattern, tracked("DELETE", pattern, std::move(handler)));
  }
  void patch(const std::string& pattern, httplib::Server::Handler handler) {
    server_->Patch(pattern, tracked("PATCH", pattern, std::move(handler)));
  }
  void put(const std::string& pattern, httplib::Server::Handler handler) {
    server_->Put(pattern, tracked("PUT", pattern, std::move(handler)));
  }

  using Handler = std::function<ApiResponse(const httplib::Request&, const User&)>;
  using CallerHandler = std::function<ApiResponse(const httplib::Request&, const Caller&)>;

  void configure() {
    const int threads = options_.threads;
    server_->new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    // Fixed for the server's life (httplib reads it unsynchronised); a reload
    // moves the live limit anywhere up to it, see body_ceiling().
    server_->set_payload_max_length(body_ceiling(options_.max_body_bytes));
    server_->set_read_timeout(10, 0);
    server_->set_write_timeout(10, 0);
    server_->set_keep_alive_timeout(5);
    server_->set_keep_alive_max_count(100);
    // httplib writes a response's header and body separately: with Nagle on,
    // the body waits for the client's delayed ACK (~40 ms per keep-alive request).
    server_->set_tcp_nodelay(true);
    // Fill in a problem body for errors httplib raises itself (404 no route,
    // 413 body too large, 400 bad request line); ours already have one.
    server_->set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& req, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string detail = res.status == 404     ? "no route for " + req.method + " " + req.path
                               : res.status == 413   ? "body: larger than the server's limit"
                               : missing_length(req) ? "Content-Length: required on " + req.method +
                                                           " (send an empty body, e.g. curl -d '')"
                                                     : std::string(status_title(res.status));
          write(res, problem(res.status, detail));
          return httplib::Server::HandlerResponse::Handled;
        }));
    server_->set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
          module_logger("web")->error("web: unhandled exception in {} {}", req.method, req.path);
          write(res, problem(500, "internal error"));
        });
  }

  // Existing (user-only) handlers keep their shape; see signed_in().
  httplib::Server::Handler authed(Handler handler, bool has_body = false) {
    return signed_in([handler](const httplib::Request& req,
                               const Caller& caller) { return handler(req, caller.user); },
                     {has_body, false});
  }

  // Wraps a handler: authentication (bearer token, or session cookie plus
  // X-CSRF-Token on writes), the password-change gate, content type, and
  // store failures.
  httplib::Server::Handler signed_in(CallerHandler handler, RouteRules rules) {
    return [this, handler, rules](const httplib::Request& req, httplib::Response& res) {
      try {
        std::variant<Caller, ApiResponse> who = authenticate(req);
        if (auto* refused = std::get_if<ApiResponse>(&who)) return write(res, *refused);
        const Caller& caller = std::get<Caller>(who);
        if (caller.user.must_change_password && !rules.before_password_change) {
          return write(res, problem(403,
                                    "password change required: set a new password with POST "
                                    "/api/v1/me/password before using the API"));
        }
        if (rules.has_body && !is_json_content_type(req.get_header_value("Content-Type"))) {
          return write(res, problem(415, "Content-Type: must be application/json"));
        }
        write(res, handler(req, caller));
      } catch (const std::exception& error) {
        write(res, store_failure(req, error));
      }
    };
  }

  std::variant<Caller, ApiResponse> authenticate(const httplib::Request& req) {
    if (std::optional<std::string> token = bearer_token(req)) {
      std::optional<User> user = context_.accounts.user_for_token(hash_token(*token));
      if (!user) return problem(401, "invalid or revoked token");
      return Caller{std::move(*user), std::nullopt};
    }
    std::optional<std::string> cookie = session_cookie(req.get_header_value("Cookie"));
    if (!cookie) {
      return problem(401,
                     "missing credentials: a bearer token (Authorization: Bearer <token>) or a "
                     "session cookie (POST /api/v1/session)");
    }
    std::optional<SessionLogin> login = resolve_session(
        sessions_, context_.accounts, auth_options(), *cookie, context_.clock.now_ms());
    if (!login) {
      ApiResponse expired = problem(401, "session expired or signed out; sign in again");
      expired.headers.emplace_back("Set-Cookie", session_clear_cookie(auth_options()));
      return expired;
    }
    if (is_write(req.method) &&
        !secrets_equal(req.get_header_value(std::string(kCsrfHeader).c_str()),
                       login->session.csrf_token)) {
      return problem(403,
                     "X-CSRF-Token: missing or wrong; cookie-authenticated writes must send the "
                     "csrf_token from GET /api/v1/session");
    }
    return Caller{std::move(login->user), std::move(login->session)};
  }

  static ApiResponse store_failure(const httplib::Request& req, const std::exception& error) {
    module_logger("web")->error("web: {} {} failed: {}", req.method, req.path, error.what());
    ApiResponse unavailable = problem(503, "storage unavailable, try again");
    unavailable.headers.emplace_back("Retry-After", "1");
    return unavailable;
  }

  void session_routes() {
    post("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
      try {
        if (!is_json_content_type(req.get_header_value("Content-Type"))) {
          return write(res, problem(415, "Content-Type: must be application/json"));
        }
        write(res, create_session(context_, auth(), req.body, req.remote_addr,
                                  session_cookie(req.get_header_value("Cookie"))));
      } catch (const std::exception& error) {
        write(res, store_failure(req, error));
      }
    });
    const RouteRules open_gate{false, true};
    get("/api/v1/session", signed_in([this](const httplib::Request&,
                                            const Caller& c) { return get_session(auth(), c); },
                                     open_gate));
    del("/api/v1/session", signed_in([this](const httplib::Request&,
                                            const Caller& c) { return delete_session(auth(), c); },
                                     open_gate));
    post("/api/v1/me/password", signed_in(
                                    [this](const httplib::Request& req, const Caller& c) {
                                      return change_password(context_, auth(), c, req.body);
                                    },
                                    {true, true}));
  }

  void account_routes() {
    get("/api/v1/tokens", authed([this](const httplib::Request& req, const User& u) {
          return paged(req, [&] { return list_tokens(context_, u); });
        }));
    post("/api/v1/tokens",
         authed([this](const httplib::Request& req,
                       const User& u) { return create_token(context_, u, req.body); },
                true));
    del(R"(/api/v1/tokens/([^/]+))", authed([this](const httplib::Request& req, const User& u) {
          return revoke_token(context_, u, req.matches[1].str());
        }));
    get("/api/v1/users", authed([this](const httplib::Request& req, const User& u) {
          return paged(req, [&] { return list_users(context_, u); });
        }));
    post("/api/v1/users",
         authed([this](const httplib::Request& req,
                       const User& u) { return create_user(context_, auth(), u, req.body); },
                true));
    get(R"(/api/v1/users/([^/]+))", authed([this](const httplib::Request& req, const User& u) {
          return get_user(context_, u, req.matches[1].str());
        }));
    patch(R"(/api/v1/users/([^/]+))", authed(
                                          [this](const httplib::Request& req, const User& u) {
                                            return update_user(context_, auth(), u,
                                                               req.matches[1].str(), req.body);
                                          },
                                          true));
    del(R"(/api/v1/users/([^/]+))", authed([this](const httplib::Request& req, const User& u) {
          return delete_user(context_, u, req.matches[1].str());
        }));
    post(R"(/api/v1/users/([^/]+)/password)",
         authed(
             [this](const httplib::Request& req, const User& u) {
               return reset_password(context_, auth(), u, req.matches[1].str(), req.body);
             },
             true));
  }

  void routes() {
    get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{\"status\":\"ok\"}", "application/json");
    });
    get("/api/v1/info", [this](const httplib::Request&, httplib::Response& res) {
      write(res, get_info(context_));
    });
    get("/api/v1/me",
        signed_in([](const httplib::Request&, const Caller& c) { return get_me(c.user); },
                  {false, true}));
    session_routes();
    account_routes();
    post("/api/v1/alerts",
         authed([this](const httplib::Request& req,
                       const User& u) { return create_alert(context_, u, req.body); },
                true));
    get("/api/v1/alerts", authed([this](const httplib::Request& req, const User& u) {
          const QueryParam param = query_of(req);
          Result<PageRequest> page = parse_page(param("limit"), param("cursor"), 100);
          if (!page) return problem(400, page.error());
          return list_alerts(context_, u, *page);
        }));
    alert_file_routes();  // before /api/v1/alerts/{id}, which would match "export"
    if (context_.backtest) {
      post("/api/v1/alerts/backtest", authed(
                                          [this](const httplib::Request& req, const User& u) {
                                            return post_alert_backtest(*context_.backtest,
                                                                       context_.clock, u, req.body);
                                          },
                                          true));
    }
    get(R"(/api/v1/alerts/([^/]+))", authed([this](const httplib::Request& req, const User& u) {
          return get_alert(context_, u, req.matches[1].str());
        }));
    del(R"(/api/v1/alerts/([^/]+))", authed([this](const httplib::Request& req, const User& u) {
          return delete_alert(context_, u, req.matches[1].str());
        }));
    patch(R"(/api/v1/alerts/([^/]+))", authed(
                                           [this](const httplib::Request& req, const User& u) {
                                             return patch_alert(context_, u, req.matches[1].str(),
                                                                req.body);
                                           },
                                           true));
    post(R"(/api/v1/alerts/([^/]+)/pause)",
         authed([this](const httplib::Request& req, const User& u) {
           return pause_alert(context_, u, req.matches[1].str());
         }));
    post(R"(/api/v1/alerts/([^/]+)/resume)",
         authed([this](const httplib::Request& req, const User& u) {
           return resume_alert(context_, u, req.matches[1].str());
         }));
    // A JSON array, or NDJSON (one quote per line); the handler checks the type.
    post("/api/v1/quotes", authed([this](const httplib::Request& req, const User& u) {
           const std::string type = req.get_header_value("Content-Type");
           if (is_ndjson_content_type(type)) return push_quotes_ndjson(context_, u, req.body);
           if (!is_json_content_type(type)) {
             return problem(415, "Content-Type: must be application/json or application/x-ndjson");
           }
           return push_quotes(context_, u, req.body);
         }));
    if (context_.ingest_status) {
      get("/api/v1/sources", authed([this](const httplib::Request&, const User& u) {
            return get_sources(*context_.ingest_status, u, context_.clock.now_ms());
          }));
    }
    get("/api/v1/quotes",
        authed([this](const httplib::Request&, const User&) { return list_quotes(context_); }));
    get(R"(/api/v1/quotes/([^/]+))", authed([this](const httplib::Request& req, const User&) {
          return get_quote(context_, req.matches[1].str());
        }));
    get("/api/v1/notifications", authed([this](const httplib::Request& req, const User& u) {
          return list_notification_history(context_, u, query_of(req));
        }));
    if (context_.candles) {
      get(R"(/api/v1/quotes/([^/]+)/bars)",
          authed([this](const httplib::Request& req, const User&) {
            return get_bars(*context_.candles, req.matches[1].str(), query_of(req));
          }));
    }
    if (context_.delivery) delivery_routes(*context_.delivery);
    if (context_.watchlist) watchlist_routes(*context_.watchlist);
    if (context_.settings) settings_routes(*context_.settings);
    ui_routes();
  }

  void alert_file_routes() {
    get("/api/v1/alerts/export", authed([this](const httplib::Request&, const User& u) {
          return get_alerts_export(context_, u);
        }));
    post("/api/v1/alerts/import", authed([this](const httplib::Request& req, const User& u) {
           return post_alerts_import(context_, u, req.get_header_value("Content-Type"), req.body);
         }));
  }

  void settings_routes(SettingsContext& s) {
    using Req = const httplib::Request&;
    get("/api/v1/me/settings", authed([&s](Req, const User& u) { return get_settings(s, u); }));
    patch("/api/v1/me/settings",
          authed([&s](Req req, const User& u) { return patch_settings(s, u, req.body); }, true));
  }

  void delivery_routes(DeliveryContext& d) {
    using Req = const httplib::Request&;
    post("/api/v1/channels",
         authed([&d](Req req, const User& u) { return create_channel(d, u, req.body); }, true));
    get("/api/v1/channels", authed([&d](Req req, const User& u) {
          return paged(req, [&] { return list_channels(d, u); });
        }));
    post(R"(/api/v1/channels/([^/]+)/test)",
         authed([&d](Req req, const User& u) { return test_channel(d, u, req.matches[1].str()); }));
    get(R"(/api/v1/channels/([^/]+))",
        authed([&d](Req req, const User& u) { return get_channel(d, u, req.matches[1].str()); }));
    del(R"(/api/v1/channels/([^/]+))", authed([&d](Req req, const User& u) {
          return delete_channel(d, u, req.matches[1].str());
        }));
    get(R"(/api/v1/notifications/([^/]+)/deliveries)", authed([&d](Req req, const User& u) {
          return list_deliveries(d, u, req.matches[1].str());
        }));
    post(R"(/api/v1/deliveries/([^/]+)/retry)", authed([&d](Req req, const User& u) {
           return retry_delivery(d, u, req.matches[1].str());
         }));
  }

  void watchlist_routes(WatchlistContext& w) {
    using Req = const httplib::Request&;
    get("/api/v1/watchlist", authed([&w](Req, const User& u) { return get_watchlist(w, u); }));
    put("/api/v1/watchlist",
        authed([&w](Req req, const User& u) { return put_watchlist(w, u, req.body); }, true));
    post("/api/v1/watchlist",
         authed([&w](Req req, const User& u) { return add_to_watchlist(w, u, req.body); }, true));
    del(R"(/api/v1/watchlist/([^/]+))", authed([&w](Req req, const User& u) {
          return remove_from_watchlist(w, u, req.matches[1].str());
        }));
  }

  void ui_routes() {
    auto serve = [this](const httplib::Request& req, httplib::Response& res) {
      const std::string path = req.path == "/" ? "/index.html" : req.path;
      if (!options_.ui_dir.empty()) return serve_from_disk(path, res);
      for (const UiAsset& asset : ui_assets()) {
        if (asset.path != path) continue;
        res.set_header("Cache-Control", "no-cache");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_content(std::string(asset.bytes), std::string(asset.content_type));
        return;
      }
      write(res, problem(404, "no such file " + path));
    };
    get("/", serve);
    // The OpenAPI document ships with the dashboard files (web/ui/openapi.json).
    get("/api/v1/openapi.json", [serve](const httplib::Request& req, httplib::Response& res) {
      httplib::Request asset = req;
      asset.path = "/openapi.json";
      serve(asset, res);
    });
    get(R"(/([A-Za-z0-9_-]+\.(html|js|css|svg|png|ico)))", serve);
  }

  void serve_from_disk(const std::string& path, httplib::Response& res) {
    std::ifstream file(options_.ui_dir + path, std::ios::binary);
    if (!file) return write(res, problem(404, "no such file " + path));
    std::ostringstream bytes;
    bytes << file.rdbuf();
    std::string type = "application/octet-stream";
    for (const auto& [suffix, mime] :
         {std::pair{".html", "text/html; charset=utf-8"},
          std::pair{".js", "text/javascript; charset=utf-8"},
          std::pair{".css", "text/css; charset=utf-8"}, std::pair{".svg", "image/svg+xml"},
          std::pair{".json", "application/json"}}) {
      if (path.ends_with(suffix)) type = mime;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(bytes.str(), type);
  }

  // The sign-in rules and the body limit change on reload (set_limits).
  AuthOptions auth_options() const {
    std::lock_guard lock(auth_mutex_);
    return auth_options_;
  }
  AuthServices auth() const { return AuthServices{sessions_, limiter_, auth_options()}; }

  ApiServerOptions options_;  // auth and max_body_bytes: as at start; see below
  ApiContext& context_;
  mutable LoginLimiter limiter_;
  Sessions& sessions_;
  mutable std::mutex auth_mutex_;
  AuthOptions auth_options_;  // guarded by auth_mutex_
  // The live body limit, checked per request under httplib's fixed ceiling.
  std::atomic<std::size_t> max_body_bytes_;
  std::unique_ptr<httplib::Server> server_;  // an httplib::SSLServer with TLS
  std::thread thread_;
  std::vector<std::pair<std::string, std::string>> route_table_;  // method, pattern
  std::unique_ptr<HttpRequestCounters> http_counters_;            // set by enable_ops
};

ApiServer::ApiServer(ApiServerOptions options, ApiContext& context)
    : impl_(std::make_unique<Impl>(std::move(options), context)) {}
ApiServer::~ApiServer() {
  impl_->stop();
}
std::uint16_t ApiServer::start() {
  return impl_->start();
}
void ApiServer::stop() {
  impl_->stop();
}
bool ApiServer::set_limits(const AuthOptions& auth, std::size_t max_body_bytes) {
  return impl_->set_limits(auth, max_body_bytes);
}
std::size_t ApiServer::max_body_ceiling() const {
  return body_ceiling(impl_->start_body_limit());
}
void ApiServer::enable_ops(OpsContext& ops) {
  impl_->enable_ops(ops);
}

}  // namespace bw
