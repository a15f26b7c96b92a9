#include "ingest/quote_validation.hpp"

#include <cmath>

namespace bw {
namespace {

Result<Price> positive_price(double value, const char* field) {
  if (!std::isfinite(value)) return Error{std::string(field) + ": must be a finite number"};
  if (value <= 0) return Error{std::string(field) + ": must be greater than zero"};
  std::optional<Price> price = Price::from_double(value);
  if (!price || price->units() <= 0) return Error{std::string(field) + ": is out of range"};
  return *price;
}

}  // namespace

Result<Quote> validate_quote(const RawQuote& raw, TimestampMs now, const QuoteLimits& limits) {
  Result<Symbol> symbol = normalize_symbol(raw.symbol);
  if (!symbol) return Error{symbol.error()};
  Result<Price> price = positive_price(raw.price, "price");
  if (!price) return Error{price.error()};
  if (raw.volume && *raw.volume < 0) return Error{"volume: must not be negative"};
  TimestampMs ts = raw.ts_ms.value_or(now);
  if (ts <= 0) return Error{"ts: must be after 1970-01-01T00:00:00Z"};
  if (ts > now + limits.max_future_skew_ms) {
    return Error{"ts: is more than " + std::to_string(limits.max_future_skew_ms / 1000) +
                 " s in the future"};
  }
  Quote quote = Quote::trade(std::move(*symbol), *price, raw.volume.value_or(0), ts);
  if (raw.bid.has_value() != raw.ask.has_value()) {
    return Error{raw.bid ? "ask: is required with bid" : "bid: is required with ask"};
  }
  if (raw.bid) {
    Result<Price> bid = positive_price(*raw.bid, "bid");
    if (!bid) return Error{bid.error()};
    Result<Price> ask = positive_price(*raw.ask, "ask");
    if (!ask) return Error{ask.error()};
    if (*bid > *ask) return Error{"bid: must not be above ask"};
    quote.bid = *bid;
    quote.ask = *ask;
  }
  if (raw.prev_close) {
    Result<Price> prev_close = positive_price(*raw.prev_close, "prev_close");
    if (!prev_close) return Error{prev_close.error()};
    quote.prev_close = *prev_close;
  }
  return quote;
}

}  // namespace bw
