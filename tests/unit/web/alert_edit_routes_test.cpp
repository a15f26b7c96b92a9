// Specification of trigger policies over the API (create with a policy and
// expiry) and of PATCH, pause and resume, called as plain functions.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "tests/support/manual_clock.hpp"
#include "tests/support/recording_sinks.hpp"
#include "tests/support/temp_database.hpp"
#include "web/alert_edit_routes.hpp"
#include "web/alert_policy_codec.hpp"
#include "web/api_routes.hpp"
#include "web/json_codec.hpp"

using namespace bw;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

NewUser named(std::string name) {
  NewUser user;
  user.name = std::move(name);
  return user;
}

struct Api {
  testing::TempDatabase temp;
  Accounts accounts{temp.db()};
  AlertRepository alerts{temp.db()};
  NotificationRepository notifications{temp.db()};
  LastQuotes last_quotes;
  testing::RecordingQuoteSink quotes;
  testing::RecordingAlertEngine engine;
  testing::ManualClock clock;
  ApiContext context{
      accounts, alerts, notifications, last_quotes, quotes, engine, clock, 8081, "1.2.3",
  };
  User alice = *accounts.create_user(named("alice"), clock.now_ms());
  User bob = *accounts.create_user(named("bob"), clock.now_ms());

  json create(const std::string& body) {
    ApiResponse r = create_alert(context, alice, body);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return json::parse(r.body);
  }
  std::string id_of(const json& alert) { return std::to_string(alert["id"].get<AlertId>()); }
};

constexpr const char* kRepeating =
    R"({"symbol":"AAPL","condition":{"type":"above","price":150},
        "trigger":{"mode":"every_time","cooldown":"30s","rearm":{"amount":0.5}},
        "expires_at":"2025-11-26T16:00:00Z"})";

std::string detail(const ApiResponse& r, int status) {
  INFO(r.body);
  REQUIRE(r.status == status);
  return json::parse(r.body)["detail"].get<std::string>();
}

std::string create_error(const std::string& trigger) {
  Api api;
  return detail(create_alert(api.context, api.alice,
                             R"({"symbol":"AAPL","condition":{"type":"above","price":150},
                                 "trigger":)" +
                                 trigger + "}"),
                400);
}

}  // namespace

TEST_CASE("an alert is created with a repeating trigger and an expiry and echoes them", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  CHECK(alert["trigger"] ==
        json{{"mode", "every_time"}, {"cooldown", "30s"}, {"rearm", {{"amount", 0.5}}}});
  CHECK(alert["expires_at"] == "2025-11-26T16:00:00.000Z");
  CHECK(alert["rearm_wait"] == "none");
  REQUIRE(api.engine.armed().size() == 1);
  CHECK(api.engine.armed()[0].trigger.interval_ms == 30'000);
}

TEST_CASE("once_per needs a positive interval and percent bands are echoed", "[web]") {
  Api api;
  json alert = api.create(R"({"symbol":"AAPL","condition":{"type":"above","price":150},
      "trigger":{"mode":"once_per","interval":"1m","rearm":{"percent":0.2}}})");
  CHECK(alert["trigger"] ==
        json{{"mode", "once_per"}, {"interval", "1m"}, {"rearm", {{"percent", 0.2}}}});
}

TEST_CASE("invalid trigger fields are 400s that name the field", "[web]") {
  CHECK(create_error(R"({"mode":"once_per"})") ==
        "trigger.interval: is required with mode once_per");
  CHECK(create_error(R"({"mode":"once_per","interval":"0s"})") ==
        "trigger.interval: must be greater than zero");
  CHECK(
      create_error(R"({"mode":"once_per","interval":"5 minutes"})").rfind("trigger.interval:", 0) ==
      0);
  CHECK(create_error(R"({"mode":"every_time","cooldown":"400d"})") ==
        "trigger.cooldown: must be at most 366d");
  CHECK(create_error(R"({"mode":"once","cooldown":"30s"})") ==
        "trigger.cooldown: only with mode every_time");
  CHECK(create_error(R"({"mode":"every_time","interval":"1m"})") ==
        "trigger.interval: only with mode once_per");
  CHECK(create_error(R"({"mode":"once","rearm":{"amount":1}})") ==
        "trigger.rearm: only with mode once_per or every_time");
  CHECK(create_error(R"({"mode":"every_time","rearm":{"amount":-1}})") ==
        "trigger.rearm.amount: must be greater than zero");
  CHECK(create_error(R"({"mode":"every_time","rearm":{"percent":101}})") ==
        "trigger.rearm.percent: must be at most 100");
  CHECK(create_error(R"({"mode":"every_time","rearm":{"amount":1,"percent":1}})")
            .rfind("trigger.rearm:", 0) == 0);
}

TEST_CASE("expires_at must be a future RFC 3339 time", "[web]") {
  Api api;
  CHECK(detail(create_alert(api.context, api.alice,
                            R"({"symbol":"AAPL","condition":{"type":"above","price":150},
                                "expires_at":"2025-11-26T14:59:59Z"})"),
               400) == "expires_at: must be in the future");
  CHECK(detail(create_alert(api.context, api.alice,
                            R"({"symbol":"AAPL","condition":{"type":"above","price":150},
                                "expires_at":"tomorrow"})"),
               400)
            .rfind("expires_at: must be RFC 3339", 0) == 0);
}

TEST_CASE("expires_at stops at the last instant RFC 3339 can name", "[web]") {
  Api api;
  auto create_expiring = [&](const std::string& expires_at) {
    return create_alert(
        api.context, api.alice,
        R"({"symbol":"AAPL","condition":{"type":"above","price":150},"expires_at":)" + expires_at +
            "}");
  };
  const std::string too_late =
      "expires_at: must be at most 9999-12-31T23:59:59.999Z (Unix ms 253402300799999)";
  CHECK(detail(create_expiring("253402300800000"), 400) == too_late);
  CHECK(detail(create_expiring("9223372036854775807"), 400) == too_late);
  CHECK(detail(create_expiring("18446744073709551615"), 400) == too_late);
  CHECK(detail(create_expiring(R"("9999-12-31T23:59:59-01:00")"), 400) == too_late);
  CHECK(api.alerts.list_for_user(api.alice.id).empty());

  const json last = json::parse(create_expiring("253402300799999").body);
  CHECK(last["expires_at"] == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("PATCH changes a condition, bumps the revision and re-arms a triggered alert", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  const AlertId id = alert["id"];
  (void)api.alerts.modify(api.alice.id, id, api.clock.now_ms(), [](Alert& a) {
    a.state = AlertState::triggered;
    a.rearm_wait = RearmWait::below;
    return true;
  });
  ApiResponse r = patch_alert(api.context, api.alice, api.id_of(alert),
                              R"({"condition":{"type":"below","price":"140.5"}})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  json out = json::parse(r.body);
  CHECK(out["state"] == "armed");
  CHECK(out["rearm_wait"] == "none");
  CHECK(out["condition"]["type"] == "below");
  Alert armed = api.engine.armed().back();
  CHECK(armed.condition.price == *Price::parse("140.5"));
  CHECK(armed.revision == 2);
}

TEST_CASE("PATCH of the name alone keeps the state; null clears expires_at", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  ApiResponse r = patch_alert(api.context, api.alice, api.id_of(alert),
                              R"({"name":"renamed","expires_at":null})");
  REQUIRE(r.status == 200);
  json out = json::parse(r.body);
  CHECK(out["name"] == "renamed");
  CHECK(out["expires_at"].is_null());
  CHECK(out["state"] == "armed");
}

TEST_CASE("PATCH validates the body and names the field; nothing changes", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  const std::string id = api.id_of(alert);
  CHECK(detail(patch_alert(api.context, api.alice, id, R"({"colour":"red"})"), 400) ==
        "colour: unknown field");
  CHECK(detail(patch_alert(api.context, api.alice, id, R"({})"), 400) ==
        "body: must change at least one field");
  CHECK(
      detail(patch_alert(api.context, api.alice, id, R"({"condition":{"type":"above","price":0}})"),
             400) == "condition.price: must be greater than zero");
  CHECK(detail(patch_alert(api.context, api.alice, id, R"({"trigger":{"mode":"sometimes"}})"), 400)
            .rfind("trigger.mode:", 0) == 0);
  CHECK(api.alerts.find(api.alice.id, alert["id"])->revision == 0);
}

TEST_CASE("PATCH, pause and resume of another user's alert are 404", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  const std::string id = api.id_of(alert);
  CHECK(patch_alert(api.context, api.bob, id, R"({"name":"x"})").status == 404);
  CHECK(pause_alert(api.context, api.bob, id).status == 404);
  CHECK(resume_alert(api.context, api.bob, id).status == 404);
  CHECK(pause_alert(api.context, api.alice, "abc").status == 404);
  CHECK(api.alerts.find(api.alice.id, alert["id"])->state == AlertState::armed);
}

TEST_CASE("pause disarms an alert and resume arms it again", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  const AlertId id = alert["id"];
  ApiResponse paused = pause_alert(api.context, api.alice, api.id_of(alert));
  REQUIRE(paused.status == 200);
  CHECK(json::parse(paused.body)["state"] == "paused");
  CHECK(api.engine.disarmed() == std::vector<AlertId>{id});
  // An edit while paused keeps it paused.
  REQUIRE(patch_alert(api.context, api.alice, api.id_of(alert),
                      R"({"condition":{"type":"above","price":151}})")
              .status == 200);
  CHECK(api.alerts.find(api.alice.id, id)->state == AlertState::paused);
  ApiResponse resumed = resume_alert(api.context, api.alice, api.id_of(alert));
  REQUIRE(resumed.status == 200);
  CHECK(json::parse(resumed.body)["state"] == "armed");
  CHECK(api.engine.armed().back().id == id);
  CHECK(api.engine.armed().back().state == AlertState::armed);
}

TEST_CASE("only an armed alert can be paused", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  (void)api.alerts.modify(api.alice.id, alert["id"], api.clock.now_ms(), [](Alert& a) {
    a.state = AlertState::triggered;
    return true;
  });
  CHECK(detail(pause_alert(api.context, api.alice, api.id_of(alert)), 409) ==
        "alert " + api.id_of(alert) + " is triggered; only an armed alert can be paused");
}

TEST_CASE("an alert past expires_at reads as expired, is disarmed, and cannot resume", "[web]") {
  Api api;
  json alert = api.create(kRepeating);
  const AlertId id = alert["id"];
  api.clock.advance(1h);  // 16:00:00Z, the expiry
  ApiResponse r = get_alert(api.context, api.alice, api.id_of(alert));
  CHECK(json::parse(r.body)["state"] == "expired");
  CHECK(api.engine.disarmed() == std::vector<AlertId>{id});
  CHECK(detail(resume_alert(api.context, api.alice, api.id_of(alert)), 409)
            .find("expired at 2025-11-26T16:00:00.000Z") != std::string::npos);
  // A later expiry brings it back.
  ApiResponse later = patch_alert(api.context, api.alice, api.id_of(alert),
                                  R"({"expires_at":"2025-11-27T16:00:00Z"})");
  REQUIRE(later.status == 200);
  CHECK(json::parse(later.body)["state"] == "armed");
}
