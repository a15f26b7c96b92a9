// Specification of the tick parsers: times, generic CSV, Databento trades
// CSV and NDJSON lines, each line → RawQuote or a reason naming the field.
#include <catch2/catch.hpp>

#include "ingest/tick_parsers.hpp"

using namespace bw;

namespace {
constexpr TimestampMs k15h = 1'764'169'200'000;  // 2025-11-26T15:00:00Z
}

TEST_CASE("tick times are RFC 3339 or Unix seconds, ms, µs or ns by magnitude", "[ingest]") {
  CHECK(*parse_tick_time("2025-11-26T15:00:00Z") == k15h);
  CHECK(*parse_tick_time("2025-11-26T15:00:00.250Z") == k15h + 250);
  CHECK(*parse_tick_time("2025-11-26T15:00:00.123456789Z") == k15h + 123);
  CHECK(*parse_tick_time("2025-11-26T10:00:00-05:00") == k15h);
  CHECK(*parse_tick_time("1764169200") == k15h);
  CHECK(*parse_tick_time("1764169200250") == k15h + 250);
  CHECK(*parse_tick_time("1764169200250123") == k15h + 250);
  CHECK(*parse_tick_time("1764169200250123456") == k15h + 250);
  CHECK(parse_tick_time("yesterday").error() ==
        "ts: must be RFC 3339 (e.g. 2026-11-26T15:00:00Z) or a Unix time");
  CHECK_FALSE(parse_tick_time("2025-02-30T15:00:00Z").ok());
  CHECK(parse_tick_time("0").error() == "ts: must be after 1970-01-01T00:00:00Z");
}

TEST_CASE("a CSV row without a header is read by its column count", "[ingest]") {
  Result<CsvLayout> four = csv_layout_for_columns(4);
  REQUIRE(four.ok());
  Result<RawQuote> q = parse_csv_row("1764169200250,aapl,228.51,100", *four);
  REQUIRE(q.ok());
  CHECK(q->symbol == "aapl");  // upper-casing is the normaliser's job
  CHECK(q->price == 228.51);
  CHECK(*q->volume == 100);
  CHECK(*q->ts_ms == k15h + 250);
  Result<CsvLayout> six = csv_layout_for_columns(6);
  Result<RawQuote> book = parse_csv_row("2025-11-26T15:00:00Z,MSFT,415.2,10,415.19,415.21\r", *six);
  REQUIRE(book.ok());
  CHECK(*book->bid == 415.19);
  CHECK(*book->ask == 415.21);
  CHECK_FALSE(csv_layout_for_columns(7).ok());
}

TEST_CASE("a CSV header names the columns in any order", "[ingest]") {
  CHECK(looks_like_csv_header("ts,symbol,price"));
  CHECK_FALSE(looks_like_csv_header("1764169200250,AAPL,1"));
  Result<CsvLayout> layout = csv_layout_from_header("Symbol,price,ts,bid,ask");
  REQUIRE(layout.ok());
  Result<RawQuote> q = parse_csv_row("AAPL,10.5,1764169200,10.4,10.6", *layout);
  REQUIRE(q.ok());
  CHECK(q->symbol == "AAPL");
  CHECK(*q->ts_ms == k15h);
  CHECK(*q->bid == 10.4);
  CHECK(csv_layout_from_header("ts,symbol,last").error() ==
        "header: unknown column \"last\" (expected ts, symbol, price, volume, bid, ask)");
  CHECK(csv_layout_from_header("ts,symbol").error() == "header: column \"price\" is required");
  CHECK(csv_layout_from_header("ts,symbol,price,bid").error() ==
        "header: bid and ask come together");
}

TEST_CASE("a bad CSV row names the field", "[ingest]") {
  const CsvLayout layout = *csv_layout_for_columns(4);
  CHECK(parse_csv_row("1764169200250,AAPL,abc,1", layout).error() == "price: must be a number");
  CHECK(parse_csv_row("1764169200250,AAPL,1,1.5", layout).error() ==
        "volume: must be a whole number");
  CHECK(parse_csv_row("1764169200250,AAPL,1", layout).error() == "columns: expected 4, got 3");
  CHECK(parse_csv_row("noon,AAPL,1,1", layout).error() ==
        "ts: must be RFC 3339 (e.g. 2026-11-26T15:00:00Z) or a Unix time");
  // An empty optional column is absent, not zero.
  Result<RawQuote> q = parse_csv_row("1764169200250,AAPL,1,", layout);
  REQUIRE(q.ok());
  CHECK_FALSE(q->volume.has_value());
}

TEST_CASE("Databento trades CSV: pretty and fixed-point prices, only trades", "[ingest]") {
  const std::string header =
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,"
      "ts_in_delta,sequence,symbol";
  CHECK(is_databento_header(header));
  Result<DatabentoLayout> layout = databento_layout(header);
  REQUIRE(layout.ok());
  Result<RawQuote> pretty = parse_databento_row(
      "2025-11-26T15:00:00.777441074Z,2025-11-26T15:00:00.774969234Z,0,19,6538,T,N,0,26.780000000,"
      "5,128,207676,12389,FXI",
      *layout);
  REQUIRE(pretty.ok());
  CHECK(pretty->symbol == "FXI");
  CHECK(pretty->price == 26.78);
  CHECK(*pretty->volume == 5);
  CHECK(*pretty->ts_ms == k15h + 777);
  Result<RawQuote> fixed = parse_databento_row(
      "1764169200777441074,1764169200774969234,0,19,6538,T,N,0,26780000000,5,128,207676,12389,FXI",
      *layout);
  REQUIRE(fixed.ok());
  CHECK(fixed->price == 26.78);
  CHECK(*fixed->ts_ms == k15h + 777);
  CHECK(parse_databento_row(
            "1764169200777441074,1764169200774969234,0,19,6538,A,N,0,26780000000,5,128,1,1,FXI",
            *layout)
            .error() == "action: not a trade");
  CHECK(parse_databento_row("1764169200777441074,1764169200774969234,0,19,6538,T,N,0,"
                            "9223372036854775807,5,128,1,1,FXI",
                            *layout)
            .error()
            .starts_with("price: must be a number"));
  CHECK(databento_layout("ts_recv,rtype,price")
            .error()
            .starts_with("header: Databento column \"action\" is missing"));
}

TEST_CASE("an NDJSON line is one flat quote object", "[ingest]") {
  Result<NdjsonQuote> q = parse_ndjson_quote(
      R"( {"symbol":"AAPL","price":228.5,"volume":100,"ts":"2025-11-26T15:00:00Z","bid":228.4,)"
      R"("ask":228.6,"prev_close":227,"seq":42} )");
  REQUIRE(q.ok());
  CHECK(q->quote.symbol == "AAPL");
  CHECK(q->quote.price == 228.5);
  CHECK(*q->quote.volume == 100);
  CHECK(*q->quote.ts_ms == k15h);
  CHECK(*q->quote.bid == 228.4);
  CHECK(*q->quote.ask == 228.6);
  CHECK(*q->quote.prev_close == 227);
  CHECK(*q->sequence == 42);
  Result<NdjsonQuote> ms =
      parse_ndjson_quote(R"({"price":1e2,"symbol":"A\u0042","ts":1764169200250,"volume":null})");
  REQUIRE(ms.ok());
  CHECK(ms->quote.symbol == "AB");
  CHECK(ms->quote.price == 100);
  CHECK(*ms->quote.ts_ms == k15h + 250);
  CHECK_FALSE(ms->quote.volume.has_value());
}

TEST_CASE("a bad NDJSON line names the field or the syntax error", "[ingest]") {
  auto error = [](std::string_view line) { return parse_ndjson_quote(line).error(); };
  CHECK(error(R"({"symbol":"AAPL"})") == "price: is required");
  CHECK(error(R"({"price":1})") == "symbol: is required");
  CHECK(error(R"({"symbol":"AAPL","price":"1"})") == "price: must be a number");
  CHECK(error(R"({"symbol":"AAPL","price":1,"volume":1.5})") == "volume: must be a whole number");
  CHECK(error(R"({"symbol":"AAPL","price":1,"venue":"X"})") == "venue: unknown field");
  CHECK(error(R"({"symbol":"AAPL","price":1,"price":2})") == "price: appears twice");
  CHECK(error(R"({"symbol":"AAPL","price":1,"seq":-1})") ==
        "seq: must be a non-negative whole number");
  CHECK(error(R"({"symbol":"AAPL","price":1,"ts":true})") ==
        "ts: must be RFC 3339 text or a Unix time");
  CHECK(error(R"({"symbol":"AAPL","price":01})") ==
        "malformed JSON (expected ',' or '}' at column 27)");
  CHECK(error(R"({"symbol":"AAPL" "price":1})") ==
        "malformed JSON (expected ',' or '}' at column 18)");
  CHECK(error(R"({"symbol" "AAPL","price":1})") == "malformed JSON (expected ':' at column 11)");
  CHECK(error(R"({"symbol":["AAPL"],"price":1})") ==
        "malformed JSON (nested objects and arrays are not accepted at column 11)");
  CHECK(error(R"({"symbol":"AAPL","price":1} x)") ==
        "malformed JSON (trailing characters at column 29)");
  CHECK(error(R"({"symbol":"AAPL","price":1)") ==
        "malformed JSON (expected ',' or '}' at column 27)");
  CHECK(error("[]") == "malformed JSON (expected '{' at column 1)");
  CHECK(error("") == "malformed JSON (expected '{' at column 1)");
  CHECK(error("{\"symbol\":\"A\tB\",\"price\":1}")
            .starts_with("malformed JSON (control character in a string"));
  CHECK(
      error(R"({"symbol":"\ud800","price":1})").starts_with("malformed JSON (unpaired surrogate"));
}
