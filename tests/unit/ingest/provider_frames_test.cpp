// Specifications of the pure provider frame parsers (Finnhub, Alpaca v2,
// Polygon WebSocket frames; Finnhub REST, Yahoo chart, generic JSON bodies).
#include <catch2/catch.hpp>

#include "ingest/providers/alpaca_frames.hpp"
#include "ingest/providers/finnhub_frames.hpp"
#include "ingest/providers/polygon_frames.hpp"
#include "ingest/providers/rest_frames.hpp"

using namespace bw;

TEST_CASE("A Finnhub trade frame yields every trade of its batch", "[ingest][finnhub]") {
  ProviderFrame frame;
  REQUIRE(parse_finnhub_frame(
      R"({"type":"trade","data":[{"s":"AAPL","p":122.1,"t":1672348887195,"v":1,"c":["1"]},)"
      R"({"s":"MSFT","p":240.5,"t":1672348887196,"v":20}]})",
      frame));
  REQUIRE(frame.quotes.size() == 2);
  CHECK(frame.quotes[0].raw.symbol == "AAPL");
  CHECK(frame.quotes[0].raw.price == 122.1);
  CHECK(frame.quotes[0].raw.ts_ms == 1672348887195);
  CHECK(frame.quotes[0].raw.volume == 1);
  CHECK(frame.quotes[1].raw.symbol == "MSFT");
  CHECK(frame.rejected.empty());
}

TEST_CASE("A Finnhub trade without a price is rejected alone, its batch kept",
          "[ingest][finnhub]") {
  ProviderFrame frame;
  REQUIRE(parse_finnhub_frame(
      R"({"type":"trade","data":[{"s":"AAPL","t":1},{"s":"MSFT","p":"x"},{"s":"IBM","p":1.5}]})",
      frame));
  CHECK(frame.quotes.size() == 1);
  REQUIRE(frame.rejected.size() == 2);
  CHECK(frame.rejected[0] == "trade: price p is missing or not a number");
}

TEST_CASE("Finnhub pings and errors are control messages", "[ingest][finnhub]") {
  ProviderFrame frame;
  REQUIRE(parse_finnhub_frame(R"({"type":"ping"})", frame));
  REQUIRE(
      parse_finnhub_frame(R"({"type":"error","msg":"Subscribing to too many symbols"})", frame));
  REQUIRE(frame.control.size() == 2);
  CHECK(frame.control[0].kind == ControlKind::ping);
  CHECK(frame.control[1].kind == ControlKind::error);
  CHECK(frame.control[1].message == "Subscribing to too many symbols");
}

TEST_CASE("Malformed Finnhub frames are errors and add nothing", "[ingest][finnhub]") {
  ProviderFrame frame;
  Status broken = parse_finnhub_frame(R"({"type":"trade","data":[{"s":"AAPL")", frame);
  CHECK_FALSE(broken);
  CHECK(broken.error() == "malformed json");
  CHECK_FALSE(parse_finnhub_frame(R"([1,2])", frame));
  CHECK_FALSE(parse_finnhub_frame(R"({"type":"trade","data":{}})", frame));
  CHECK(frame.quotes.empty());
}

TEST_CASE("The Finnhub subscribe message names one symbol", "[ingest][finnhub]") {
  CHECK(finnhub_subscribe_message("AAPL") == R"({"symbol":"AAPL","type":"subscribe"})");
}

TEST_CASE("Alpaca success messages drive the handshake", "[ingest][alpaca]") {
  ProviderFrame frame;
  REQUIRE(parse_alpaca_frame(R"([{"T":"success","msg":"connected"}])", frame));
  REQUIRE(parse_alpaca_frame(R"([{"T":"success","msg":"authenticated"}])", frame));
  REQUIRE(parse_alpaca_frame(R"([{"T":"subscription","trades":["AAPL"],"quotes":[],"bars":[]}])",
                             frame));
  REQUIRE(frame.control.size() == 3);
  CHECK(frame.control[0].kind == ControlKind::connected);
  CHECK(frame.control[1].kind == ControlKind::authenticated);
  CHECK(frame.control[2].kind == ControlKind::subscribed);
}

TEST_CASE("Alpaca error codes: 402 is an auth failure, 406 the connection limit",
          "[ingest][alpaca]") {
  ProviderFrame frame;
  REQUIRE(parse_alpaca_frame(R"([{"T":"error","code":402,"msg":"auth failed"}])", frame));
  REQUIRE(
      parse_alpaca_frame(R"([{"T":"error","code":406,"msg":"connection limit exceeded"}])", frame));
  REQUIRE(frame.control.size() == 2);
  CHECK(frame.control[0].kind == ControlKind::auth_failed);
  CHECK(frame.control[0].code == 402);
  CHECK(frame.control[1].kind == ControlKind::error);
  CHECK(frame.control[1].code == 406);
  CHECK(frame.control[1].message == "connection limit exceeded");
}

TEST_CASE("Alpaca trades, quotes and bars in one frame", "[ingest][alpaca]") {
  ProviderFrame frame;
  REQUIRE(parse_alpaca_frame(
      R"([{"T":"t","S":"AAPL","i":96921,"x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z","c":["@","I"],"z":"C"},)"
      R"({"T":"q","S":"AMD","bx":"U","bp":87.66,"bs":1,"ax":"Q","ap":87.68,"as":4,"t":"2021-02-22T15:51:45.335689322Z"},)"
      R"({"T":"b","S":"SPY","o":388.985,"h":389.13,"l":388.975,"c":389.12,"v":49378,"t":"2021-02-22T19:15:00Z"},)"
      R"({"T":"d","S":"SPY","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2021-02-22T19:15:00Z"}])",
      frame));
  REQUIRE(frame.quotes.size() == 3);
  CHECK(frame.quotes[0].raw.price == 126.55);
  CHECK(frame.quotes[0].raw.volume == 1);
  CHECK(frame.quotes[0].raw.ts_ms == 1614009104208);
  CHECK(frame.quotes[1].raw.symbol == "AMD");
  CHECK(frame.quotes[1].raw.bid == 87.66);
  CHECK(frame.quotes[1].raw.ask == 87.68);
  CHECK(frame.quotes[1].raw.price == Approx(87.67));
  CHECK(frame.quotes[2].raw.price == 389.12);
  CHECK(frame.quotes[2].high == 389.13);
  CHECK(frame.quotes[2].low == 388.975);
  CHECK(frame.quotes[2].raw.volume == 49378);
}

TEST_CASE("Bad Alpaca items are rejected with the field named", "[ingest][alpaca]") {
  ProviderFrame frame;
  REQUIRE(parse_alpaca_frame(
      R"([{"T":"t","S":"AAPL","p":1,"t":"yesterday"},{"T":"q","S":"X","bp":0,"ap":2},)"
      R"({"T":"b","S":"X","o":1,"h":2,"l":1.5,"c":3},{"S":"X"}])",
      frame));
  CHECK(frame.quotes.empty());
  CHECK(frame.rejected == std::vector<std::string>{"trade: t is not an RFC 3339 time",
                                                   "quote: one-sided (bp or ap is 0)",
                                                   "bar: o and c must lie between l and h",
                                                   "message: type T is missing"});
}

TEST_CASE("Malformed Alpaca frames are errors", "[ingest][alpaca]") {
  ProviderFrame frame;
  CHECK_FALSE(parse_alpaca_frame(R"([{"T":"t",)", frame));
  CHECK_FALSE(parse_alpaca_frame(R"("connected")", frame));
}

TEST_CASE("Alpaca auth and subscribe messages", "[ingest][alpaca]") {
  CHECK(alpaca_auth_message("k", "s") == R"({"action":"auth","key":"k","secret":"s"})");
  CHECK(alpaca_subscribe_message({"AAPL", "MSFT"}, {"trades", "bars"}) ==
        R"({"action":"subscribe","bars":["AAPL","MSFT"],"trades":["AAPL","MSFT"]})");
}

TEST_CASE("Polygon status messages drive the handshake and report failures", "[ingest][polygon]") {
  ProviderFrame frame;
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"status","status":"connected","message":"Connected Successfully"}])", frame));
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"status","status":"auth_success","message":"authenticated"}])", frame));
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"status","status":"success","message":"subscribed to: T.MSFT"}])", frame));
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"status","status":"auth_failed","message":"authentication failed"}])", frame));
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"status","status":"max_connections","message":"Maximum number of websocket connections exceeded."}])",
      frame));
  REQUIRE(frame.control.size() == 5);
  CHECK(frame.control[0].kind == ControlKind::connected);
  CHECK(frame.control[1].kind == ControlKind::authenticated);
  CHECK(frame.control[2].kind == ControlKind::subscribed);
  CHECK(frame.control[3].kind == ControlKind::auth_failed);
  CHECK(frame.control[4].kind == ControlKind::error);
  CHECK(frame.control[4].message ==
        "max_connections: Maximum number of websocket connections exceeded.");
}

TEST_CASE("Polygon trades carry their sequence number; quotes and minute bars parse",
          "[ingest][polygon]") {
  ProviderFrame frame;
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"T","sym":"MSFT","x":4,"i":"12345","z":3,"p":114.125,"s":100,"c":[0,12],"t":1536036818784,"q":3681328},)"
      R"({"ev":"Q","sym":"MSFT","bx":4,"bp":114.125,"bs":100,"ax":7,"ap":114.128,"as":160,"c":0,"t":1536036818784,"q":50385480},)"
      R"({"ev":"AM","sym":"GTE","v":4110,"av":9470157,"op":0.4372,"vw":0.4488,"o":0.4488,"c":0.4486,"h":0.4489,"l":0.4486,"a":0.4352,"z":685,"s":1610144640000,"e":1610144700000}])",
      frame));
  REQUIRE(frame.quotes.size() == 3);
  CHECK(frame.quotes[0].raw.price == 114.125);
  CHECK(frame.quotes[0].raw.volume == 100);
  CHECK(frame.quotes[0].raw.ts_ms == 1536036818784);
  CHECK(frame.quotes[0].sequence == 3681328u);
  CHECK(frame.quotes[1].raw.price == Approx(114.1265));
  CHECK_FALSE(frame.quotes[1].sequence);
  CHECK(frame.quotes[2].raw.symbol == "GTE");
  CHECK(frame.quotes[2].raw.ts_ms == 1610144700000);
  CHECK(frame.quotes[2].high == 0.4489);
  CHECK(frame.quotes[2].raw.volume == 4110);
}

TEST_CASE("Bad Polygon items are rejected; malformed frames are errors", "[ingest][polygon]") {
  ProviderFrame frame;
  REQUIRE(parse_polygon_frame(
      R"([{"ev":"T","sym":"MSFT","t":1},{"ev":"T","p":1},{"ev":"T","sym":"A","p":1,"t":"now"}])",
      frame));
  CHECK(frame.quotes.empty());
  CHECK(frame.rejected == std::vector<std::string>{"trade: price p is missing or not a number",
                                                   "trade: sym is missing",
                                                   "trade: time t is not an integer (Unix ms)"});
  CHECK_FALSE(parse_polygon_frame(R"([{"ev":"T")", frame));
  CHECK_FALSE(parse_polygon_frame("42", frame));
}

TEST_CASE("Polygon auth and subscribe messages", "[ingest][polygon]") {
  CHECK(polygon_auth_message("KEY") == R"({"action":"auth","params":"KEY"})");
  CHECK(polygon_subscribe_message({"AAPL", "MSFT"}, {"trades", "aggregates"}) ==
        R"({"action":"subscribe","params":"T.AAPL,T.MSFT,AM.AAPL,AM.MSFT"})");
}

TEST_CASE("A Finnhub REST quote gives price, time and previous close", "[ingest][poll]") {
  auto quote = parse_finnhub_quote(
      R"({"c":261.74,"d":-1.5,"dp":-0.57,"h":263.31,"l":260.68,"o":261.07,"pc":263.24,"t":1602705600})",
      "AAPL");
  REQUIRE(quote);
  CHECK(quote->raw.symbol == "AAPL");
  CHECK(quote->raw.price == 261.74);
  CHECK(quote->raw.ts_ms == 1602705600000);
  CHECK(quote->raw.prev_close == 263.24);
}

TEST_CASE("Finnhub's all-zero answer for an unknown symbol is an error", "[ingest][poll]") {
  auto quote =
      parse_finnhub_quote(R"({"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,"pc":0,"t":0})", "NOPE");
  REQUIRE_FALSE(quote);
  CHECK(quote.error() == "unknown symbol (c and t are 0)");
  CHECK_FALSE(parse_finnhub_quote("<html>", "AAPL"));
}

TEST_CASE("A Yahoo chart gives the regular market price, time, volume and previous close",
          "[ingest][poll]") {
  auto quote = parse_yahoo_chart(
      R"({"chart":{"result":[{"meta":{"currency":"USD","symbol":"AAPL","regularMarketPrice":189.98,)"
      R"("regularMarketTime":1700000000,"regularMarketVolume":123456,"chartPreviousClose":187.5},)"
      R"("timestamp":[1],"indicators":{}}],"error":null}})",
      "AAPL");
  REQUIRE(quote);
  CHECK(quote->raw.price == 189.98);
  CHECK(quote->raw.ts_ms == 1700000000000);
  CHECK(quote->raw.volume == 123456);
  CHECK(quote->raw.prev_close == 187.5);
}

TEST_CASE("A Yahoo chart error is reported with its description", "[ingest][poll]") {
  auto quote = parse_yahoo_chart(
      R"({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}})",
      "NOPE");
  REQUIRE_FALSE(quote);
  CHECK(quote.error() == "provider error: No data found, symbol may be delisted");
}

TEST_CASE("Generic JSON quotes follow the configured field paths", "[ingest][poll]") {
  JsonQuotePaths paths;
  paths.items = "data";
  paths.symbol = "ticker";
  paths.price = "last";
  paths.ts = "ts";
  std::vector<ProviderQuote> quotes;
  std::vector<std::string> rejected;
  REQUIRE(parse_json_quotes(
      R"({"data":[{"ticker":"AAPL","last":"150.25","ts":1700000000000},{"ticker":"MSFT","last":300,"ts":"2023-11-14T22:13:20Z"},{"ticker":"BAD"}]})",
      paths, "", quotes, rejected));
  REQUIRE(quotes.size() == 2);
  CHECK(quotes[0].raw.price == 150.25);
  CHECK(quotes[0].raw.ts_ms == 1700000000000);
  CHECK(quotes[1].raw.ts_ms == 1700000000000);
  CHECK(rejected == std::vector<std::string>{"price: missing or not a number (at \"last\")"});
}

TEST_CASE("Generic JSON: one quote per document, array indexes in paths", "[ingest][poll]") {
  JsonQuotePaths paths;
  paths.price = "quotes.0.price";
  paths.bid = "quotes.0.book.bid";
  paths.ask = "quotes.0.book.ask";
  paths.ts = "time";
  std::vector<ProviderQuote> quotes;
  std::vector<std::string> rejected;
  REQUIRE(parse_json_quotes(
      R"({"time":1700000000,"quotes":[{"price":10.5,"book":{"bid":10.4,"ask":10.6}}]})", paths,
      "XYZ", quotes, rejected));
  REQUIRE(quotes.size() == 1);
  CHECK(quotes[0].raw.symbol == "XYZ");
  CHECK(quotes[0].raw.bid == 10.4);
  CHECK(quotes[0].raw.ts_ms == 1700000000000);
  CHECK_FALSE(parse_json_quotes("{", paths, "XYZ", quotes, rejected));
  paths.items = "missing";
  Status no_items = parse_json_quotes("{}", paths, "XYZ", quotes, rejected);
  CHECK(no_items.error() == "items: not an array (at \"missing\")");
}
