// Specification of the REST handlers, called as plain functions with an
// ApiContext of a real temporary database and recording fakes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rules/time_text.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/recording_sinks.hpp"
#include "tests/support/temp_database.hpp"
#include "web/api_routes.hpp"
#include "web/ingest_routes.hpp"
#include "web/json_codec.hpp"

using namespace bw;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// A NewUser with only a name (and the admin flag) set.
NewUser new_user(std::string name, bool admin = false) {
  NewUser user;
  user.name = std::move(name);
  user.admin = admin;
  return user;
}

// One API under test: the store, the fakes, and three users.
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
  User alice = *accounts.create_user(new_user("alice"), clock.now_ms());
  User bob = *accounts.create_user(new_user("bob"), clock.now_ms());
  User admin = *accounts.create_user(new_user("admin", true), clock.now_ms());

  // Creates an alert through the handler; returns its id.
  AlertId create(const User& user, const std::string& symbol = "AAPL") {
    ApiResponse r =
        create_alert(context, user,
                     R"({"symbol":")" + symbol + R"(","condition":{"type":"above","price":150}})");
    REQUIRE(r.status == 201);
    return json::parse(r.body)["id"].get<AlertId>();
  }
};

json body_of(const ApiResponse& response) {
  return json::parse(response.body);
}

// A 4xx/5xx must be problem+json; returns its detail.
std::string problem_detail(const ApiResponse& response, int status) {
  REQUIRE(response.status == status);
  CHECK(response.content_type == "application/problem+json");
  json body = body_of(response);
  CHECK(body["status"] == status);
  CHECK(body["type"] == "about:blank");
  return body["detail"].get<std::string>();
}

std::optional<std::string> header(const ApiResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("create_alert stores the alert, arms it and answers 201 with a Location", "[web]") {
  Api api;
  ApiResponse r = create_alert(api.context, api.alice,
                               R"({"symbol":"aapl","name":"lunch",
                                   "condition":{"type":"crossing_up","price":"150.10"}})");
  REQUIRE(r.status == 201);
  CHECK(r.content_type == "application/json");
  json body = body_of(r);
  const AlertId id = body["id"].get<AlertId>();
  CHECK(header(r, "Location") == "/api/v1/alerts/" + std::to_string(id));
  CHECK(body["symbol"] == "AAPL");
  CHECK(body["name"] == "lunch");
  CHECK(body["state"] == "armed");
  CHECK(body["condition"]["type"] == "crossing_up");
  CHECK(body["created_at"] == format_rfc3339(api.clock.now_ms()));

  std::optional<Alert> stored = api.alerts.find(api.alice.id, id);
  REQUIRE(stored);
  CHECK(stored->condition.price == *Price::parse("150.10"));
  REQUIRE(api.engine.armed().size() == 1);
  CHECK(api.engine.armed()[0].id == id);
  CHECK(api.engine.armed()[0].user_id == api.alice.id);
  CHECK(api.engine.armed()[0].state == AlertState::armed);
}

TEST_CASE("create_alert with a bad body answers 400 naming the field and changes nothing",
          "[web]") {
  Api api;
  const std::pair<const char*, const char*> cases[] = {
      {R"({"condition":{"type":"above","price":150}})", "symbol: is required"},
      {R"({"symbol":"AAPL","condition":{"type":"above","price":-1}})",
       "condition.price: must be greater than zero"},
      {R"({"symbol":"AAPL","condition":{"type":"up","price":1}})", "condition.type: unknown type"},
      {R"({"symbol":"AAPL","condition":{"type":"above","price":1},"x":1})", "x: unknown field"},
      {R"({"symbol":"AAPL",)", "body: invalid JSON"},
      {"", "body: is empty"},
      {"[1]", "body: must be a JSON object"},
  };
  for (const auto& [body, detail] : cases) {
    INFO(body);
    CHECK_THAT(problem_detail(create_alert(api.context, api.alice, body), 400),
               Catch::StartsWith(detail));
  }
  CHECK(api.alerts.list_for_user(api.alice.id).empty());
  CHECK(api.engine.armed().empty());
}

TEST_CASE("create_alert refuses JSON nested deeper than the limit", "[web]") {
  Api api;
  std::string deep = std::string(100, '[') + std::string(100, ']');
  CHECK(problem_detail(create_alert(api.context, api.alice, deep), 400) ==
        "body: JSON nested too deeply");
  CHECK(api.engine.armed().empty());
}

TEST_CASE("list_alerts shows only the caller's alerts", "[web]") {
  Api api;
  AlertId mine = api.create(api.alice, "AAPL");
  api.create(api.bob, "MSFT");

  ApiResponse r = list_alerts(api.context, api.alice);
  REQUIRE(r.status == 200);
  json items = body_of(r)["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["id"] == mine);
  CHECK(items[0]["symbol"] == "AAPL");
}

namespace {

// Every page of alice's alerts at `limit`, following next_cursor.
std::vector<std::vector<AlertId>> pages_of(Api& api, std::size_t limit) {
  std::vector<std::vector<AlertId>> pages;
  PageRequest page{limit, std::nullopt};
  for (int guard = 0; guard < 100; ++guard) {
    json body = body_of(list_alerts(api.context, api.alice, page));
    std::vector<AlertId> ids;
    for (const json& item : body["items"]) ids.push_back(item["id"].get<AlertId>());
    pages.push_back(ids);
    if (body["next_cursor"].is_null()) break;
    page.cursor = std::stoll(body["next_cursor"].get<std::string>());
  }
  return pages;
}

}  // namespace

TEST_CASE("list_alerts of a user without alerts is one empty page with no next_cursor", "[web]") {
  Api api;
  api.create(api.bob);
  json body = body_of(list_alerts(api.context, api.alice, PageRequest{10, std::nullopt}));
  CHECK(body["items"].empty());
  CHECK(body["next_cursor"].is_null());
}

TEST_CASE("list_alerts on an exact page boundary ends without an empty extra page", "[web]") {
  Api api;
  std::vector<AlertId> made;
  for (int i = 0; i < 4; ++i) made.push_back(api.create(api.alice));
  api.create(api.bob);
  auto pages = pages_of(api, 2);
  REQUIRE(pages.size() == 2);
  CHECK(pages[0] == std::vector<AlertId>{made[0], made[1]});
  CHECK(pages[1] == std::vector<AlertId>{made[2], made[3]});
  CHECK(pages_of(api, 4).size() == 1);
  CHECK(pages_of(api, 3).back() == std::vector<AlertId>{made[3]});
}

TEST_CASE("list_alerts continues after a cursor whose alert was deleted", "[web]") {
  Api api;
  AlertId first = api.create(api.alice);
  AlertId second = api.create(api.alice);
  AlertId third = api.create(api.alice);
  json page = body_of(list_alerts(api.context, api.alice, PageRequest{2, std::nullopt}));
  REQUIRE(page["items"][0]["id"] == first);
  REQUIRE(page["next_cursor"] == std::to_string(second));
  REQUIRE(delete_alert(api.context, api.alice, std::to_string(second)).status == 204);
  json next = body_of(list_alerts(api.context, api.alice, PageRequest{2, second}));
  REQUIRE(next["items"].size() == 1);
  CHECK(next["items"][0]["id"] == third);
  CHECK(next["next_cursor"].is_null());
}

TEST_CASE("get_alert finds the caller's alert and hides everyone else's", "[web]") {
  Api api;
  AlertId id = api.create(api.alice);
  CHECK(get_alert(api.context, api.alice, std::to_string(id)).status == 200);
  CHECK(body_of(get_alert(api.context, api.alice, std::to_string(id)))["id"] == id);
  CHECK_THAT(problem_detail(get_alert(api.context, api.bob, std::to_string(id)), 404),
             Catch::Contains("not found"));
  for (const char* bad : {"", "abc", "0", "-1", "1x", "99999"}) {
    INFO(bad);
    CHECK(get_alert(api.context, api.alice, bad).status == 404);
  }
}

TEST_CASE("delete_alert removes the caller's alert, disarms it and answers 204", "[web]") {
  Api api;
  AlertId id = api.create(api.alice);
  ApiResponse r = delete_alert(api.context, api.alice, std::to_string(id));
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK_FALSE(api.alerts.find(api.alice.id, id));
  CHECK(api.engine.disarmed() == std::vector<AlertId>{id});
}

TEST_CASE("deleting another user's alert answers 404 and neither removes nor disarms it", "[web]") {
  Api api;
  AlertId id = api.create(api.alice);
  problem_detail(delete_alert(api.context, api.bob, std::to_string(id)), 404);
  CHECK(api.alerts.find(api.alice.id, id));
  CHECK(api.engine.disarmed().empty());
}

TEST_CASE("deleting a missing or malformed alert id answers 404 without disarming", "[web]") {
  Api api;
  for (const char* bad : {"", "abc", "0", "-3", "12abc", "424242"}) {
    INFO(bad);
    CHECK(delete_alert(api.context, api.alice, bad).status == 404);
  }
  CHECK(api.engine.disarmed().empty());
}

TEST_CASE("push_quotes by a user who is not an admin answers 403", "[web]") {
  Api api;
  CHECK_THAT(problem_detail(
                 push_quotes(api.context, api.alice, R"([{"symbol":"AAPL","price":150}])"), 403),
             Catch::Contains("admin"));
  CHECK(api.quotes.size() == 0);
}

TEST_CASE("push_quotes publishes a valid batch as source push and answers 202", "[web]") {
  Api api;
  ApiResponse r = push_quotes(api.context, api.admin,
                              R"([{"symbol":"aapl","price":150.25,"volume":10},
                                  {"symbol":"MSFT","price":400,"ts":"2025-11-26T14:59:00Z"}])");
  REQUIRE(r.status == 202);
  CHECK(body_of(r) == json{{"accepted", 2}});
  std::vector<Quote> published = api.quotes.quotes();
  REQUIRE(published.size() == 2);
  CHECK(published[0].symbol == "AAPL");
  CHECK(published[0].price == *Price::parse("150.25"));
  CHECK(published[0].volume == 10);
  CHECK(published[0].ts_ms == api.clock.now_ms());
  CHECK(published[1].symbol == "MSFT");
  CHECK(published[1].ts_ms == api.clock.now_ms() - 60'000);
  CHECK(api.quotes.sources() == std::vector<std::string>{"push", "push"});
}

TEST_CASE("a batch with bad items answers 400 listing every bad index and publishes nothing",
          "[web]") {
  Api api;
  std::string detail = problem_detail(push_quotes(api.context, api.admin, R"([
      {"symbol":"AAPL","price":150},
      {"symbol":"AAPL","price":0},
      {"symbol":"MSFT","price":400},
      {"price":1},
      {"symbol":"NVDA","price":130,"volume":-5}
  ])"),
                                      400);
  CHECK(detail ==
        "[1] price: must be greater than zero; [3] symbol: is required; "
        "[4] volume: must not be negative");
  CHECK(api.quotes.size() == 0);
}

TEST_CASE("pushed quotes are validated against the server clock", "[web]") {
  Api api;
  const std::string future = format_rfc3339(api.clock.now_ms() + 10 * 60'000);
  std::string detail =
      problem_detail(push_quotes(api.context, api.admin,
                                 R"([{"symbol":"AAPL","price":150,"ts":")" + future + R"("}])"),
                     400);
  CHECK_THAT(detail, Catch::StartsWith("[0] ts: is more than 300 s in the future"));
  CHECK(api.quotes.size() == 0);
}

TEST_CASE("push_quotes needs a non-empty JSON array", "[web]") {
  Api api;
  CHECK(problem_detail(push_quotes(api.context, api.admin, R"({"symbol":"AAPL"})"), 400) ==
        "body: must be a JSON array of quotes");
  CHECK(problem_detail(push_quotes(api.context, api.admin, "[]"), 400) ==
        "body: must contain at least one quote");
  CHECK_THAT(problem_detail(push_quotes(api.context, api.admin, "[{"), 400),
             Catch::StartsWith("body: invalid JSON"));
  CHECK(api.quotes.size() == 0);
}

TEST_CASE("push_quotes refuses more quotes than one request may carry", "[web]") {
  Api api;
  json batch = json::array();
  for (std::size_t i = 0; i <= kMaxQuotesPerRequest; ++i) {
    batch.push_back({{"symbol", "AAPL"}, {"price", 1}});
  }
  CHECK_THAT(problem_detail(push_quotes(api.context, api.admin, batch.dump()), 400),
             Catch::StartsWith("body: at most"));
  CHECK(api.quotes.size() == 0);
}

TEST_CASE("push_quotes answers 503 with Retry-After when the engine queue is full", "[web]") {
  Api api;
  api.quotes.refuse(true);
  ApiResponse r = push_quotes(api.context, api.admin, R"([{"symbol":"AAPL","price":150}])");
  CHECK_THAT(problem_detail(r, 503), Catch::Contains("accepted 0 of 1 quotes; resend [0]"));
  CHECK(header(r, "Retry-After") == "1");
}

TEST_CASE("a push the engine queue refuses in part names the quotes to resend", "[web]") {
  Api api;
  EngineQueue queue(1);  // room for one pending entry
  IngestHub hub(queue, std::chrono::milliseconds(1));
  ApiContext context{api.accounts,    api.alerts, api.notifications,
                     api.last_quotes, hub,        api.engine,
                     api.clock,       8081,       "1.2.3"};
  // AAPL queues, its second quote merges into it, MSFT finds no room.
  ApiResponse json_push = push_quotes(context, api.admin, R"([
      {"symbol":"AAPL","price":150},{"symbol":"MSFT","price":400},{"symbol":"AAPL","price":151}])");
  CHECK(problem_detail(json_push, 503) ==
        "engine queue is full; accepted 2 of 3 quotes; resend [1]");
  CHECK(header(json_push, "Retry-After") == "1");

  ApiResponse ndjson_push = push_quotes_ndjson(
      context, api.admin,
      "{\"symbol\":\"AAPL\",\"price\":152}\n\n{\"symbol\":\"NVDA\",\"price\":130}\n");
  CHECK(problem_detail(ndjson_push, 503) ==
        "engine queue is full; accepted 1 of 2 quotes; resend [line 3]");
}

TEST_CASE("get_quote returns the last quote of a symbol", "[web]") {
  Api api;
  api.last_quotes.update(Quote::trade("AAPL", *Price::parse("150.25"), 5, api.clock.now_ms()));
  ApiResponse r = get_quote(api.context, "aapl");
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["price"] == 150.25);
  CHECK(body_of(r)["symbol"] == "AAPL");
}

TEST_CASE("get_quote answers 404 for an unseen symbol and 400 for a bad one", "[web]") {
  Api api;
  CHECK_THAT(problem_detail(get_quote(api.context, "MSFT"), 404), Catch::Contains("MSFT"));
  CHECK_THAT(problem_detail(get_quote(api.context, "MS FT"), 400), Catch::StartsWith("symbol:"));
}

TEST_CASE("list_notifications returns the caller's newest notifications first", "[web]") {
  Api api;
  std::vector<NewNotification> fires;
  for (const char* message : {"m0", "m1", "m2"}) {
    AlertId id = api.create(api.alice);
    fires.push_back({id, api.alice.id, "AAPL", *Price::parse("151"), message, api.clock.now_ms()});
  }
  fires.push_back(
      {api.create(api.bob), api.bob.id, "AAPL", *Price::parse("151"), "bob's", api.clock.now_ms()});
  REQUIRE(api.notifications.record_fires(fires).size() == 4);

  json all = body_of(list_notifications(api.context, api.alice, nullptr))["items"];
  REQUIRE(all.size() == 3);
  CHECK(all[0]["message"] == "m2");
  CHECK(all[2]["message"] == "m0");

  const std::string two = "2";
  json page = body_of(list_notifications(api.context, api.alice, &two))["items"];
  REQUIRE(page.size() == 2);
  CHECK(page[0]["message"] == "m2");
}

TEST_CASE("list_notifications rejects a limit outside 1 to 500", "[web]") {
  Api api;
  for (const std::string limit :
       {"0", "501", "-1", "abc", "", "10x", " 5", "1.5", "99999999999999999999"}) {
    INFO("limit \"" << limit << "\"");
    CHECK(problem_detail(list_notifications(api.context, api.alice, &limit), 400) ==
          "limit: must be a whole number from 1 to 500");
  }
  for (const std::string limit : {"1", "500"}) {
    CHECK(list_notifications(api.context, api.alice, &limit).status == 200);
  }
}

TEST_CASE("get_info and get_me describe the server and the caller", "[web]") {
  Api api;
  CHECK(body_of(get_info(api.context)) ==
        json{{"name", "bellwether"}, {"version", "1.2.3"}, {"stream_port", 8081}});
  CHECK(body_of(get_me(api.admin)) == json{{"id", api.admin.id},
                                           {"name", "admin"},
                                           {"admin", true},
                                           {"must_change_password", false}});
}

TEST_CASE("a store failure surfaces as SqliteError before anything is armed", "[web]") {
  Api api;
  api.temp.db().write([](sql::Connection& c) { c.exec("DROP TABLE alerts"); });
  CHECK_THROWS_AS(create_alert(api.context, api.alice,
                               R"({"symbol":"AAPL","condition":{"type":"above","price":1}})"),
                  sql::SqliteError);
  CHECK(api.engine.armed().empty());
}
