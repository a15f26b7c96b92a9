// Specification of the alert field `sessions` in the API's JSON and the TOML
// alerts format, and of POST /api/v1/alerts/backtest
// (web/backtest_routes.hpp) over a recent-tick ring.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/manual_clock.hpp"
#include "web/alert_policy_codec.hpp"
#include "web/alert_toml.hpp"
#include "web/backtest_routes.hpp"
#include "web/json_codec.hpp"

using namespace bw;
using nlohmann::json;

namespace {

std::string error_of(const json& sessions) {
  Result<SessionMask> mask = decode_sessions(sessions);
  REQUIRE_FALSE(mask.ok());
  return mask.error();
}

}  // namespace

TEST_CASE("sessions decode to a mask; null means any time", "[web][sessions]") {
  CHECK(decode_sessions(json::array({"regular"})).value() == kSessionRegular);
  CHECK(decode_sessions(json::array({"post", "pre", "regular"})).value() == kSessionAll);
  CHECK(decode_sessions(json(nullptr)).value() == 0);
  CHECK(encode_sessions(kSessionPost | kSessionPre) == json::array({"pre", "post"}));
  CHECK(encode_sessions(0).is_null());
}

TEST_CASE("a bad sessions value is a 400 naming sessions or sessions[i]", "[web][sessions]") {
  CHECK(error_of(json::array()).rfind("sessions: must name at least one session", 0) == 0);
  CHECK(error_of(json("regular")).rfind("sessions: must be an array", 0) == 0);
  CHECK(error_of(json::array({"regular", "lunch"})) ==
        "sessions[1]: must be \"pre\", \"regular\" or \"post\"");
  CHECK(error_of(json::array({"pre", 4})) ==
        "sessions[1]: must be \"pre\", \"regular\" or \"post\"");
  CHECK(error_of(json::array({"pre", "pre"})) == "sessions[1]: \"pre\" is listed twice");
}

TEST_CASE("create and PATCH bodies carry sessions; the alert JSON lists them", "[web][sessions]") {
  Result<AlertDraft> draft = decode_alert(json{{"symbol", "AAPL"},
                                               {"condition", {{"type", "above"}, {"price", 1}}},
                                               {"sessions", {"regular"}}});
  REQUIRE(draft.ok());
  CHECK(draft->sessions == kSessionRegular);
  Result<AlertPatch> patch = decode_alert_patch(json{{"sessions", nullptr}});
  REQUIRE(patch.ok());
  CHECK(patch->sessions == std::optional<SessionMask>{0});
  CHECK_FALSE(patch->rearms());
  Alert alert;
  alert.sessions = kSessionRegular | kSessionPost;
  CHECK(encode_alert(alert)["sessions"] == json::array({"regular", "post"}));
  alert.sessions = 0;
  CHECK(encode_alert(alert)["sessions"].is_null());
}

TEST_CASE(
    "the TOML alerts format reads sessions, names a bad one by file:line:col, and writes "
    "them back",
    "[web][sessions]") {
  const std::string text =
      "[[alert]]\nsymbol = \"AAPL\"\ncondition = { type = \"above\", price = 1 }\n"
      "sessions = [\"pre\", \"regular\"]\n";
  Result<std::vector<AlertFileEntry>> parsed = parse_alert_file(text, "a.toml", {});
  REQUIRE(parsed.ok());
  CHECK((*parsed)[0].draft.sessions == (kSessionPre | kSessionRegular));

  Result<std::vector<AlertFileEntry>> bad = parse_alert_file(
      "[[alert]]\nsymbol = \"AAPL\"\ncondition = { type = \"above\", price = 1 }\n"
      "sessions = [\"pre\", \"night\"]\n",
      "a.toml", {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() ==
        "a.toml:4:20: alert[0].sessions[1]: must be \"pre\", \"regular\" or \"post\"");

  Alert alert;
  alert.symbol = "AAPL";
  alert.condition = Condition{ConditionType::above, Price::from_units(100'000'000)};
  alert.sessions = kSessionPost;
  json fields = encode_alert(alert);
  for (const char* read_only :
       {"id", "state", "created_at", "last_fired_at", "rearm_wait", "managed"})
    fields.erase(read_only);  // as export_alerts does
  const std::string rendered = render_alert_file({{"x", "", fields, ""}}, "");
  CHECK(rendered.find("sessions = [\"post\"]") != std::string::npos);
  Result<std::vector<AlertFileEntry>> again = parse_alert_file(rendered, "b.toml", {});
  REQUIRE(again.ok());
  CHECK((*again)[0].draft.sessions == kSessionPost);
}

namespace {

struct BacktestFixture {
  RecentTicks ticks{{.ticks_per_symbol = 100, .max_symbols = 10}};
  BacktestContext context{ticks, {}};
  bw::testing::ManualClock clock;
  User alice{7, "alice"};

  void trade(const char* price, TimestampMs ts) {
    ticks.record(Quote::trade("AAPL", *Price::parse(price), 1, ts));
  }
  ApiResponse run(const json& body) {
    return post_alert_backtest(context, clock, alice, body.dump());
  }
};

}  // namespace

TEST_CASE("a backtest runs the candidate through the engine over the symbol's recent ticks",
          "[web][backtest]") {
  BacktestFixture f;
  f.trade("149", 1000);
  f.trade("151", 2000);  // crosses 150
  f.trade("149", 3000);
  f.trade("150", 4000);  // reaches 150 from below: crosses again
  ApiResponse response = f.run({{"symbol", "aapl"},
                                {"condition", {{"type", "crossing_up"}, {"price", 150}}},
                                {"trigger", {{"mode", "every_time"}, {"cooldown", "0s"}}}});
  REQUIRE(response.status == 200);
  json out = json::parse(response.body);
  CHECK(out["ticks_examined"] == 4);
  CHECK(out["from"] == "1970-01-01T00:00:01.000Z");
  CHECK(out["to"] == "1970-01-01T00:00:04.000Z");
  REQUIRE(out["fires"].size() == 2);
  CHECK(out["fires"][0] == json{{"ts", "1970-01-01T00:00:02.000Z"},
                                {"price", 151.0},
                                {"direction", "up"},
                                {"state_after", "armed"}});
  CHECK(out["fires"][1]["price"] == 150.0);
  CHECK(out["truncated"] == false);
}

TEST_CASE("a once candidate fires once and then reads as triggered", "[web][backtest]") {
  BacktestFixture f;
  for (TimestampMs ts = 1; ts <= 5; ++ts) f.trade(ts % 2 ? "151" : "149", ts * 1000);
  json out = json::parse(
      f.run({{"symbol", "AAPL"}, {"condition", {{"type", "above"}, {"price", 150}}}}).body);
  REQUIRE(out["fires"].size() == 1);
  CHECK(out["fires"][0]["state_after"] == "triggered");
  CHECK(out["fire_count"] == 1);
}

TEST_CASE("a backtest validates the body like create and names the field", "[web][backtest]") {
  BacktestFixture f;
  ApiResponse bad = f.run({{"symbol", "AAPL"}, {"condition", {{"type", "above"}, {"price", -1}}}});
  CHECK(bad.status == 400);
  CHECK(bad.body.find("condition.price") != std::string::npos);
  ApiResponse session = f.run({{"symbol", "AAPL"},
                               {"condition", {{"type", "above"}, {"price", 1}}},
                               {"sessions", json::array()}});
  CHECK(session.status == 400);
  CHECK(session.body.find("sessions:") != std::string::npos);
  ApiResponse past = f.run({{"symbol", "AAPL"},
                            {"condition", {{"type", "above"}, {"price", 1}}},
                            {"expires_at", "2000-01-01T00:00:00Z"}});
  CHECK(past.status == 400);
  CHECK(past.body.find("expires_at: must be in the future") != std::string::npos);
}

TEST_CASE("sessions in a backtest use the calendar the server holds", "[web][backtest]") {
  BacktestFixture f;
  f.context.calendar = [] { return SessionCalendar{}; };
  f.trade("151", 1'764'594'000'000);  // Tuesday 2025-12-01 08:00 New York: pre-market
  f.trade("152", 1'764'599'400'000);  // 09:30: regular
  json out = json::parse(f.run({{"symbol", "AAPL"},
                                {"condition", {{"type", "above"}, {"price", 150}}},
                                {"sessions", {"regular"}}})
                             .body);
  REQUIRE(out["fires"].size() == 1);
  CHECK(out["fires"][0]["price"] == 152.0);
}

TEST_CASE("beyond the concurrent limit a backtest answers 429 with Retry-After",
          "[web][backtest]") {
  BacktestFixture f;
  f.context.running = kMaxConcurrentBacktests;
  ApiResponse busy = f.run({{"symbol", "AAPL"}, {"condition", {{"type", "above"}, {"price", 1}}}});
  CHECK(busy.status == 429);
  CHECK(busy.headers == std::vector<std::pair<std::string, std::string>>{{"Retry-After", "1"}});
  CHECK(f.context.running == kMaxConcurrentBacktests);
}
