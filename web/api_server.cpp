#include "web/api_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "web/alert_edit_routes.hpp"
#include "web/api_routes.hpp"
#include "web/credentials.hpp"
#include "web/ui_assets.hpp"

namespace bw {

namespace {

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

bool is_json_content_type(const std::string& content_type) {
  if (content_type.empty()) return true;  // curl -d without -H: be forgiving
  std::string base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  return base == "application/json";
}

}  // namespace

class ApiServer::Impl {
 public:
  Impl(ApiServerOptions options, ApiContext& context)
      : options_(std::move(options)), context_(context) {
    configure();
    routes();
  }

  std::uint16_t start() {
    int port = options_.port == 0
                   ? server_.bind_to_any_port(options_.host)
                   : (server_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
    if (port <= 0) {
      throw std::runtime_error("web: cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port));
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return static_cast<std::uint16_t>(port);
  }

  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  using Handler = std::function<ApiResponse(const httplib::Request&, const User&)>;

  void configure() {
    const int threads = options_.threads;
    server_.new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_read_timeout(10, 0);
    server_.set_write_timeout(10, 0);
    server_.set_keep_alive_timeout(5);
    server_.set_keep_alive_max_count(100);
    // Fill in a problem body for errors httplib raises itself (404 no route,
    // 413 body too large, 400 bad request line); ours already have one.
    server_.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& req, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string detail = res.status == 404   ? "no route for " + req.method + " " + req.path
                               : res.status == 413 ? "body: larger than the server's limit"
                                                   : std::string(status_title(res.status));
          write(res, problem(res.status, detail));
          return httplib::Server::HandlerResponse::Handled;
        }));
    server_.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
          spdlog::error("web: unhandled exception in {} {}", req.method, req.path);
          write(res, problem(500, "internal error"));
        });
  }

  // Wraps a handler: authentication, content type, store failures.
  httplib::Server::Handler authed(Handler handler, bool has_body = false) {
    return [this, handler, has_body](const httplib::Request& req, httplib::Response& res) {
      try {
        std::optional<std::string> token = bearer_token(req);
        if (!token)
          return write(res, problem(401, "missing bearer token (Authorization: Bearer <token>)"));
        std::optional<User> user = context_.accounts.user_for_token(hash_token(*token));
        if (!user) return write(res, problem(401, "invalid or revoked token"));
        if (has_body && !is_json_content_type(req.get_header_value("Content-Type"))) {
          return write(res, problem(415, "Content-Type: must be application/json"));
        }
        write(res, handler(req, *user));
      } catch (const std::exception& error) {
        spdlog::error("web: {} {} failed: {}", req.method, req.path, error.what());
        ApiResponse unavailable = problem(503, "storage unavailable, try again");
        unavailable.headers.emplace_back("Retry-After", "1");
        write(res, unavailable);
      }
    };
  }

  void routes() {
    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{\"status\":\"ok\"}", "application/json");
    });
    server_.Get("/api/v1/info", [this](const httplib::Request&, httplib::Response& res) {
      write(res, get_info(context_));
    });
    server_.Get("/api/v1/me",
                authed([](const httplib::Request&, const User& u) { return get_me(u); }));
    server_.Post("/api/v1/alerts",
                 authed([this](const httplib::Request& req,
                               const User& u) { return create_alert(context_, u, req.body); },
                        true));
    server_.Get("/api/v1/alerts", authed([this](const httplib::Request&, const User& u) {
                  return list_alerts(context_, u);
                }));
    server_.Get(R"(/api/v1/alerts/([^/]+))",
                authed([this](const httplib::Request& req, const User& u) {
                  return get_alert(context_, u, req.matches[1].str());
                }));
    server_.Delete(R"(/api/v1/alerts/([^/]+))",
                   authed([this](const httplib::Request& req, const User& u) {
                     return delete_alert(context_, u, req.matches[1].str());
                   }));
    server_.Patch(R"(/api/v1/alerts/([^/]+))",
                  authed(
                      [this](const httplib::Request& req, const User& u) {
                        return patch_alert(context_, u, req.matches[1].str(), req.body);
                      },
                      true));
    server_.Post(R"(/api/v1/alerts/([^/]+)/(pause|resume))",
                 authed([this](const httplib::Request& req, const User& u) {
                   const std::string id = req.matches[1].str();
                   return req.matches[2].str() == "pause" ? pause_alert(context_, u, id)
                                                          : resume_alert(context_, u, id);
                 }));
    server_.Post("/api/v1/quotes",
                 authed([this](const httplib::Request& req,
                               const User& u) { return push_quotes(context_, u, req.body); },
                        true));
    server_.Get("/api/v1/quotes", authed([this](const httplib::Request&, const User&) {
                  return list_quotes(context_);
                }));
    server_.Get(R"(/api/v1/quotes/([^/]+))",
                authed([this](const httplib::Request& req, const User&) {
                  return get_quote(context_, req.matches[1].str());
                }));
    server_.Get("/api/v1/notifications", authed([this](const httplib::Request& req, const User& u) {
                  const std::string limit = req.get_param_value("limit");
                  return list_notifications(context_, u, req.has_param("limit") ? &limit : nullptr);
                }));
    ui_routes();
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
    server_.Get("/", serve);
    server_.Get(R"(/([A-Za-z0-9_-]+\.(html|js|css|svg|png|ico)))", serve);
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
          std::pair{".css", "text/css; charset=utf-8"}, std::pair{".svg", "image/svg+xml"}}) {
      if (path.ends_with(suffix)) type = mime;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(bytes.str(), type);
  }

  ApiServerOptions options_;
  ApiContext& context_;
  httplib::Server server_;
  std::thread thread_;
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

}  // namespace bw
