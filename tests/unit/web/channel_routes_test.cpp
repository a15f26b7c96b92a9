// Specification of the channel and delivery handlers (web/channel_routes),
// called as plain functions over a real temporary database.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "notify/webhook_signature.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/recording_sinks.hpp"
#include "tests/support/temp_database.hpp"
#include "web/api_routes.hpp"
#include "web/channel_routes.hpp"

using namespace bw;
using nlohmann::json;

namespace {

struct Api {
  testing::TempDatabase temp;
  Accounts accounts{temp.db()};
  AlertRepository alerts{temp.db()};
  NotificationRepository notifications{temp.db()};
  ChannelRepository channels{temp.db()};
  DeliveryRepository deliveries{temp.db()};
  LastQuotes last_quotes;
  testing::RecordingQuoteSink quotes;
  testing::RecordingAlertEngine engine;
  testing::ManualClock clock;
  int wakes = 0;
  DeliveryContext delivery{channels, deliveries, clock, TargetPolicy{{"127.0.0.1"}},
                           [this] { ++wakes; }};
  ApiContext context{accounts, alerts, notifications, last_quotes, quotes,   engine,
                     clock,    8081,   "1.2.3",       nullptr,     &delivery};
  User alice = *accounts.create_user({"alice", false, std::nullopt, false}, 0);
  User bob = *accounts.create_user({"bob", false, std::nullopt, false}, 0);

  json webhook(const User& user, const std::string& url = "http://127.0.0.1:9/hook") {
    ApiResponse r = create_channel(delivery, user, json{{"type", "webhook"}, {"url", url}}.dump());
    REQUIRE(r.status == 201);
    return json::parse(r.body);
  }
};

std::string detail(const ApiResponse& r, int status) {
  REQUIRE(r.status == status);
  CHECK(r.content_type == "application/problem+json");
  return json::parse(r.body)["detail"].get<std::string>();
}

}  // namespace

TEST_CASE("creating a webhook channel shows its signing secret once", "[web]") {
  Api api;
  json created = api.webhook(api.alice);
  CHECK(created["type"] == "webhook");
  CHECK(created["enabled"] == true);
  REQUIRE(created["secret"].is_string());
  CHECK(webhook_secret_key(created["secret"].get<std::string>()));
  json listed = json::parse(list_channels(api.delivery, api.alice).body);
  REQUIRE(listed["items"].size() == 1);
  CHECK_FALSE(listed["items"][0].contains("secret"));
  json one = json::parse(
      get_channel(api.delivery, api.alice, std::to_string(created["id"].get<int>())).body);
  CHECK_FALSE(one.contains("secret"));
  CHECK(one["url"] == "http://127.0.0.1:9/hook");
}

TEST_CASE("bad channel requests are 400s naming the field", "[web]") {
  Api api;
  auto create = [&](const std::string& body) {
    return create_channel(api.delivery, api.alice, body);
  };
  CHECK(detail(create("{"), 400).rfind("body:", 0) == 0);
  CHECK(detail(create("[]"), 400).rfind("body:", 0) == 0);
  CHECK(detail(create(R"({"url":"http://127.0.0.1/x"})"), 400) == "type: is required");
  CHECK(detail(create(R"({"type":"sms"})"), 400).rfind("type:", 0) == 0);
  CHECK(detail(create(R"({"type":"email","address":"a@b.c"})"), 400).rfind("type:", 0) == 0);
  CHECK(detail(create(R"({"type":"webhook"})"), 400) == "url: is required");
  CHECK(detail(create(R"({"type":"webhook","url":7})"), 400) == "url: must be a string");
  CHECK(
      detail(create(R"({"type":"webhook","url":"http://192.168.0.1/x"})"), 400).rfind("url:", 0) ==
      0);
  CHECK(detail(create(R"({"type":"webhook","url":"http://127.0.0.1/x","x":1})"), 400) ==
        "x: unknown field");
  CHECK(api.channels.list_for_user(api.alice.id).empty());
}

TEST_CASE("another user's channel is a 404 and cannot be named by an alert", "[web]") {
  Api api;
  const std::string id = std::to_string(api.webhook(api.alice)["id"].get<int>());
  detail(get_channel(api.delivery, api.bob, id), 404);
  detail(delete_channel(api.delivery, api.bob, id), 404);
  detail(get_channel(api.delivery, api.alice, "abc"), 404);
  ApiResponse alert = create_alert(
      api.context, api.bob,
      R"({"symbol":"AAPL","condition":{"type":"above","price":1},"channels":[)" + id + "]}");
  CHECK(detail(alert, 400) == "channels: no channel " + id);
  CHECK(api.alerts.list_for_user(api.bob.id).empty());
  CHECK(api.engine.armed().empty());
}

TEST_CASE("an alert names its channels and shows them", "[web]") {
  Api api;
  const int id = api.webhook(api.alice)["id"].get<int>();
  ApiResponse r =
      create_alert(api.context, api.alice,
                   R"({"symbol":"AAPL","condition":{"type":"above","price":1},"channels":[)" +
                       std::to_string(id) + "]}");
  REQUIRE(r.status == 201);
  json alert = json::parse(r.body);
  CHECK(alert["channels"] == json::array({id}));
  CHECK(json::parse(list_alerts(api.context, api.alice).body)["items"][0]["channels"] ==
        json::array({id}));
  CHECK(detail(create_alert(api.context, api.alice,
                            R"({"symbol":"AAPL","condition":{"type":"above","price":1},)"
                            R"("channels":["x"]})"),
               400) == "channels[0]: must be a channel id");
}

TEST_CASE("deliveries are listed per notification and retried by their owner", "[web]") {
  Api api;
  const int channel = api.webhook(api.alice)["id"].get<int>();
  json alert = json::parse(
      create_alert(api.context, api.alice,
                   R"({"symbol":"AAPL","condition":{"type":"above","price":1},"channels":[)" +
                       std::to_string(channel) + "]}")
          .body);
  auto stored = api.notifications.record_fires(
      {{alert["id"].get<AlertId>(), api.alice.id, "AAPL", *Price::parse("2"), "m", 5}});
  REQUIRE(stored.size() == 1);
  const std::string n = std::to_string(stored[0].id);
  json list = json::parse(list_deliveries(api.delivery, api.alice, n).body);
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["status"] == "pending");
  const std::string d = std::to_string(list["items"][0]["id"].get<int>());
  detail(list_deliveries(api.delivery, api.bob, n), 404);
  detail(retry_delivery(api.delivery, api.bob, d), 404);
  ApiResponse retried = retry_delivery(api.delivery, api.alice, d);
  CHECK(retried.status == 202);
  CHECK(api.wakes == 1);
  AttemptOutcome done;
  done.id = std::stoll(d);
  done.status = DeliveryStatus::delivered;
  (void)api.deliveries.record_attempts({done}, 10);
  CHECK(detail(retry_delivery(api.delivery, api.alice, d), 409) == "status: already delivered");
}
