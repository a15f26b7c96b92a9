// Specification of bw::AlertMessageRepository and of record_fires rendering a
// fire from its alert's templates inside the commit transaction.
#include <catch2/catch.hpp>

#include "store/alert_message_repository.hpp"
#include "tests/unit/store/store_fixtures.hpp"

using namespace bw;
using bw::testing::TwoUsers;

namespace {

AlertTemplates message_only(std::string text) {
  AlertTemplates t;
  t.message = std::move(text);
  return t;
}

// A renderer that records what it was given and writes recognisable text.
struct RecordingRenderer {
  std::vector<std::pair<std::size_t, AlertTexts>> calls;
  FireTextRenderer callback() {
    return [this](std::size_t index, const AlertTexts& texts, NewNotification& out) {
      calls.emplace_back(index, texts);
      out.message = "rendered " + *texts.templates.message;
      out.email_subject = "subject for " + texts.user_name;
      out.email_body = "body for " + texts.alert_name;
    };
  }
};

}  // namespace

TEST_CASE("an alert without templates has none", "[store][templates]") {
  TwoUsers store;
  AlertMessageRepository messages(store.temp.db());
  CHECK(messages.find(store.alice, store.armed(store.alice).id).empty());
}

TEST_CASE("saved templates are found again and can be cleared", "[store][templates]") {
  TwoUsers store;
  AlertMessageRepository messages(store.temp.db());
  const AlertId id = store.armed(store.alice).id;
  AlertTemplates t = message_only("{{symbol}}");
  t.email_body = "body";
  REQUIRE(messages.save(store.alice, id, t));
  CHECK(messages.find(store.alice, id) == t);
  REQUIRE(messages.save(store.alice, id, AlertTemplates{}));
  CHECK(messages.find(store.alice, id).empty());
}

TEST_CASE("another user's alert templates can be neither read nor written", "[store][templates]") {
  TwoUsers store;
  AlertMessageRepository messages(store.temp.db());
  const AlertId id = store.armed(store.alice).id;
  REQUIRE(messages.save(store.alice, id, message_only("mine")));
  CHECK(messages.find(store.bob, id).empty());
  CHECK_FALSE(messages.save(store.bob, id, message_only("theirs")));
  CHECK(*messages.find(store.alice, id).message == "mine");
}

TEST_CASE("deleting an alert deletes its templates", "[store][templates]") {
  TwoUsers store;
  AlertMessageRepository messages(store.temp.db());
  const AlertId id = store.armed(store.alice).id;
  REQUIRE(messages.save(store.alice, id, message_only("x")));
  REQUIRE(store.alerts.remove(store.alice, id));
  CHECK_FALSE(messages.save(store.alice, id, message_only("y")));
  CHECK(messages.find(store.alice, id).empty());
}

TEST_CASE("record_fires renders fires of templated alerts and stores the texts",
          "[store][templates]") {
  TwoUsers store;
  AlertMessageRepository messages(store.temp.db());
  const Alert plain = store.armed(store.alice, "MSFT");
  const Alert templated = store.armed(store.alice, "AAPL");
  REQUIRE(messages.save(store.alice, templated.id, message_only("{{symbol}}")));
  RecordingRenderer renderer;

  std::vector<StoredNotification> stored = store.notifications.record_fires(
      {store.fire_of(plain), store.fire_of(templated)}, renderer.callback());

  REQUIRE(stored.size() == 2);
  REQUIRE(renderer.calls.size() == 1);
  CHECK(renderer.calls[0].first == 1);
  CHECK(renderer.calls[0].second.alert_name == "AAPL 150");
  CHECK(renderer.calls[0].second.user_name == "alice");
  CHECK(stored[0].content.message == "MSFT fired at 150.25");
  CHECK(stored[0].content.email_subject.empty());
  CHECK(stored[1].content.message == "rendered {{symbol}}");
  // The rendered texts are what later reads (the outbox, the stream replay) see.
  std::vector<StoredNotification> page = store.notifications.list_after(store.alice, 0, 10);
  REQUIRE(page.size() == 2);
  CHECK(page[1].content.message == "rendered {{symbol}}");
  CHECK(page[1].content.email_subject == "subject for alice");
  CHECK(page[1].content.email_body == "body for AAPL 150");
  CHECK(page[0].content.email_body.empty());
}

TEST_CASE("record_fires without a renderer keeps the default text", "[store][templates]") {
  TwoUsers store;
  AlertMessageRepository messages(store.temp.db());
  const Alert alert = store.armed(store.alice);
  REQUIRE(messages.save(store.alice, alert.id, message_only("{{symbol}}")));
  std::vector<StoredNotification> stored = store.notifications.record_fires({store.fire_of(alert)});
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].content.message == "AAPL fired at 150.25");
}
