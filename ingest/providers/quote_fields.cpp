#include "ingest/providers/quote_fields.hpp"

#include <cmath>
#include <string>

namespace bw {

namespace {

bool reject(ProviderFrame& out, std::string_view what, std::string_view reason) {
  out.rejected.push_back(std::string(what) + ": " + std::string(reason));
  return false;
}

}  // namespace

std::optional<std::int64_t> whole_volume(double volume) {
  // Converting a double outside int64's range is undefined: refuse it.
  if (!std::isfinite(volume) || std::fabs(volume) >= 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(volume);
}

bool read_top_of_book(const FlatObject& item, std::string_view what, ProviderQuote& quote,
                      ProviderFrame& out) {
  auto bid = item.number("bp");
  auto ask = item.number("ap");
  if (!bid || !ask) return reject(out, what, "bp and ap are required numbers");
  // A one-sided book (a zero side) has no midpoint worth alerting on.
  if (*bid <= 0 || *ask <= 0) return reject(out, what, "one-sided (bp or ap is 0)");
  quote.raw.bid = *bid;
  quote.raw.ask = *ask;
  quote.raw.price = (*bid + *ask) / 2;
  return true;
}

bool read_bar(const FlatObject& item, std::string_view what, ProviderQuote& quote,
              ProviderFrame& out) {
  auto open = item.number("o");
  auto high = item.number("h");
  auto low = item.number("l");
  auto close = item.number("c");
  if (!open || !high || !low || !close)
    return reject(out, what, "o, h, l and c are required numbers");
  if (*low > *high || *close > *high || *close < *low || *open > *high || *open < *low) {
    return reject(out, what, "o and c must lie between l and h");
  }
  quote.raw.price = *close;
  quote.open = *open;
  quote.high = *high;
  quote.low = *low;
  if (auto volume = item.number("v")) {
    quote.raw.volume = whole_volume(*volume);
    if (!quote.raw.volume) return reject(out, what, "volume v is out of range");
  }
  return true;
}

}  // namespace bw
