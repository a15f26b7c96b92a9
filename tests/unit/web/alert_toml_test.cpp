// Specification of the TOML alerts format (web/alert_toml.hpp): alerts in the
// API's terms, validated by the API's decoder, every problem reported at once
// as file:line:col naming the key; render_alert_file reads back the same.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "web/alert_toml.hpp"

using namespace bw;

namespace {

constexpr AlertFileOptions kManaged{true, true};

std::string parse_error(const std::string& text, AlertFileOptions options = kManaged) {
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_file(text, "desk.toml", options);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

const char* kGood = R"(# two alerts
[[alert]]
id = "aapl"
owner = "alice"
symbol = "aapl"
condition = { type = "crossing_up", price = 150.10 }
trigger = { mode = "every_time", cooldown = "30s", rearm = { amount = 0.5 } }
channels = ["https://hooks.example.com/desk", 4]
expires_at = 2030-01-01T00:00:00Z

[[alert]]
id = "spy"
owner = "bob"
symbol = "SPY"
name = "SPY channel"
  [alert.condition]
  type = "inside_channel"
  lower = "560"
  upper = 590
)";

}  // namespace

TEST_CASE("a valid file gives one draft per alert in the API's terms", "[web][alerts_toml]") {
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_file(kGood, "desk.toml", kManaged);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  const AlertFileEntry& aapl = (*parsed)[0];
  CHECK(aapl.id == "aapl");
  CHECK(aapl.owner == "alice");
  CHECK(aapl.draft.symbol == "AAPL");
  CHECK(aapl.draft.condition == Condition{ConditionType::crossing_up, *Price::parse("150.10")});
  CHECK(aapl.draft.trigger.mode == TriggerMode::every_time);
  CHECK(aapl.draft.trigger.interval_ms == 30000);
  CHECK(aapl.draft.expires_at == std::optional<TimestampMs>{1893456000000});
  REQUIRE(aapl.channels.size() == 2);
  CHECK(aapl.channels[0].target == "https://hooks.example.com/desk");
  CHECK(aapl.channels[1].id == 4);
  CHECK(aapl.at("channels[1]") == "desk.toml:8:47: alert[0].");
  const AlertFileEntry& spy = (*parsed)[1];
  CHECK(spy.draft.name == "SPY channel");
  CHECK(spy.draft.condition ==
        Condition{ConditionType::inside_channel, *Price::parse("560"), *Price::parse("590")});
}

TEST_CASE("bad TOML syntax is reported at its line and column", "[web][alerts_toml]") {
  CHECK_THAT(parse_error("[[alert]]\nid = \"a\"\nsymbol = AAPL\n"),
             Catch::StartsWith("desk.toml:3:10: "));
}

TEST_CASE("a bad field is reported at the key with the API's reason", "[web][alerts_toml]") {
  const std::string error = parse_error(
      "[[alert]]\nid = \"a\"\nowner = \"alice\"\nsymbol = \"AAPL\"\n"
      "condition = { type = \"above\", price = -3 }\n");
  CHECK(error == "desk.toml:5:39: alert[0].condition.price: must be greater than zero");
}

TEST_CASE("a missing required field is reported at its table", "[web][alerts_toml]") {
  CHECK(parse_error("\n[[alert]]\nid = \"a\"\nowner = \"alice\"\nsymbol = \"AAPL\"\n") ==
        "desk.toml:2:1: alert[0].condition: is required");
  CHECK(parse_error("[[alert]]\nid = \"a\"\nowner = \"alice\"\nsymbol = \"AAPL\"\n"
                    "condition = { price = 3 }\n") ==
        "desk.toml:5:13: alert[0].condition.type: is required");
}

TEST_CASE("an unknown key is named where it is written", "[web][alerts_toml]") {
  CHECK(parse_error("[[alert]]\nid = \"a\"\nowner = \"alice\"\nsymbol = \"AAPL\"\n"
                    "condition = { type = \"above\", price = 3 }\nsymbl = \"X\"\n") ==
        "desk.toml:6:9: alert[0].symbl: unknown field");
}

TEST_CASE("every problem of every alert is reported at once", "[web][alerts_toml]") {
  const std::string error = parse_error(
      "[[alert]]\nid = \"a\"\nowner = \"alice\"\nsymbol = \"AAPL\"\n"
      "condition = { type = \"above\", price = 3 }\ntrigger = { mode = \"sometimes\" }\n"
      "[[alert]]\nid = \"a\"\nsymbol = \"A B\"\ncondition = { type = \"above\", price = 3 }\n");
  CHECK(error ==
        "desk.toml:6:20: alert[0].trigger.mode: unknown mode \"sometimes\" (expected once, "
        "once_per or every_time)\n"
        "desk.toml:8:6: alert[1].id: \"a\" is used by another alert in this file\n"
        "desk.toml:7:1: alert[1].owner: is required (the user name the alert belongs to)\n"
        "desk.toml:9:10: alert[1].symbol: may contain only A-Z, 0-9, '.', '-' and '/'");
}

TEST_CASE("alerts.d alerts need an id and an owner; an import does not", "[web][alerts_toml]") {
  const std::string text =
      "[[alert]]\nsymbol = \"AAPL\"\ncondition = { type = \"above\", price = 3 }\n";
  CHECK(parse_error(text) ==
        "desk.toml:1:1: alert[0].id: is required (a stable id, unique in this file)\n"
        "desk.toml:1:1: alert[0].owner: is required (the user name the alert belongs to)");
  CHECK(parse_alert_file(text, "body", {}).ok());
  CHECK(parse_error("[[alert]]\nid = \"no spaces\"\n", {}) ==
        "desk.toml:2:6: alert[0].id: must be 1-64 characters of letters, digits, '_', '-' and '.'\n"
        "desk.toml:1:1: alert[0].symbol: is required");
}

TEST_CASE("channels must be ids, URLs or addresses", "[web][alerts_toml]") {
  CHECK(parse_error("[[alert]]\nsymbol = \"AAPL\"\ncondition = { type = \"above\", price = 3 }\n"
                    "channels = [3, true]\n",
                    {}) ==
        "desk.toml:4:16: alert[0].channels[1]: must be a channel id, webhook URL or email address");
}

TEST_CASE("a local date-time for expires_at is refused", "[web][alerts_toml]") {
  CHECK_THAT(
      parse_error("[[alert]]\nsymbol = \"AAPL\"\ncondition = { type = \"above\", price = 3 }\n"
                  "expires_at = 2030-01-01T00:00:00\n",
                  {}),
      Catch::StartsWith("desk.toml:4:14: alert[0].expires_at: must be RFC 3339"));
}

TEST_CASE("only [[alert]] tables may appear at the top", "[web][alerts_toml]") {
  CHECK(parse_error("alerts = []\n", {}) ==
        "desk.toml:1:1: alerts: unknown key (an alerts file holds only [[alert]] tables)");
  CHECK(parse_error("[alert]\nsymbol = \"A\"\n", {}) ==
        "desk.toml:1:1: alert: expected [[alert]] tables (an array of tables)");
}

TEST_CASE("a rendered file reads back to the same alerts", "[web][alerts_toml]") {
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_file(kGood, "desk.toml", kManaged);
  REQUIRE(parsed.ok());
  std::vector<ExportedAlert> exported;
  for (const AlertFileEntry& entry : *parsed) {
    nlohmann::json fields{{"symbol", entry.draft.symbol},
                          {"name", entry.draft.name},
                          {"condition", encode_condition(entry.draft.condition)},
                          {"expires_at", nullptr},
                          {"channels", nlohmann::json::array()}};
    if (entry.id == "aapl") {
      fields["expires_at"] = "2030-01-01T00:00:00.000Z";
      fields["channels"] = {"https://hooks.example.com/desk", 4};
      fields["name"] = "quote \" and \\ and \u00e9";
    }
    exported.push_back({entry.id, entry.owner, fields, "a comment"});
  }
  const std::string text = render_alert_file(exported, "# header\n");
  Result<std::vector<AlertFileEntry>> again = parse_alert_file(text, "again.toml", kManaged);
  REQUIRE(again.ok());
  REQUIRE(again->size() == 2);
  CHECK((*again)[0].draft.condition == (*parsed)[0].draft.condition);
  CHECK((*again)[0].draft.expires_at == (*parsed)[0].draft.expires_at);
  CHECK((*again)[0].draft.name == "quote \" and \\ and \u00e9");
  CHECK((*again)[0].channels.size() == 2);
  CHECK((*again)[1].draft.condition == (*parsed)[1].draft.condition);
  CHECK((*again)[1].owner == "bob");
}

TEST_CASE("the shipped example alerts file is valid", "[web][alerts_toml]") {
  std::ifstream in(std::string(BW_PROJECT_SOURCE_DIR) + "/config/examples/alerts.d/desk.toml");
  REQUIRE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_file(text, "desk.toml", kManaged);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 5);
  CHECK((*parsed)[3].draft.condition.type == ConditionType::volume_spike);
  CHECK((*parsed)[4].draft.condition.period == 14);
}
