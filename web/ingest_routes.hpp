// Ingest routes: the push API (POST /api/v1/quotes with a JSON array, or
// NDJSON with Content-Type: application/x-ndjson) and the feed health page
// (GET /api/v1/sources, admin only). Plain request → response functions.
//
//   ApiResponse r = push_quotes(context, admin, R"([{"symbol":"AAPL","price":1}])");
//   ApiResponse n = push_quotes_ndjson(context, admin, "{\"symbol\":\"AAPL\",\"price\":1}\n");
//   ApiResponse s = get_sources(provider, admin, now_ms);
//
// Thread-safe; the IngestStatusProvider must be.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/conflating_queue.hpp"
#include "ingest/ingest_hub.hpp"
#include "ingest/source_health.hpp"
#include "web/api_context.hpp"
#include "web/problem.hpp"

namespace bw {

// What GET /api/v1/sources shows: every configured source's health, the hub's
// per-source counters (configured sources and "push") and the engine queue.
struct IngestStatus {
  std::vector<SourceHealth> sources;
  std::map<std::string, SourceCounters> counters;
  QueueCounters queue;
  std::size_t queue_capacity = 0;
};

class IngestStatusProvider {
 public:
  virtual ~IngestStatusProvider() = default;
  virtual IngestStatus ingest_status(TimestampMs now_ms) const = 0;
};

// "application/x-ndjson" (parameters such as charset ignored).
bool is_ndjson_content_type(std::string_view content_type);

// A JSON array of quotes, scanned without a DOM (a push is the server's
// hottest request). All or nothing: every bad item is reported as
// "[i] field: reason" and nothing is published. A valid push is published as
// one batch (one engine-queue lock, one wake-up); when the queue stays full,
// 503 with Retry-After names the items that were refused.
ApiResponse push_quotes(ApiContext& context, const User& user, std::string_view body);

// One quote per line, validated like the JSON array: all or nothing; every
// bad line reported as "[line N] field: reason". Empty lines are skipped.
ApiResponse push_quotes_ndjson(ApiContext& context, const User& user, std::string_view body);

ApiResponse get_sources(const IngestStatusProvider& provider, const User& user, TimestampMs now_ms);

}  // namespace bw
