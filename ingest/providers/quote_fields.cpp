#include "ingest/providers/quote_fields.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "ingest/providers/json_fields.hpp"

namespace bw {

namespace jf = json_fields;

namespace {

bool reject(ProviderFrame& out, std::string_view what, std::string_view reason) {
  out.rejected.push_back(std::string(what) + ": " + std::string(reason));
  return false;
}

}  // namespace

bool read_top_of_book(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
                      ProviderFrame& out) {
  auto bid = jf::number(item, "bp");
  auto ask = jf::number(item, "ap");
  if (!bid || !ask) return reject(out, what, "bp and ap are required numbers");
  // A one-sided book (a zero side) has no midpoint worth alerting on.
  if (*bid <= 0 || *ask <= 0) return reject(out, what, "one-sided (bp or ap is 0)");
  quote.raw.bid = *bid;
  quote.raw.ask = *ask;
  quote.raw.price = (*bid + *ask) / 2;
  return true;
}

bool read_bar(const nlohmann::json& item, std::string_view what, ProviderQuote& quote,
              ProviderFrame& out) {
  auto open = jf::number(item, "o");
  auto high = jf::number(item, "h");
  auto low = jf::number(item, "l");
  auto close = jf::number(item, "c");
  if (!open || !high || !low || !close)
    return reject(out, what, "o, h, l and c are required numbers");
  if (*low > *high || *close > *high || *close < *low || *open > *high || *open < *low) {
    return reject(out, what, "o and c must lie between l and h");
  }
  quote.raw.price = *close;
  quote.open = *open;
  quote.high = *high;
  quote.low = *low;
  if (auto volume = jf::number(item, "v")) quote.raw.volume = static_cast<std::int64_t>(*volume);
  return true;
}

}  // namespace bw
