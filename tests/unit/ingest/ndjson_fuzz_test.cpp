// The hand-written NDJSON parser against nlohmann::json on random mutations
// of valid lines: whatever the fast parser accepts, nlohmann parses to the
// same quote; every flat, well-typed object nlohmann accepts, the fast
// parser accepts too.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "ingest/tick_parsers.hpp"

using namespace bw;
using nlohmann::json;

namespace {

// What the fast parser should make of a parsed JSON value, or nullopt when it
// should refuse it (the reference rules, written against nlohmann).
std::optional<NdjsonQuote> reference(const json& value) {
  if (!value.is_object()) return std::nullopt;
  NdjsonQuote out;
  bool symbol = false, price = false;
  for (const auto& [key, item] : value.items()) {
    if (item.is_object() || item.is_array()) return std::nullopt;
    if (key == "symbol") {
      if (!item.is_string()) return std::nullopt;
      out.quote.symbol = item.get<std::string>();
      symbol = true;
    } else if (key == "price") {
      if (!item.is_number()) return std::nullopt;
      out.quote.price = item.get<double>();
      price = true;
    } else if (key == "volume") {
      if (item.is_null()) continue;
      if (!item.is_number_integer() || item.is_number_unsigned()) {
        if (!(item.is_number_unsigned() && item.get<std::uint64_t>() <= INT64_MAX))
          return std::nullopt;
      }
      out.quote.volume = item.get<std::int64_t>();
    } else if (key == "bid" || key == "ask" || key == "prev_close") {
      if (item.is_null()) continue;
      if (!item.is_number()) return std::nullopt;
      auto& target = key == "bid"   ? out.quote.bid
                     : key == "ask" ? out.quote.ask
                                    : out.quote.prev_close;
      target = item.get<double>();
    } else if (key == "seq") {
      if (item.is_null()) continue;
      if (!item.is_number_unsigned()) return std::nullopt;
      out.sequence = item.get<std::uint64_t>();
    } else if (key == "ts") {
      if (item.is_null()) continue;
      if (item.is_number_integer()) {
        Result<TimestampMs> ms = unix_time_to_ms(item.get<std::int64_t>());
        if (!ms) return std::nullopt;
        out.quote.ts_ms = *ms;
      } else if (item.is_string()) {
        Result<TimestampMs> ms = parse_tick_time(item.get<std::string>());
        if (!ms) return std::nullopt;
        out.quote.ts_ms = *ms;
      } else {
        return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  }
  if (!symbol || !price) return std::nullopt;
  return out;
}

bool same(const NdjsonQuote& a, const NdjsonQuote& b) {
  return a.quote.symbol == b.quote.symbol && a.quote.price == b.quote.price &&
         a.quote.volume == b.quote.volume && a.quote.ts_ms == b.quote.ts_ms &&
         a.quote.bid == b.quote.bid && a.quote.ask == b.quote.ask &&
         a.quote.prev_close == b.quote.prev_close && a.sequence == b.sequence;
}

bool has_duplicate_keys(std::string_view line) {
  // Only called on lines nlohmann parsed as an object: count top-level keys.
  std::multiset<std::string> keys;
  try {
    json::parser_callback_t cb = [&keys](int depth, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::key && depth == 1) keys.insert(parsed.get<std::string>());
      return true;
    };
    json ignored = json::parse(line, cb);
    (void)ignored;
  } catch (...) {
    return false;
  }
  for (const auto& key : keys)
    if (keys.count(key) > 1) return true;
  return false;
}

}  // namespace

TEST_CASE("the fast NDJSON parser agrees with nlohmann::json on mutated lines", "[ingest]") {
  const std::vector<std::string> seeds = {
      R"({"symbol":"AAPL","price":228.5,"volume":100,"ts":1764169200250})",
      R"({"symbol":"msft","price":415,"bid":414.9,"ask":415.1,"seq":7})",
      R"( { "symbol" : "BRK.B" , "price" : 4.627e2 , "ts" : "2025-11-26T15:00:00.5Z" } )",
      R"({"price":-1,"symbol":"X\"Y","prev_close":null,"volume":-3})",
      R"({"symbol":"\u0041BC","price":0.0001})",
  };
  const std::string alphabet = "{}[]\":,.-+eE0123456789 \\utrfnalsx";
  std::mt19937 rng(20261126);
  int accepted = 0, compared = 0;
  for (int round = 0; round < 60000; ++round) {
    std::string line = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && round % 7 != 0; ++e) {
      const std::size_t at = rng() % (line.size() + 1);
      switch (rng() % 3) {
        case 0:
          line.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (at < line.size()) line.erase(at, 1);
          break;
        default:
          if (at < line.size()) line[at] = alphabet[rng() % alphabet.size()];
      }
    }
    Result<NdjsonQuote> fast = parse_ndjson_quote(line);
    json parsed;
    bool json_ok = true;
    try {
      parsed = json::parse(line);
    } catch (const json::exception&) {  // parse_error, or out_of_range on number overflow
      json_ok = false;
    }
    if (fast) {
      ++accepted;
      INFO(line);
      REQUIRE(json_ok);
      std::optional<NdjsonQuote> expected = reference(parsed);
      REQUIRE(expected.has_value());
      CHECK(same(*fast, *expected));
    } else if (json_ok && !has_duplicate_keys(line)) {
      std::optional<NdjsonQuote> expected = reference(parsed);
      INFO(line << " → " << fast.error());
      if (expected) ++compared;
      CHECK_FALSE(expected.has_value());
    }
  }
  CHECK(accepted > 1000);  // the mutations kept enough lines valid to mean something
}
