// Quote validation: turns an untrusted quote from any source (push API, feed,
// file) into a bw::Quote, or names the field and the reason it was rejected.
//
//   RawQuote raw{"aapl", 151.25, 100, std::nullopt};
//   Result<Quote> q = validate_quote(raw, clock.now_ms());   // symbol "AAPL"
//
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rules/quote.hpp"
#include "rules/result.hpp"

namespace bw {

struct RawQuote {
  std::string symbol;
  double price = 0;
  std::optional<std::int64_t> volume;
  std::optional<TimestampMs> ts_ms;  // event time; `now` when absent
  std::optional<double> bid;         // top of book; both or neither
  std::optional<double> ask;
  std::optional<double> prev_close;  // previous session's close
};

struct QuoteLimits {
  // Ticks stamped further than this into the future are rejected (clock skew).
  TimestampMs max_future_skew_ms = 5 * 60 * 1000;
};

Result<Quote> validate_quote(const RawQuote& raw, TimestampMs now, const QuoteLimits& limits = {});

}  // namespace bw
