// Specifications of the flat JSON scanner (ingest/flat_json.hpp)
// and of the WebSocket frame parsers built on it: edges the scanner itself
// introduces (escapes, nesting bound, truncation, huge numbers), and a
// differential test against the DOM parsers they replaced
// (reference_frames.hpp) over a corpus of frames and their mutations.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "ingest/flat_json.hpp"
#include "ingest/providers/alpaca_frames.hpp"
#include "ingest/providers/finnhub_frames.hpp"
#include "ingest/providers/polygon_frames.hpp"
#include "reference_frames.hpp"

using namespace bw;

namespace {

using Parser = Status (*)(std::string_view, ProviderFrame&);

// The whole outcome of one parse, printable for a failure message.
std::string describe(const Status& status, const ProviderFrame& frame) {
  std::string out = status ? "ok" : "error: " + status.error();
  for (const ProviderQuote& q : frame.quotes) {
    out += "\n quote " + q.raw.symbol + " p=" + std::to_string(q.raw.price);
    if (q.raw.volume) out += " v=" + std::to_string(*q.raw.volume);
    if (q.raw.ts_ms) out += " t=" + std::to_string(*q.raw.ts_ms);
    if (q.raw.bid) out += " bid=" + std::to_string(*q.raw.bid);
    if (q.raw.ask) out += " ask=" + std::to_string(*q.raw.ask);
    if (q.sequence) out += " q=" + std::to_string(*q.sequence);
    if (q.open) out += " o=" + std::to_string(*q.open);
    if (q.high) out += " h=" + std::to_string(*q.high);
    if (q.low) out += " l=" + std::to_string(*q.low);
  }
  for (const ControlMessage& c : frame.control) {
    out += "\n control " + std::to_string(static_cast<int>(c.kind)) + " " + std::to_string(c.code) +
           " " + c.message;
  }
  for (const std::string& r : frame.rejected) out += "\n rejected " + r;
  return out;
}

bool same_quote(const ProviderQuote& a, const ProviderQuote& b) {
  return a.raw.symbol == b.raw.symbol && a.raw.price == b.raw.price &&
         a.raw.volume == b.raw.volume && a.raw.ts_ms == b.raw.ts_ms && a.raw.bid == b.raw.bid &&
         a.raw.ask == b.raw.ask && a.raw.prev_close == b.raw.prev_close &&
         a.sequence == b.sequence && a.open == b.open && a.high == b.high && a.low == b.low;
}

// Parses `text` with both parsers; a mismatch fails with both outcomes shown.
void check_same(Parser flat, Parser reference, const std::string& text) {
  ProviderFrame a, b;
  const Status sa = flat(text, a);
  const Status sb = reference(text, b);
  bool same = static_cast<bool>(sa) == static_cast<bool>(sb) && (sa || sa.error() == sb.error()) &&
              a.quotes.size() == b.quotes.size() && a.rejected == b.rejected &&
              a.control.size() == b.control.size();
  for (std::size_t i = 0; same && i < a.quotes.size(); ++i)
    same = same_quote(a.quotes[i], b.quotes[i]);
  for (std::size_t i = 0; same && i < a.control.size(); ++i) {
    same = a.control[i].kind == b.control[i].kind && a.control[i].code == b.control[i].code &&
           a.control[i].message == b.control[i].message;
  }
  if (!same) {
    INFO("frame: " << text);
    INFO("flat: " << describe(sa, a));
    INFO("dom:  " << describe(sb, b));
    FAIL("the flat parser and the DOM parser disagree");
  }
}

const std::vector<std::string> kFinnhubFrames = {
    R"({"type":"trade","data":[{"s":"AAPL","p":122.1,"t":1672348887195,"v":1,"c":["1"]},{"s":"MSFT","p":240.5,"t":1672348887196,"v":20}]})",
    R"({"data":[{"s":"BINANCE:BTCUSDT","p":7296.89,"t":1575526691134,"v":0.011467}],"type":"trade"})",
    R"({"type":"trade","data":[{"s":"AAPL","t":1},{"s":"MSFT","p":"x"},{"s":"IBM","p":1.5},{"p":2},{"s":"X","p":1,"v":"9"},{"s":"Y","p":1,"t":1.5}]})",
    R"({"type":"trade","data":[{"s":"A\u0041PL","p":1e2,"t":1.672348887195e12,"v":-0,"x":{"deep":[1,{"a":[]}]}}]})",
    R"( {"type" : "trade" , "data" : [ ] } )",
    R"({"type":"trade","data":[1,"x",null,[],{}]})",
    R"({"type":"trade","data":[{"s":"AAPL","p":1}],"data":{}})",
    R"({"type":"trade","data":{},"data":[{"s":"AAPL","p":2}]})",
    R"({"type":"ping"})",
    R"({"type":"error","msg":"Subscribing to too many symbols"})",
    R"({"type":"error","msg":"line\nbreak \"quoted\" caf\u00e9 \ud83d\ude00"})",
    R"({"type":"error"})",
    R"({"type":"news","data":[{"s":"AAPL"}]})",
    R"({"type":5})",
    R"([1,2])",
    R"("trade")",
    R"({"type":"trade","data":[{"s":"AAPL","p":18446744073709551615,"t":9223372036854775807,"v":18446744073709551616}]})",
    R"({"type":"trade","data":[{"s":"AAPL","p":-9223372036854775808,"t":-9223372036854775809}]})",
    "\xEF\xBB\xBF{\"type\":\"ping\"}",
};

const std::vector<std::string> kAlpacaFrames = {
    R"([{"T":"success","msg":"connected"}])",
    R"([{"T":"success","msg":"authenticated"},{"T":"success","msg":"other"}])",
    R"([{"T":"subscription","trades":["AAPL"],"quotes":[],"bars":["*"],"updatedBars":[],"statuses":null}])",
    R"([{"T":"error","code":402,"msg":"auth failed"},{"T":"error","code":406,"msg":"connection limit exceeded"},{"T":"error","code":"x"},{"T":"error","code":401.0}])",
    R"([{"T":"t","S":"AAPL","i":96921,"x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z","c":["@","I"],"z":"C"},)"
    R"({"T":"q","S":"AMD","bx":"U","bp":87.66,"bs":1,"ax":"Q","ap":87.68,"as":4,"t":"2021-02-22T15:51:45.335689322Z"},)"
    R"({"T":"b","S":"SPY","o":388.985,"h":389.13,"l":388.975,"c":389.12,"v":49378,"t":"2021-02-22T19:15:00Z"},)"
    R"({"T":"d","S":"SPY","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2021-02-22T19:15:00Z"}])",
    R"([{"T":"t","S":"AAPL","p":1,"t":"yesterday"},{"T":"q","S":"X","bp":0,"ap":2},{"T":"b","S":"X","o":1,"h":2,"l":1.5,"c":3},{"S":"X"},{"T":"t","p":1},{"T":"t","S":"X"},{"T":"q","S":"X","bp":1},{"T":"b","S":"X","o":1,"h":1,"l":1}])",
    R"({"T":"t","S":"AAPL","p":1.5,"s":2.9})",
    R"([{"T":"t","S":"A\"B\\C\/D","p":1,"t":"2021-02-22T15:51:44Z","extra":{"a":{"b":{"c":[[[]]]}}}}])",
    R"([{"T":"t","S":"AAPL","S":"MSFT","p":1,"p":2}])",
    R"([])",
    R"("connected")",
    R"(42)",
    R"(null)",
    R"([{"T":"t","S":"AAPL","p":1,"s":1e300}])",
    R"([{"T":"b","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":-1e19}])",
};

const std::vector<std::string> kPolygonFrames = {
    R"([{"ev":"status","status":"connected","message":"Connected Successfully"}])",
    R"([{"ev":"status","status":"auth_success","message":"authenticated"},{"ev":"status","status":"success","message":"subscribed to: T.MSFT"}])",
    R"([{"ev":"status","status":"auth_failed","message":"authentication failed"},{"ev":"status","status":"max_connections","message":"Maximum number of websocket connections exceeded."},{"ev":"status","status":"error"},{"ev":"status"}])",
    R"([{"ev":"T","sym":"MSFT","x":4,"i":"12345","z":3,"p":114.125,"s":100,"c":[0,12],"t":1536036818784,"q":3681328},)"
    R"({"ev":"Q","sym":"MSFT","bx":4,"bp":114.125,"bs":100,"ax":7,"ap":114.128,"as":160,"c":0,"t":1536036818784,"q":50385480},)"
    R"({"ev":"AM","sym":"GTE","v":4110,"av":9470157,"op":0.4372,"vw":0.4488,"o":0.4488,"c":0.4486,"h":0.4489,"l":0.4486,"a":0.4352,"z":685,"s":1610144640000,"e":1610144700000}])",
    R"([{"ev":"T","sym":"MSFT","t":1},{"ev":"T","p":1},{"ev":"T","sym":"A","p":1,"t":"now"},{"ev":"T","sym":"A","p":1,"q":-5},{"ev":"T","sym":"A","p":1,"q":1.0},{"ev":"A","sym":"A","o":1,"h":2,"l":1,"c":2,"e":"x"},{"ev":"LULD","sym":"A"},{"sym":"A"}])",
    R"({"ev":"T","sym":"MSFT","p":1})",
    R"([{"ev":"T","sym":"MSFT","p":1,"q":18446744073709551615},{"ev":"T","sym":"MSFT","p":1,"q":1e30}])",
    R"(  [  { "ev" : "Q" , "sym" : "X" , "bp" : 1.0E+1 , "ap" : 2.5e-1 , "t" : 0 }  ]  )",
    R"(42)",
};

// Small edits that break (or keep) the grammar in interesting ways.
std::string mutate(std::string text, std::mt19937& random) {
  static const std::string kBytes = "{}[]\",:\\/0123456789.eE-+ tfnul\x01\x7f\xc3\xa9\xed\xff";
  std::uniform_int_distribution<std::size_t> at(0, text.size());
  std::uniform_int_distribution<std::size_t> pick(0, kBytes.size() - 1);
  std::uniform_int_distribution<int> how(0, 2);
  const std::size_t i = at(random);
  switch (how(random)) {
    case 0:
      text.insert(i, 1, kBytes[pick(random)]);
      break;
    case 1:
      if (i < text.size()) text.erase(i, 1);
      break;
    default:
      if (i < text.size()) text[i] = kBytes[pick(random)];
  }
  return text;
}

void differential(Parser flat, Parser reference, const std::vector<std::string>& corpus) {
  std::mt19937 random(20261127);
  for (const std::string& frame : corpus) {
    check_same(flat, reference, frame);
    for (std::size_t cut = 0; cut < frame.size(); ++cut) {
      check_same(flat, reference, frame.substr(0, cut));  // every truncation
    }
    for (int round = 0; round < 400; ++round) {
      std::string text = mutate(frame, random);
      if (round % 2) text = mutate(text, random);
      check_same(flat, reference, text);
    }
  }
}

}  // namespace

TEST_CASE("Finnhub: the flat parser agrees with the DOM parser on frames and their mutations",
          "[ingest][finnhub][flat_json]") {
  differential(parse_finnhub_frame, reference::parse_finnhub_frame, kFinnhubFrames);
}

TEST_CASE("Alpaca: the flat parser agrees with the DOM parser on frames and their mutations",
          "[ingest][alpaca][flat_json]") {
  differential(parse_alpaca_frame, reference::parse_alpaca_frame, kAlpacaFrames);
}

TEST_CASE("Polygon: the flat parser agrees with the DOM parser on frames and their mutations",
          "[ingest][polygon][flat_json]") {
  differential(parse_polygon_frame, reference::parse_polygon_frame, kPolygonFrames);
}

TEST_CASE("Escaped strings are decoded: symbols, keys and messages", "[ingest][flat_json]") {
  ProviderFrame frame;
  REQUIRE(parse_finnhub_frame(
      R"({"t\u0079pe":"trade","data":[{"\u0073":"BRK\/B","p":1.5},{"s":"A\tB","p":2}]})", frame));
  REQUIRE(frame.quotes.size() == 2);
  CHECK(frame.quotes[0].raw.symbol == "BRK/B");
  CHECK(frame.quotes[1].raw.symbol == "A\tB");
  REQUIRE(parse_alpaca_frame(R"([{"T":"error","code":409,"msg":"caf\u00e9 \ud83d\ude00 \"x\""}])",
                             frame));
  CHECK(frame.control.back().message == "caf\xC3\xA9 \xF0\x9F\x98\x80 \"x\"");
}

TEST_CASE("Broken escapes, lone surrogates, raw control bytes and bad UTF-8 are malformed",
          "[ingest][flat_json]") {
  ProviderFrame frame;
  for (const char* text :
       {R"({"type":"error","msg":"\x"})", R"({"type":"error","msg":"\u12"})",
        R"({"type":"error","msg":"\ud83d"})", R"({"type":"error","msg":"\ude00"})",
        "{\"type\":\"error\",\"msg\":\"a\x01\"}", "{\"type\":\"error\",\"msg\":\"\xC0\xAF\"}",
        "{\"type\":\"error\",\"msg\":\"\xED\xA0\x80\"}"}) {
    INFO(text);
    Status status = parse_finnhub_frame(text, frame);
    REQUIRE_FALSE(status);
    CHECK(status.error() == "malformed json");
  }
  CHECK(frame.control.empty());
}

TEST_CASE("Nesting is bounded at 64 levels: deeper frames are malformed, not a stack overflow",
          "[ingest][flat_json]") {
  const auto nested = [](int levels) {
    std::string inner(static_cast<std::size_t>(levels), '[');
    inner += std::string(static_cast<std::size_t>(levels), ']');
    return R"([{"ev":"T","sym":"A","p":1,"x":)" + inner + "}]";
  };
  ProviderFrame frame;
  // The frame's array and the item are levels 1 and 2.
  REQUIRE(parse_polygon_frame(nested(62), frame));
  CHECK(frame.quotes.size() == 1);
  frame.clear();
  CHECK_FALSE(parse_polygon_frame(nested(63), frame));
  CHECK_FALSE(parse_polygon_frame(nested(100'000), frame));
  CHECK_FALSE(parse_polygon_frame(std::string(100'000, '['), frame));
  CHECK(frame.quotes.empty());
}

TEST_CASE("A truncated frame adds nothing, even when earlier items were complete",
          "[ingest][flat_json]") {
  ProviderFrame frame;
  const std::string whole =
      R"([{"ev":"T","sym":"A","p":1,"t":1},{"ev":"T","sym":"B","p":2,"t":2}])";
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    CHECK_FALSE(parse_polygon_frame(whole.substr(0, cut), frame));
  }
  CHECK(frame.quotes.empty());
  CHECK(frame.rejected.empty());
  REQUIRE(parse_polygon_frame(whole, frame));
  CHECK(frame.quotes.size() == 2);
}

TEST_CASE(
    "Huge numbers keep nlohmann's kinds; overflow is malformed; out-of-range volumes "
    "are rejected",
    "[ingest][flat_json]") {
  FlatFrame scanned;
  REQUIRE(scan_flat_frame(
      R"({"a":18446744073709551615,"b":18446744073709551616,"c":-9223372036854775808,"d":-9223372036854775809,"e":1e-400,"f":-0})",
      "", scanned));
  const FlatObject& item = scanned.items.at(0);
  CHECK(item.field("a")->kind == JsonValue::Kind::unsigned_integer);
  CHECK(item.field("b")->kind == JsonValue::Kind::floating);
  CHECK(item.field("c")->kind == JsonValue::Kind::integer);
  CHECK(item.integer("c") == std::numeric_limits<std::int64_t>::min());
  CHECK(item.field("d")->kind == JsonValue::Kind::floating);
  CHECK_FALSE(item.integer("d"));  // beyond int64: not an integer
  CHECK(item.number("e") == 0.0);
  CHECK(item.integer("f") == 0);

  CHECK_FALSE(scan_flat_frame(R"({"a":1e400})", "", scanned));
  CHECK_FALSE(scan_flat_frame("[" + std::string(400, '9') + "]", "", scanned));

  ProviderFrame frame;
  REQUIRE(parse_finnhub_frame(R"({"type":"trade","data":[{"s":"A","p":1,"v":1e19}]})", frame));
  CHECK(frame.quotes.empty());
  CHECK(frame.rejected == std::vector<std::string>{"trade: volume v is out of range"});
}

TEST_CASE("Strict number and literal grammar, as the DOM parser had it", "[ingest][flat_json]") {
  FlatFrame scanned;
  for (const char* text : {"[01]", "[+1]", "[1.]", "[.5]", "[1e]", "[-]", "[tru]", "[nul]", "[1,]",
                           "{\"a\":1,}", "[1] x", "", " ", "\xEF\xBB"}) {
    INFO(text);
    CHECK_FALSE(scan_flat_frame(text, "", scanned));
  }
  REQUIRE(scan_flat_frame("\xEF\xBB\xBF [0, -0.5e-3, 1E+2, true, false, null] \n", "", scanned));
  CHECK(scanned.items.size() == 6);
}
