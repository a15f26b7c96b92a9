#include "web/ingest_routes.hpp"

#include <functional>
#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "ingest/flat_json.hpp"
#include "ingest/tick_parsers.hpp"
#include "rules/time_text.hpp"
#include "web/api_routes.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxReportedLines = 20;  // bounds the problem text

std::string_view base_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return content_type;
}

json encode_source(const SourceHealth& h, const SourceCounters* c) {
  json reasons = json::object();
  for (const auto& [reason, count] : h.rejected_by_reason) reasons[reason] = count;
  json out{{"name", h.name},
           {"type", h.type},
           {"state", std::string(to_string(h.state))},
           {"last_message_at",
            h.last_message_ms ? json(format_rfc3339(h.last_message_ms)) : json(nullptr)},
           {"messages_per_s", h.messages_per_s},
           {"messages", h.messages},
           {"rejected", h.rejected},
           {"rejected_by_reason", std::move(reasons)},
           {"reconnects", h.reconnects},
           {"last_error", h.last_error.empty() ? json(nullptr) : json(h.last_error)}};
  out["accepted"] = c ? c->accepted : 0;
  out["merged"] = c ? c->merged : 0;
  out["queue_full"] = c ? c->rejected_full : 0;
  return out;
}

// "[7]" or "[line 7]": how a push's problems name an item. Appended piece by
// piece (GCC 12 warns falsely, -Wrestrict, about "[" + std::to_string(n)).
std::string item_label(std::string_view prefix, std::size_t n) {
  std::string label = "[";
  label += prefix;
  label += std::to_string(n);
  label += ']';
  return label;
}

// "[3], [7]" for the first kMaxReportedLines refused positions.
std::string refused_labels(const std::vector<std::size_t>& refused,
                           const std::function<std::string(std::size_t)>& label) {
  std::string out;
  for (std::size_t i = 0; i < refused.size() && i < kMaxReportedLines; ++i) {
    out += (i ? ", " : "") + label(refused[i]);
  }
  if (refused.size() > kMaxReportedLines) {
    out += " and " + std::to_string(refused.size() - kMaxReportedLines) + " more";
  }
  return out;
}

// Publishes a validated push as one batch: 202 {"accepted":n}, or 503 with
// Retry-After naming the refused quotes by `label(position)`.
ApiResponse publish_push(ApiContext& context, std::span<const Quote> quotes,
                         const std::function<std::string(std::size_t)>& label) {
  const std::vector<std::size_t> refused = context.quotes.publish_batch(quotes, "push");
  const std::size_t accepted = quotes.size() - refused.size();
  if (!refused.empty()) {
    ApiResponse busy = problem(503, "engine queue is full; accepted " + std::to_string(accepted) +
                                        " of " + std::to_string(quotes.size()) +
                                        " quotes; resend " + refused_labels(refused, label));
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
  }
  return json_response(202, dump_json({{"accepted", accepted}}));
}

// The JSON array push's own messages for a body that is not a non-empty
// array of at most kMaxQuotesPerRequest items; nullopt when it is one.
std::optional<std::string> array_shape_problem(const FlatFrame& frame) {
  if (frame.top_kind != JsonValue::Kind::array) return "body: must be a JSON array of quotes";
  if (frame.items.empty()) return "body: must contain at least one quote";
  if (frame.items.size() > kMaxQuotesPerRequest) {
    return "body: at most " + std::to_string(kMaxQuotesPerRequest) + " quotes per request";
  }
  return std::nullopt;
}

}  // namespace

ApiResponse push_quotes(ApiContext& context, const User& user, std::string_view body) {
  if (!user.admin) return problem(403, "pushing quotes needs an admin token");
  FlatFrame& frame = thread_scratch_frame();
  if (!scan_flat_frame(body, "", frame)) {
    // Not JSON: the DOM parser's message says where (the grammars agree).
    Result<json> parsed = parse_body(body);
    return problem(400, parsed ? "body: invalid JSON" : parsed.error());
  }
  if (std::optional<std::string> shape = array_shape_problem(frame)) {
    return problem(400, *shape);
  }
  // Validate the whole batch before publishing any of it; report every bad item.
  const TimestampMs now = context.clock.now_ms();
  std::vector<Quote> quotes;
  quotes.reserve(frame.items.size());
  std::string problems;
  for (std::size_t i = 0; i < frame.items.size(); ++i) {
    Result<RawQuote> raw = decode_quote(frame.items[i]);
    Result<Quote> quote = raw ? validate_quote(*raw, now) : Result<Quote>(Error{raw.error()});
    if (quote) {
      quotes.push_back(std::move(*quote));
    } else {
      if (!problems.empty()) problems += "; ";
      problems += item_label("", i) + " " + quote.error();
    }
  }
  if (!problems.empty()) return problem(400, problems);
  return publish_push(context, quotes, [](std::size_t i) { return item_label("", i); });
}

bool is_ndjson_content_type(std::string_view content_type) {
  return base_type(content_type) == "application/x-ndjson";
}

ApiResponse push_quotes_ndjson(ApiContext& context, const User& user, std::string_view body) {
  if (!user.admin) return problem(403, "pushing quotes needs an admin token");
  const TimestampMs now = context.clock.now_ms();
  std::vector<Quote> quotes;
  std::vector<std::size_t> lines;  // each quote's line number
  std::string problems;
  std::size_t bad = 0;
  std::size_t line_number = 0;
  while (!body.empty()) {
    const auto newline = body.find('\n');
    const std::string_view line = body.substr(0, newline);
    body = newline == std::string_view::npos ? std::string_view{} : body.substr(newline + 1);
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (quotes.size() + bad >= kMaxQuotesPerRequest) {
      return problem(
          400, "body: at most " + std::to_string(kMaxQuotesPerRequest) + " quotes per request");
    }
    Result<NdjsonQuote> parsed = parse_ndjson_quote(line);
    Result<Quote> quote =
        parsed ? validate_quote(parsed->quote, now) : Result<Quote>(Error{parsed.error()});
    if (quote) {
      quotes.push_back(std::move(*quote));
      lines.push_back(line_number);
      continue;
    }
    if (++bad <= kMaxReportedLines) {
      if (!problems.empty()) problems += "; ";
      problems += item_label("line ", line_number) + " " + quote.error();
    }
  }
  if (bad > kMaxReportedLines) {
    problems += "; and " + std::to_string(bad - kMaxReportedLines) + " more bad lines";
  }
  if (!problems.empty()) return problem(400, problems);
  if (quotes.empty()) return problem(400, "body: must contain at least one quote");
  return publish_push(context, quotes,
                      [&lines](std::size_t i) { return item_label("line ", lines[i]); });
}

ApiResponse get_sources(const IngestStatusProvider& provider, const User& user,
                        TimestampMs now_ms) {
  if (!user.admin) return problem(403, "the sources page needs an admin");
  const IngestStatus status = provider.ingest_status(now_ms);
  json sources = json::array();
  for (const SourceHealth& h : status.sources) {
    auto it = status.counters.find(h.name);
    sources.push_back(encode_source(h, it == status.counters.end() ? nullptr : &it->second));
  }
  json by_source = json::object();
  std::uint64_t accepted = 0, merged = 0, queue_full = 0;
  for (const auto& [name, c] : status.counters) {
    by_source[name] = {
        {"accepted", c.accepted},
        {"merged", c.merged},
        {"queue_full", c.rejected_full},
        {"last_quote_at", c.last_quote_ms ? json(format_rfc3339(c.last_quote_ms)) : json(nullptr)}};
    accepted += c.accepted;
    merged += c.merged;
    queue_full += c.rejected_full;
  }
  json hub{{"accepted", accepted},
           {"merged", merged},
           {"queue_full", queue_full},
           {"queue_depth", status.queue.depth},
           {"queue_capacity", status.queue_capacity},
           {"by_source", std::move(by_source)}};
  return json_response(200, dump_json({{"sources", std::move(sources)}, {"hub", std::move(hub)}}));
}

}  // namespace bw
