#include "ingest/quote_validation.hpp"

#include <cmath>

namespace bw {

Result<Quote> validate_quote(const RawQuote& raw, TimestampMs now, const QuoteLimits& limits) {
  Result<Symbol> symbol = normalize_symbol(raw.symbol);
  if (!symbol) return Error{symbol.error()};
  if (!std::isfinite(raw.price)) return Error{"price: must be a finite number"};
  if (raw.price <= 0) return Error{"price: must be greater than zero"};
  std::optional<Price> price = Price::from_double(raw.price);
  if (!price || price->units() <= 0) return Error{"price: is out of range"};
  if (raw.volume && *raw.volume < 0) return Error{"volume: must not be negative"};
  TimestampMs ts = raw.ts_ms.value_or(now);
  if (ts <= 0) return Error{"ts: must be after 1970-01-01T00:00:00Z"};
  if (ts > now + limits.max_future_skew_ms) {
    return Error{"ts: is more than " + std::to_string(limits.max_future_skew_ms / 1000) +
                 " s in the future"};
  }
  return Quote::trade(std::move(*symbol), *price, raw.volume.value_or(0), ts);
}

}  // namespace bw
