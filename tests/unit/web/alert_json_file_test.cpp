// Specification of alerts read from JSON (web/alert_json_file.hpp), the form
// `bellwether backtest --alerts FILE.json` takes: what the alerts API answers
// reads back as the same alerts; every problem names the file, the line and
// column of the alert and the field.
#include <catch2/catch.hpp>

#include <string>

#include "web/alert_json_file.hpp"
#include "web/json_codec.hpp"

using namespace bw;

namespace {

std::string parse_error(const std::string& text) {
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_json_file(text, "desk.json");
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

Alert stored_alert() {
  Alert alert;
  alert.id = 12;
  alert.user_id = 3;
  alert.symbol = "AAPL";
  alert.name = "AAPL breakout";
  alert.condition = Condition{ConditionType::rsi_above, *Price::parse("70")};
  alert.condition.interval_ms = 300'000;
  alert.condition.period = 14;
  alert.trigger = {TriggerMode::every_time, 30'000, {}};
  alert.expires_at = 1'798'761'600'000;
  alert.sessions = kSessionRegular;
  alert.state = AlertState::triggered;
  alert.created_at = 1'764'000'000'000;
  alert.last_fired_at = 1'764'100'000'000;
  alert.managed_file = "desk.toml";
  alert.managed_key = "aapl";
  return alert;
}

}  // namespace

TEST_CASE("A page of GET /api/v1/alerts reads back as the same alerts", "[web]") {
  nlohmann::json item = encode_alert(stored_alert());
  item["channels"] = {4, 5};
  const std::string page = dump_json({{"items", {item, item}}, {"next_cursor", nullptr}});
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_json_file(page, "page.json");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  const AlertFileEntry& entry = (*parsed)[0];
  CHECK(entry.id == "12");
  CHECK(entry.draft.symbol == "AAPL");
  CHECK(entry.draft.name == "AAPL breakout");
  CHECK(entry.draft.condition == stored_alert().condition);
  CHECK(entry.draft.trigger == stored_alert().trigger);
  CHECK(entry.draft.expires_at == stored_alert().expires_at);
  CHECK(entry.draft.sessions == kSessionRegular);
  CHECK(entry.draft.channels.empty());  // a backtest sends nothing
  CHECK(entry.at("") == "page.json:1:11: items[0].");
}

TEST_CASE("A JSON array of create bodies and a single alert are read too", "[web]") {
  const std::string array = R"([
  {"symbol": "msft", "condition": {"type": "above", "price": "410.5"}},
  {"symbol": "AAPL", "condition": {"type": "volume_spike", "factor": 3, "window": "5m",
                                   "baseline": "1h"}, "trigger": {"mode": "once"}}
])";
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_json_file(array, "a.json");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].id.empty());
  CHECK((*parsed)[0].draft.symbol == "MSFT");
  CHECK((*parsed)[1].draft.condition.type == ConditionType::volume_spike);
  CHECK((*parsed)[1].at("") == "a.json:3:3: [1].");

  const std::string one = dump_json(encode_alert(stored_alert()));
  Result<std::vector<AlertFileEntry>> single = parse_alert_json_file(one, "one.json");
  REQUIRE(single.ok());
  REQUIRE(single->size() == 1);
  CHECK((*single)[0].id == "12");
  CHECK(parse_alert_json_file(R"({"items": []})", "none.json")->empty());
}

TEST_CASE("Invalid JSON is an error at its line and column", "[web]") {
  CHECK(parse_error("[\n  {\"symbol\": \"AAPL\",}\n]") ==
        "desk.json:2:21: invalid JSON: syntax error while parsing object key - unexpected '}'; "
        "expected string literal");
  CHECK(parse_error("").rfind("desk.json:1:1: invalid JSON: ", 0) == 0);
  CHECK(parse_error(std::string(40, '[') + std::string(40, ']')) ==
        "desk.json: JSON nested deeper than 32 levels");
}

TEST_CASE("Every invalid alert is reported with its position and field, and none is kept",
          "[web]") {
  const std::string page = R"({"items": [
  {"symbol": "AAPL", "condition": {"type": "above", "price": 0}},
  {"symbol": "AAPL", "condition": {"type": "above", "price": 1}},
  42,
  {"symbol": "AAPL", "condition": {"type": "rsi_above", "interval": "7m", "period": 14,
                                   "value": 70}},
  {"symbol": "AAPL", "condition": {"type": "above", "price": 1}, "colour": "red"}
]})";
  CHECK(parse_error(page) ==
        "desk.json:2:3: items[0].condition.price: must be greater than zero\n"
        "desk.json:4:3: items[2]: must be an alert object\n"
        "desk.json:5:3: items[3].condition.interval: must be one of 1m, 2m, 3m, 5m, 10m, 15m, "
        "30m, 1h, 2h, 4h, 1d\n"
        "desk.json:7:3: items[4].colour: unknown field");
  CHECK(parse_error(R"({"items": {"symbol": "AAPL"}})") ==
        "desk.json:1:1: items: must be an array of alerts");
  CHECK(parse_error("\"AAPL\"") ==
        "desk.json:1:1: must be an alert, an array of alerts or {\"items\":[alert…]}");
  CHECK(parse_error(R"({"condition": {"type": "above", "price": 1}})") ==
        "desk.json:1:1: symbol: is required");
}

TEST_CASE("A JSON alerts file is told from TOML by its name or its first character", "[web]") {
  CHECK(looks_like_json_alert_file("anything", "alerts.json"));
  CHECK(looks_like_json_alert_file("  {\"items\": []}", "alerts.txt"));
  CHECK(looks_like_json_alert_file("\n[ {\"symbol\": \"A\"} ]", "alerts"));
  CHECK(looks_like_json_alert_file("[]", "alerts"));
  CHECK_FALSE(looks_like_json_alert_file("[[alert]]\nsymbol = \"A\"", "alerts.toml"));
  CHECK_FALSE(looks_like_json_alert_file("# desk alerts\n[[alert]]", "alerts"));
  CHECK_FALSE(looks_like_json_alert_file("", "alerts.toml"));
}
