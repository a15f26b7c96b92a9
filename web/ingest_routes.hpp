// Ingest routes: the push API's NDJSON body (POST /api/v1/quotes with
// Content-Type: application/x-ndjson) and the feed health page
// (GET /api/v1/sources, admin only). Plain request → response functions.
//
//   ApiResponse r = push_quotes_ndjson(context, admin, "{\"symbol\":\"AAPL\",\"price\":1}\n");
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

// One quote per line, validated like the JSON array: all or nothing; every
// bad line reported as "[line N] field: reason". Empty lines are skipped.
ApiResponse push_quotes_ndjson(ApiContext& context, const User& user, std::string_view body);

ApiResponse get_sources(const IngestStatusProvider& provider, const User& user, TimestampMs now_ms);

}  // namespace bw
