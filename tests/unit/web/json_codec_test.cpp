// Specification of the API's JSON shapes: decode_alert and decode_quote name
// the wrong field; encoders produce the documented objects.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "web/json_codec.hpp"

using namespace bw;
using nlohmann::json;

namespace {

Price px(std::string_view text) {
  return *Price::parse(text);
}

json alert_body() {
  return json{{"symbol", "aapl"}, {"condition", {{"type", "crossing_up"}, {"price", 150}}}};
}

// The error of a decode that must fail.
std::string alert_error(const json& body) {
  Result<AlertDraft> draft = decode_alert(body);
  REQUIRE_FALSE(draft.ok());
  return draft.error();
}

// decode_quote over the scanned text of `item`, as the push route reads it.
Result<RawQuote> decode_item(const json& item) {
  const std::string text = json::array({item}).dump();
  FlatFrame frame;
  REQUIRE(scan_flat_frame(text, "", frame));
  REQUIRE(frame.items.size() == 1);
  return decode_quote(frame.items[0]);  // copies what it keeps out of `text`
}

std::string quote_error(const json& item) {
  Result<RawQuote> raw = decode_item(item);
  REQUIRE_FALSE(raw.ok());
  return raw.error();
}

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& item : object.items()) out.insert(item.key());
  return out;
}

}  // namespace

TEST_CASE("a minimal alert decodes with the symbol normalised and trigger once", "[web]") {
  Result<AlertDraft> draft = decode_alert(alert_body());
  REQUIRE(draft.ok());
  CHECK(draft->symbol == "AAPL");
  CHECK(draft->condition.type == ConditionType::crossing_up);
  CHECK(draft->condition.price == px("150"));
  CHECK(draft->trigger.mode == TriggerMode::once);
  CHECK(draft->name.empty());
}

TEST_CASE("every condition type name decodes", "[web]") {
  for (auto [name, type] :
       {std::pair{"above", ConditionType::above}, std::pair{"below", ConditionType::below},
        std::pair{"crossing", ConditionType::crossing},
        std::pair{"crossing_up", ConditionType::crossing_up},
        std::pair{"crossing_down", ConditionType::crossing_down}}) {
    json body = alert_body();
    body["condition"]["type"] = name;
    Result<AlertDraft> draft = decode_alert(body);
    INFO(name);
    REQUIRE(draft.ok());
    CHECK(draft->condition.type == type);
  }
}

TEST_CASE("a body that is not an object is rejected", "[web]") {
  CHECK(alert_error(json::array()) == "body: must be a JSON object");
  CHECK(alert_error(json("AAPL")) == "body: must be a JSON object");
}

TEST_CASE("an alert without a symbol names the symbol field", "[web]") {
  json body = alert_body();
  body.erase("symbol");
  CHECK(alert_error(body) == "symbol: is required");
}

TEST_CASE("an alert with a bad symbol names the symbol field", "[web]") {
  json body = alert_body();
  body["symbol"] = "AA PL";
  CHECK_THAT(alert_error(body), Catch::StartsWith("symbol: "));
  body["symbol"] = 42;
  CHECK(alert_error(body) == "symbol: must be a string");
  body["symbol"] = "";
  CHECK_THAT(alert_error(body), Catch::StartsWith("symbol: "));
}

TEST_CASE("an alert without a condition names the condition field", "[web]") {
  json body = alert_body();
  body.erase("condition");
  CHECK(alert_error(body) == "condition: is required");
  body["condition"] = "above 150";
  CHECK_THAT(alert_error(body), Catch::StartsWith("condition: must be an object"));
}

TEST_CASE("an unknown condition type names the type and the known ones", "[web]") {
  json body = alert_body();
  body["condition"]["type"] = "sideways";
  CHECK(alert_error(body) ==
        "condition.type: unknown type \"sideways\" (expected above, below, crossing, "
        "crossing_up, crossing_down, entering_channel, exiting_channel, inside_channel, "
        "outside_channel, moving_up, moving_down, moving_up_pct, moving_down_pct, "
        "spread_above_bps, day_change_pct_above, day_change_pct_below, volume_above, "
        "volume_spike, sma_crossing_up, sma_crossing_down, ema_crossing_up, ema_crossing_down, "
        "rsi_above, rsi_below, all_of or any_of)");
  body["condition"]["type"] = 1;
  CHECK(alert_error(body) == "condition.type: must be a string");
  body["condition"].erase("type");
  CHECK(alert_error(body) == "condition.type: is required");
}

TEST_CASE("a missing condition price names condition.price", "[web]") {
  json body = alert_body();
  body["condition"].erase("price");
  CHECK(alert_error(body) == "condition.price: is required");
}

TEST_CASE("a zero or negative price is rejected", "[web]") {
  for (json price : {json(0), json(-1), json(-0.5), json("-150.10"), json("0")}) {
    json body = alert_body();
    body["condition"]["price"] = price;
    INFO(price.dump());
    CHECK(alert_error(body) == "condition.price: must be greater than zero");
  }
}

TEST_CASE("a non-numeric price is rejected naming condition.price", "[web]") {
  for (json price : {json(true), json(nullptr), json::array({150}), json::object()}) {
    json body = alert_body();
    body["condition"]["price"] = price;
    INFO(price.dump());
    CHECK(alert_error(body) == "condition.price: must be a number");
  }
  for (json price : {json("abc"), json("150.123456789"), json("1e3"), json("")}) {
    json body = alert_body();
    body["condition"]["price"] = price;
    INFO(price.dump());
    CHECK_THAT(alert_error(body), Catch::StartsWith("condition.price: must be a decimal number"));
  }
}

TEST_CASE("a price as a decimal string equals the same price as a number", "[web]") {
  json as_text = alert_body();
  as_text["condition"]["price"] = "150.10";
  json as_number = alert_body();
  as_number["condition"]["price"] = 150.1;

  Result<AlertDraft> text = decode_alert(as_text);
  Result<AlertDraft> number = decode_alert(as_number);
  REQUIRE(text.ok());
  REQUIRE(number.ok());
  CHECK(text->condition.price == px("150.1"));
  CHECK(number->condition.price == px("150.1"));
  CHECK(text->condition.price == number->condition.price);
}

TEST_CASE("unknown fields are rejected by name at every level", "[web]") {
  json body = alert_body();
  body["colour"] = "red";
  CHECK(alert_error(body) == "colour: unknown field");

  body = alert_body();
  body["condition"]["when"] = "now";
  CHECK(alert_error(body) == "condition.when: unknown field");

  body = alert_body();
  body["trigger"] = {{"mode", "once"}, {"colour", 5}};
  CHECK(alert_error(body) == "trigger.colour: unknown field");
}

TEST_CASE("the trigger mode is once, once_per or every_time, or an error naming trigger.mode",
          "[web]") {
  json body = alert_body();
  body["trigger"] = {{"mode", "once"}};
  CHECK(decode_alert(body).ok());

  body["trigger"] = {{"mode", "always"}};
  CHECK(alert_error(body) ==
        "trigger.mode: unknown mode \"always\" (expected once, once_per or every_time)");
  body["trigger"] = {{"mode", 1}};
  CHECK(alert_error(body) == "trigger.mode: must be a string");
  body["trigger"] = json::object();
  CHECK(alert_error(body) == "trigger.mode: is required");
  body["trigger"] = "once";
  CHECK_THAT(alert_error(body), Catch::StartsWith("trigger: must be an object"));
}

TEST_CASE("an alert name is optional, a string, at most 100 characters", "[web]") {
  json body = alert_body();
  body["name"] = "lunch money";
  CHECK(decode_alert(body)->name == "lunch money");
  body["name"] = nullptr;
  CHECK(decode_alert(body)->name.empty());
  body["name"] = std::string(100, 'x');
  CHECK(decode_alert(body).ok());
  body["name"] = std::string(101, 'x');
  CHECK(alert_error(body) == "name: must be at most 100 characters");
  body["name"] = 5;
  CHECK(alert_error(body) == "name: must be a string");
}

TEST_CASE("a pushed quote decodes every field", "[web]") {
  Result<RawQuote> raw = decode_item(
      {{"symbol", "aapl"}, {"price", 150.25}, {"volume", 100}, {"ts", "2025-11-26T15:00:00Z"}});
  REQUIRE(raw.ok());
  CHECK(raw->symbol == "aapl");  // normalised later, by validate_quote
  CHECK(raw->price == 150.25);
  CHECK(raw->volume == 100);
  CHECK(raw->ts_ms == 1'764'169'200'000);
}

TEST_CASE("a pushed quote may give ts as Unix milliseconds or leave it out", "[web]") {
  Result<RawQuote> ms = decode_item({{"symbol", "A"}, {"price", 1}, {"ts", 1'764'169'200'123}});
  REQUIRE(ms.ok());
  CHECK(ms->ts_ms == 1'764'169'200'123);

  Result<RawQuote> bare = decode_item({{"symbol", "A"}, {"price", 1}, {"ts", nullptr}});
  REQUIRE(bare.ok());
  CHECK_FALSE(bare->ts_ms);
  CHECK_FALSE(bare->volume);
}

TEST_CASE("a pushed quote with a bad field names it", "[web]") {
  CHECK(quote_error(json::array()) == "must be an object");
  CHECK(quote_error({{"price", 1}}) == "symbol: is required");
  CHECK(quote_error({{"symbol", 1}, {"price", 1}}) == "symbol: must be a string");
  CHECK(quote_error({{"symbol", "A"}}) == "price: is required");
  CHECK(quote_error({{"symbol", "A"}, {"price", "1"}}) == "price: must be a number");
  CHECK(quote_error({{"symbol", "A"}, {"price", 1}, {"volume", 1.5}}) ==
        "volume: must be a whole number");
  // Past int64: out of range, not wrapped to a negative ("must not be negative").
  CHECK(quote_error({{"symbol", "A"}, {"price", 1}, {"volume", 10'000'000'000'000'000'000u}}) ==
        "volume: is out of range");
  CHECK(quote_error({{"symbol", "A"}, {"price", 1}, {"ts", 18'446'744'073'709'551'615u}}) ==
        "ts: is out of range");
  CHECK_THAT(quote_error({{"symbol", "A"}, {"price", 1}, {"ts", "yesterday"}}),
             Catch::StartsWith("ts: must be RFC 3339"));
  CHECK_THAT(quote_error({{"symbol", "A"}, {"price", 1}, {"ts", 1.5}}),
             Catch::StartsWith("ts: must be RFC 3339"));
  CHECK(quote_error({{"symbol", "A"}, {"price", 1}, {"spread", 1}}) == "spread: unknown field");
  CHECK(quote_error({{"symbol", "A"}, {"price", 1}, {"bid", "x"}}) == "bid: must be a number");
  CHECK(quote_error({{"symbol", {{"ticker", "A"}}}, {"price", 1}}) == "symbol: must be a string");
  CHECK(quote_error({{"symbol", "A"}, {"price", {1}}}) == "price: must be a number");
}

TEST_CASE("a pushed quote is read from its text like the DOM read it", "[web]") {
  const std::string text = R"([{"symbol":"A\u0041","price":1,"price":2.5,"volume":null,)"
                           R"("bid":2,"ask":3,"prev_close":2.25,"ts":1764169200000}])";
  FlatFrame frame;
  REQUIRE(scan_flat_frame(text, "", frame));
  Result<RawQuote> raw = decode_quote(frame.items.at(0));
  REQUIRE(raw.ok());
  CHECK(raw->symbol == "AA");  // escapes decoded
  CHECK(raw->price == 2.5);    // the last duplicate wins
  CHECK_FALSE(raw->volume);    // null is absent
  CHECK(raw->bid == 2.0);
  CHECK(raw->ask == 3.0);
  CHECK(raw->prev_close == 2.25);
  CHECK(raw->ts_ms == 1'764'169'200'000);
}

TEST_CASE("an encoded alert has the documented shape", "[web]") {
  Alert alert;
  alert.id = 7;
  alert.user_id = 3;
  alert.symbol = "AAPL";
  alert.name = std::string(1, 'n');  // not = "n": GCC 12's false -Wrestrict
  alert.condition = Condition{ConditionType::crossing_down, px("150.10")};
  alert.state = AlertState::triggered;
  alert.created_at = 1'764'169'200'000;
  alert.last_fired_at = 1'764'169'200'500;

  json out = encode_alert(alert);
  CHECK(keys(out) == std::set<std::string>{"id", "symbol", "name", "condition", "trigger", "state",
                                           "created_at", "last_fired_at", "expires_at", "sessions",
                                           "rearm_wait", "managed"});
  CHECK(out["id"] == 7);
  CHECK(out["symbol"] == "AAPL");
  CHECK(out["name"] == "n");
  CHECK(out["condition"] == json{{"type", "crossing_down"}, {"price", 150.1}});
  CHECK(out["trigger"] == json{{"mode", "once"}});
  CHECK(out["state"] == "triggered");
  CHECK(out["created_at"] == "2025-11-26T15:00:00.000Z");
  CHECK(out["last_fired_at"] == "2025-11-26T15:00:00.500Z");

  alert.last_fired_at.reset();
  CHECK(encode_alert(alert)["last_fired_at"].is_null());
  CHECK(out["managed"].is_null());
  alert.managed_file = "desk.toml";
  alert.managed_key = "aapl";
  CHECK(encode_alert(alert)["managed"] == json{{"file", "desk.toml"}, {"id", "aapl"}});
}

TEST_CASE("an encoded notification has the documented shape and no user id", "[web]") {
  StoredNotification n{
      12, NewNotification{7, 3, "AAPL", px("150.25"), "AAPL crossed above 150.00 at 150.25",
                          1'764'169'200'000}};
  json out = encode_notification(n);
  CHECK(out == json{{"id", 12},
                    {"alert_id", 7},
                    {"symbol", "AAPL"},
                    {"price", 150.25},
                    {"message", "AAPL crossed above 150.00 at 150.25"},
                    {"created_at", "2025-11-26T15:00:00.000Z"}});
}

TEST_CASE("an encoded quote has symbol, price, volume and ts", "[web]") {
  json out = encode_quote(Quote::trade("AAPL", px("150.25"), 10, 1'764'169'200'000));
  CHECK(out == json{{"symbol", "AAPL"},
                    {"price", 150.25},
                    {"volume", 10},
                    {"ts", "2025-11-26T15:00:00.000Z"}});
}

TEST_CASE("dump_json replaces invalid UTF-8 instead of throwing", "[web]") {
  json value = {{"name", std::string("bad \xff byte")}};
  std::string text;
  CHECK_NOTHROW(text = dump_json(value));
  CHECK_THAT(text, Catch::Contains("bad "));
  CHECK(json::parse(text).is_object());
}

TEST_CASE("a channel condition has lower < upper and echoes them", "[web]") {
  json body = alert_body();
  body["condition"] = {{"type", "inside_channel"}, {"lower", 140}, {"upper", "150.5"}};
  Result<AlertDraft> draft = decode_alert(body);
  REQUIRE(draft.ok());
  CHECK(draft->condition.price == px("140"));
  CHECK(draft->condition.upper == px("150.5"));
  Alert alert;
  alert.condition = draft->condition;
  CHECK(encode_alert(alert)["condition"] ==
        json{{"type", "inside_channel"}, {"lower", 140.0}, {"upper", 150.5}});

  body["condition"] = {{"type", "entering_channel"}, {"lower", 150}, {"upper", 150}};
  CHECK(alert_error(body) == "condition.upper: must be greater than condition.lower");
  body["condition"] = {{"type", "exiting_channel"}, {"upper", 150}};
  CHECK(alert_error(body) == "condition.lower: is required for exiting_channel");
  body["condition"] = {{"type", "outside_channel"}, {"lower", 140}, {"upper", 150}, {"price", 1}};
  CHECK(alert_error(body) == "condition.price: unknown field");
  body["condition"] = {{"type", "above"}, {"price", 150}, {"lower", 1}};
  CHECK(alert_error(body) == "condition.lower: unknown field");
  body["condition"] = {{"type", "outside_channel"}, {"lower", 140}, {"upper", 150}};
  body["trigger"] = {{"mode", "every_time"}, {"rearm", {{"amount", 1}}}};
  CHECK(alert_error(body) == "trigger.rearm: not supported with channel conditions");
}
