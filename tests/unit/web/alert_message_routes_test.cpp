// Specification of message templates over the API: create and PATCH accept
// the template fields, refuse a bad placeholder with a 400 naming the field,
// and change nothing when they refuse.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "tests/support/manual_clock.hpp"
#include "tests/support/recording_sinks.hpp"
#include "tests/support/temp_database.hpp"
#include "web/alert_edit_routes.hpp"
#include "web/api_routes.hpp"

using namespace bw;
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
  AlertMessageRepository messages{temp.db()};
  NotificationRepository notifications{temp.db()};
  LastQuotes last_quotes;
  testing::RecordingQuoteSink quotes;
  testing::RecordingAlertEngine engine;
  testing::ManualClock clock;
  ApiContext context = with_messages(ApiContext{accounts, alerts, notifications, last_quotes,
                                                quotes, engine, clock, 8081, "1.2.3"});
  ApiContext with_messages(ApiContext base) {
    base.messages = &messages;
    return base;
  }
  User alice = *accounts.create_user(named("alice"), clock.now_ms());
  User bob = *accounts.create_user(named("bob"), clock.now_ms());

  ApiResponse create(const json& extra) {
    json body = {{"symbol", "AAPL"}, {"condition", {{"type", "above"}, {"price", 150}}}};
    body.update(extra);
    return create_alert(context, alice, body.dump());
  }
  ApiResponse patch(const std::string& id, const json& body, const User* user = nullptr) {
    return patch_alert(context, user ? *user : alice, id, body.dump());
  }
};

json body_of(const ApiResponse& r, int status) {
  INFO(r.body);
  REQUIRE(r.status == status);
  return json::parse(r.body);
}

std::string id_of(const json& alert) {
  return std::to_string(alert["id"].get<AlertId>());
}

}  // namespace

TEST_CASE("an alert is created with templates and echoes them", "[web][templates]") {
  Api api;
  json alert = body_of(api.create({{"message_template", "{{symbol}} at {{price}}"},
                                   {"email_subject_template", "[BW] {{alert_name}}"}}),
                       201);
  CHECK(alert["message_template"] == "{{symbol}} at {{price}}");
  CHECK(alert["email_subject_template"] == "[BW] {{alert_name}}");
  CHECK(alert["email_body_template"].is_null());
}

TEST_CASE("an alert without templates shows them as null", "[web][templates]") {
  Api api;
  json alert = body_of(api.create(json::object()), 201);
  CHECK(alert["message_template"].is_null());
  CHECK(alert["email_body_template"].is_null());
}

TEST_CASE("creating with an unknown placeholder is a 400 naming the field and saves nothing",
          "[web][templates]") {
  Api api;
  json problem = body_of(api.create({{"email_body_template", "Hi {{usr}}"}}), 400);
  CHECK(problem["detail"].get<std::string>().rfind(
            "email_body_template: unknown placeholder {{usr}} at character 4", 0) == 0);
  CHECK(api.alerts.list_for_user(api.alice.id).empty());
  CHECK(api.engine.armed().empty());
}

TEST_CASE("a template that is not a string is a 400", "[web][templates]") {
  Api api;
  json problem = body_of(api.create({{"message_template", 5}}), 400);
  CHECK(problem["detail"] == "message_template: must be a string or null");
}

TEST_CASE("PATCH of templates alone changes them without re-arming the alert", "[web][templates]") {
  Api api;
  json alert = body_of(api.create(json::object()), 201);
  const std::size_t arms = api.engine.armed().size();
  json patched = body_of(api.patch(id_of(alert), {{"message_template", "{{symbol}}!"}}), 200);
  CHECK(patched["message_template"] == "{{symbol}}!");
  CHECK(api.engine.armed().size() == arms);
  CHECK(api.alerts.find(api.alice.id, alert["id"])->revision == 0);
}

TEST_CASE("PATCH null restores the default text", "[web][templates]") {
  Api api;
  json alert = body_of(api.create({{"message_template", "x {{symbol}}"}}), 201);
  json patched = body_of(api.patch(id_of(alert), {{"message_template", nullptr}}), 200);
  CHECK(patched["message_template"].is_null());
  CHECK(api.messages.find(api.alice.id, alert["id"]).empty());
}

TEST_CASE("PATCH with a malformed placeholder is a 400 and changes nothing", "[web][templates]") {
  Api api;
  json alert = body_of(api.create({{"message_template", "{{symbol}}"}}), 201);
  json problem = body_of(
      api.patch(id_of(alert), {{"name", "renamed"}, {"message_template", "{{symbol"}}), 400);
  CHECK(problem["detail"] == "message_template: unclosed placeholder {{ at character 1");
  CHECK(api.alerts.find(api.alice.id, alert["id"])->name.empty());
  CHECK(*api.messages.find(api.alice.id, alert["id"]).message == "{{symbol}}");
}

TEST_CASE("PATCH of templates together with other fields saves both", "[web][templates]") {
  Api api;
  json alert = body_of(api.create(json::object()), 201);
  json patched = body_of(
      api.patch(id_of(alert), {{"name", "Breakout"}, {"email_body_template", "{{user}}"}}), 200);
  CHECK(patched["name"] == "Breakout");
  CHECK(patched["email_body_template"] == "{{user}}");
}

TEST_CASE("another user's alert templates are a 404 to PATCH", "[web][templates]") {
  Api api;
  json alert = body_of(api.create(json::object()), 201);
  body_of(api.patch(id_of(alert), {{"message_template", "{{symbol}}"}}, &api.bob), 404);
  CHECK(api.messages.find(api.alice.id, alert["id"]).empty());
}
