#include "web/sse_format.hpp"

#include <charconv>
#include <cstddef>

namespace bw {
namespace {

// Calls `emit(line)` for each line of `text`, splitting on \r\n, \n and \r
// (the three line ends the EventSource parser accepts). A trailing line end
// yields a final empty line, so "a\n" round-trips as "a\n".
template <typename Emit>
void for_each_line(std::string_view text, Emit emit) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\n' && c != '\r') continue;
    emit(text.substr(start, i - start));
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  emit(text.substr(start));
}

// Field values such as the event name must stay on one line.
void append_single_line(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c != '\n' && c != '\r') out.push_back(c);
  }
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

}  // namespace

std::string format_sse_event(std::string_view event, std::optional<std::int64_t> id,
                             std::string_view data) {
  std::string out;
  out.reserve(event.size() + data.size() + 48);
  if (!event.empty()) {
    out += "event: ";
    append_single_line(out, event);
    out += '\n';
  }
  if (id) {
    out += "id: ";
    out += std::to_string(*id);
    out += '\n';
  }
  for_each_line(data, [&out](std::string_view line) {
    out += "data: ";
    out += line;
    out += '\n';
  });
  out += '\n';
  return out;
}

std::string format_sse_comment(std::string_view text) {
  std::string out;
  for_each_line(text, [&out](std::string_view line) {
    out += ": ";
    out += line;
    out += '\n';
  });
  out += '\n';
  return out;
}

std::string format_sse_retry(std::chrono::milliseconds delay) {
  const auto ms = delay.count() < 0 ? 0 : delay.count();
  return "retry: " + std::to_string(ms) + "\n\n";
}

std::string format_sse_stream_header(std::string_view credentialed_origin) {
  // No Content-Length and no chunking: the body is close-delimited, which is
  // what EventSource expects of a stream. X-Accel-Buffering stops nginx from
  // holding events back when it proxies us.
  const std::string cors =
      credentialed_origin.empty()
          ? std::string("Access-Control-Allow-Origin: *\r\n")
          : "Access-Control-Allow-Origin: " + std::string(credentialed_origin) +
                "\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n";
  return "HTTP/1.1 200 OK\r\n"
         "Content-Type: text/event-stream\r\n"
         "Cache-Control: no-cache\r\n" +
         cors +
         "X-Accel-Buffering: no\r\n"
         "\r\n";
}

namespace {
// "host:port" or "[v6]:port" without the port.
std::string_view strip_port(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}
}  // namespace

bool origin_matches_host(std::string_view origin, std::string_view host) {
  const std::size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return false;
  const std::string_view origin_host = strip_port(origin.substr(scheme_end + 3));
  const std::string_view request_host = strip_port(trim_spaces(host));
  return !origin_host.empty() && iequals(origin_host, request_host);
}

std::string format_http_error_response(unsigned status, std::string_view code,
                                       std::string_view message, std::string_view extra_headers) {
  const std::string body =
      "{\"error\":\"" + std::string(code) + "\",\"message\":\"" + std::string(message) + "\"}";
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
  out += "Content-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Access-Control-Allow-Origin: *\r\n";
  out += "Cache-Control: no-store\r\n";
  out += "Connection: close\r\n";
  out += extra_headers;
  out += "\r\n";
  out += body;
  return out;
}

std::string format_cors_preflight_response() {
  return "HTTP/1.1 204 No Content\r\n"
         "Content-Length: 0\r\n"
         "Access-Control-Allow-Origin: *\r\n"
         "Access-Control-Allow-Methods: GET, OPTIONS\r\n"
         "Access-Control-Allow-Headers: Authorization, Last-Event-ID, Cache-Control\r\n"
         "Access-Control-Max-Age: 600\r\n"
         "Connection: close\r\n"
         "\r\n";
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_as_space) {
      out.push_back(' ');
      continue;
    }
    if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(c);  // ordinary byte, or an invalid escape kept as written
  }
  return out;
}

SseRequestTarget parse_sse_request_target(std::string_view target) {
  SseRequestTarget result;
  const std::size_t query_start = target.find('?');
  result.path = percent_decode(target.substr(0, query_start), /*plus_as_space=*/false);
  if (query_start == std::string_view::npos) return result;

  std::string_view query = target.substr(query_start + 1);
  if (const std::size_t fragment = query.find('#'); fragment != std::string_view::npos) {
    query = query.substr(0, fragment);
  }
  while (!query.empty()) {
    const std::size_t end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);

    const std::size_t equals = pair.find('=');
    const std::string name = percent_decode(pair.substr(0, equals), true);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    if (name == "access_token" && !result.access_token) {
      result.access_token = percent_decode(raw_value, true);
    } else if (name == "lastEventId" && !result.last_event_id) {
      result.last_event_id = percent_decode(raw_value, true);
    }
  }
  return result;
}

std::optional<std::string_view> parse_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    const std::string_view pair = trim_spaces(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || trim_spaces(pair.substr(0, eq)) != name) continue;
    const std::string_view value = trim_spaces(pair.substr(eq + 1));
    if (!value.empty()) return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> parse_bearer_token(std::string_view authorization) {
  authorization = trim_spaces(authorization);
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() ||
      !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  const std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return std::nullopt;  // e.g. "BearerX"
  const std::string_view token = trim_spaces(rest);
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::int64_t> parse_last_event_id(std::string_view value) {
  value = trim_spaces(value);
  if (value.empty()) return std::nullopt;
  for (const char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), id);
  if (error != std::errc{} || end != value.data() + value.size()) return std::nullopt;
  return id;
}

}  // namespace bw
