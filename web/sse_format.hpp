// Pure helpers for the server-sent-events stream (see web/sse_server.hpp): the
// bytes of SSE events, comments and retry hints; the plain HTTP responses the
// stream endpoint sends; and parsing of the request target and auth headers.
// Bytes in, values out: nothing here touches a socket.
//
//   std::string bytes = format_sse_event("notification", 42, R"({"a":1})");
//   // "event: notification\nid: 42\ndata: {\"a\":1}\n\n"
//   SseRequestTarget t = parse_sse_request_target("/api/v1/events?access_token=a%2Bb");
//   // t.path == "/api/v1/events", *t.access_token == "a+b"
//
// Plain functions over values; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bw {

// One SSE event block. `data` may span several lines (\n, \r\n or \r): each
// line gets its own `data:` field, so the browser reassembles it exactly (line
// breaks normalised to \n). Line breaks in `event` are removed, since they
// would end the field early. `id` is omitted when empty.
[[nodiscard]] std::string format_sse_event(std::string_view event, std::optional<std::int64_t> id,
                                           std::string_view data);

// A comment block (`: text\n\n`), ignored by EventSource; used for heartbeats.
// Each line of a multi-line text becomes its own comment line.
[[nodiscard]] std::string format_sse_comment(std::string_view text);

// The reconnect-delay hint (`retry: <ms>\n\n`); negative values become 0.
[[nodiscard]] std::string format_sse_retry(std::chrono::milliseconds delay);

// The status line and headers that open an event stream: 200,
// `text/event-stream`, `Cache-Control: no-cache`, `Access-Control-Allow-Origin: *`.
// The body (events) follows and ends when the server closes the connection.
// With a `credentialed_origin` (a cookie-authenticated browser on the same
// host), CORS names that origin and allows credentials instead of "*".
[[nodiscard]] std::string format_sse_stream_header(std::string_view credentialed_origin = {});

// True when an Origin header ("http://host:port") names the same host as a
// Host header ("host:port"), whatever the ports.
[[nodiscard]] bool origin_matches_host(std::string_view origin, std::string_view host);

// A complete error response that closes the connection: `status` (4xx/5xx)
// with its standard reason phrase, a JSON body `{"error":"<code>","message":"<message>"}`,
// CORS `Access-Control-Allow-Origin: *`, plus `extra_headers` (each line ending
// in \r\n). Codes and messages are fixed strings from the server, so they are
// not JSON-escaped.
[[nodiscard]] std::string format_http_error_response(unsigned status, std::string_view code,
                                                     std::string_view message,
                                                     std::string_view extra_headers = {});

// The 204 answer to a CORS preflight (OPTIONS) for the stream endpoint.
[[nodiscard]] std::string format_cors_preflight_response();

// The parts of a request target the stream endpoint reads. Query values are
// percent-decoded with '+' read as a space (as URLSearchParams does); an
// invalid escape is kept literally. The first occurrence of a parameter wins.
struct SseRequestTarget {
  std::string path;  // percent-decoded, without the query
  std::optional<std::string> access_token;
  std::optional<std::string> last_event_id;
};

[[nodiscard]] SseRequestTarget parse_sse_request_target(std::string_view target);

// Percent-decodes `text`; with `plus_as_space` a '+' becomes ' '.
[[nodiscard]] std::string percent_decode(std::string_view text, bool plus_as_space);

// The token of an `Authorization: Bearer <token>` header value (scheme is
// case-insensitive, surrounding spaces ignored); empty when it is not one.
[[nodiscard]] std::optional<std::string_view> parse_bearer_token(std::string_view authorization);

// The value of cookie `name` in a Cookie header ("a=1; bw_session=xyz");
// empty when absent or empty. The dashboard's session cookie is kSessionCookie.
inline constexpr std::string_view kSessionCookie = "bw_session";
[[nodiscard]] std::optional<std::string_view> parse_cookie(std::string_view cookie_header,
                                                           std::string_view name);

// A Last-Event-ID value as a notification id: decimal digits only (surrounding
// spaces ignored), fits in int64. Anything else is not one of ours: empty.
[[nodiscard]] std::optional<std::int64_t> parse_last_event_id(std::string_view value);

}  // namespace bw
