// Specification of email channels' address check and RFC 5322 messages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "notify/email_message.hpp"
#include "notify/message_template.hpp"
#include "notify/webhook_signature.hpp"

using namespace bw;

namespace {

DueDelivery sample() {
  DueDelivery due;
  due.delivery.id = 42;
  due.channel.type = ChannelType::email;
  due.channel.target = "trader@example.com";
  due.notification.id = 7;
  due.notification.content = {
      3, 1, "AAPL", *Price::parse("150.25"), "AAPL crossed above 150.00 at 150.25", 0};
  due.alert = {3, "Apple <breakout> & more", "crossing_up", 15000000000, true};
  return due;
}

// The decoded base64 body of the part with `content_type`.
std::string part(const std::string& message, const std::string& content_type) {
  const auto header = message.find("Content-Type: " + content_type);
  REQUIRE(header != std::string::npos);
  const auto start = message.find("\r\n\r\n", header) + 4;
  const auto end = message.find("--bw-", start);
  std::string flat;
  for (char c : message.substr(start, end - start)) {
    if (c != '\r' && c != '\n') flat += c;
  }
  auto decoded = base64_decode(flat);
  REQUIRE(decoded);
  return *decoded;
}

}  // namespace

TEST_CASE("email addresses are checked and the error names the field", "[notify]") {
  for (const char* good : {"a@example.com", "first.last+tag@sub.example.co.uk", "x_y@a-b.io"}) {
    CHECK(check_email_address(good));
  }
  for (const char* bad : {"", "plain", "@example.com", "a@", "a@localhost", "a b@example.com",
                          "a@exa mple.com", "<a@example.com>", "a..b@example.com", "a@-example.com",
                          "a@example..com", "a@example.com\r\nBcc: x@y.z"}) {
    Status s = check_email_address(bad);
    CHECK_FALSE(s);
    CHECK(s.error().rfind("address:", 0) == 0);
  }
}

TEST_CASE("the message has Date, Message-ID and text and HTML parts", "[notify]") {
  const std::string m =
      build_email_message(sample(), "Bellwether <alerts@bw.example>", 1'764'169'200'000);
  CHECK(m.find("Date: Wed, 26 Nov 2025 15:00:00 +0000\r\n") != std::string::npos);
  CHECK(m.find("From: Bellwether <alerts@bw.example>\r\n") != std::string::npos);
  CHECK(m.find("To: trader@example.com\r\n") != std::string::npos);
  CHECK(m.find("Subject: [Bellwether] AAPL crossed above 150.00 at 150.25\r\n") !=
        std::string::npos);
  CHECK(m.find("Message-ID: <delivery-42@bw.example>\r\n") != std::string::npos);
  CHECK(m.find("Content-Type: multipart/alternative;") != std::string::npos);
  CHECK(part(m, "text/plain").find("Apple <breakout> & more") != std::string::npos);
  const std::string html = part(m, "text/html");
  CHECK(html.find("Apple &lt;breakout&gt; &amp; more") != std::string::npos);
  CHECK(html.find("<breakout>") == std::string::npos);
}

TEST_CASE("every attempt of a delivery has the same Message-ID", "[notify]") {
  const std::string a = build_email_message(sample(), "alerts@bw.example", 1000);
  const std::string b = build_email_message(sample(), "alerts@bw.example", 999000);
  const auto id = [](const std::string& m) {
    const auto at = m.find("Message-ID: ");
    return m.substr(at, m.find("\r\n", at) - at);
  };
  CHECK(id(a) == id(b));
}

TEST_CASE("a non-ASCII subject is RFC 2047 encoded", "[notify]") {
  DueDelivery due = sample();
  due.notification.content.message = "Zürich crossed";
  const std::string m = build_email_message(due, "alerts@bw.example", 0);
  CHECK(m.find("Subject: =?UTF-8?B?") != std::string::npos);
}

TEST_CASE("the generic JSON email API carries every part and a bearer key", "[notify]") {
  EmailApiRequest r = email_api_request(EmailApiFormat::json, sample(), "BW <a@bw.example>", "k1");
  CHECK(r.content_type == "application/json");
  CHECK(r.headers == std::vector<std::string>{"Authorization: Bearer k1"});
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["to"] == "trader@example.com");
  CHECK(body["from"] == "BW <a@bw.example>");
  CHECK(body["message_id"] == "<delivery-42@bw.example>");
  CHECK(body["html"].get<std::string>().find("&lt;breakout&gt;") != std::string::npos);
}

TEST_CASE("SendGrid v3 requests follow mail/send's shape", "[notify]") {
  EmailApiRequest r =
      email_api_request(EmailApiFormat::sendgrid, sample(), "BW Alerts <a@bw.example>", "SG.x");
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["personalizations"][0]["to"][0]["email"] == "trader@example.com");
  CHECK(body["from"] == nlohmann::json{{"email", "a@bw.example"}, {"name", "BW Alerts"}});
  CHECK(body["content"][0]["type"] == "text/plain");
  CHECK(body["content"][1]["type"] == "text/html");
  CHECK(r.headers == std::vector<std::string>{"Authorization: Bearer SG.x"});
}

TEST_CASE("Mailgun requests are form-encoded with basic auth", "[notify]") {
  EmailApiRequest r = email_api_request(EmailApiFormat::mailgun, sample(), "a@bw.example", "key-1");
  CHECK(r.content_type == "application/x-www-form-urlencoded");
  CHECK(r.basic_auth == "api:key-1");
  CHECK(r.body.rfind("from=a%40bw.example&to=trader%40example.com&subject=", 0) == 0);
  CHECK(r.body.find("&h%3AMessage-Id=%3Cdelivery-42%40bw.example%3E") == std::string::npos);
  CHECK(r.body.find("&h:Message-Id=%3Cdelivery-42%40bw.example%3E") != std::string::npos);
  CHECK(r.headers.empty());
}

TEST_CASE("Postmark requests carry the server token header", "[notify]") {
  EmailApiRequest r = email_api_request(EmailApiFormat::postmark, sample(), "a@bw.example", "pm");
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["To"] == "trader@example.com");
  CHECK(body["TextBody"].get<std::string>().find("AAPL crossed") != std::string::npos);
  CHECK(body["Headers"][0]["Value"] == "<delivery-42@bw.example>");
  CHECK(std::find(r.headers.begin(), r.headers.end(), "X-Postmark-Server-Token: pm") !=
        r.headers.end());
}

TEST_CASE("a rendered subject template replaces the default subject", "[notify][templates]") {
  DueDelivery due = sample();
  due.notification.content.email_subject = "AAPL breakout: 150.25";
  CHECK(email_content(due, "alerts@example.com").subject == "AAPL breakout: 150.25");
}

TEST_CASE("a rendered body template is the text part, escaped in the HTML part",
          "[notify][templates]") {
  DueDelivery due = sample();
  due.notification.content.email_body = "Alert <b>Apple</b> & co\nfired at 150.25";
  const EmailContent c = email_content(due, "alerts@example.com");
  CHECK(c.text.rfind("Alert <b>Apple</b> & co\r\nfired at 150.25\r\n", 0) == 0);
  CHECK(c.html.find("Alert &lt;b&gt;Apple&lt;/b&gt; &amp; co<br>\r\nfired at 150.25") !=
        std::string::npos);
  CHECK(c.html.find("<b>Apple") == std::string::npos);
  CHECK(c.text.find("Notification #7") != std::string::npos);
}

TEST_CASE("a digest shows each member in its alert's message template, escaped in HTML",
          "[notify][templates]") {
  // Two fires of alerts with different message templates, rendered as the
  // notifier renders them at commit (the stored message is what a digest shows).
  auto member = [](std::int64_t id, const std::string& name, const std::string& text_template,
                   const std::string& symbol, const char* price) {
    Fire fire;
    fire.alert_id = id;
    fire.user_id = 1;
    fire.symbol = symbol;
    fire.price = *Price::parse(price);
    fire.condition = Condition{ConditionType::above, *Price::parse("100")};
    AlertTexts texts;
    texts.alert_name = name;
    texts.user_name = "trader";
    texts.templates.message = text_template;
    NewNotification out{id, 1, symbol, fire.price, "default text", 0};
    render_alert_texts(fire, texts, out);
    DigestMember m;
    m.delivery_id = id * 10;
    m.notification = StoredNotification{id * 100, out};
    return m;
  };
  DueDigest due;
  due.digest.id = 5;
  due.channel.type = ChannelType::email;
  due.channel.target = "trader@example.com";
  due.members.push_back(
      member(1, "Apple <breakout>", "{{alert_name}}: {{symbol}} at {{price}}", "AAPL", "150.25"));
  due.members.push_back(member(2, "Tesla", "TSLA & friends moved to {{price}}", "TSLA", "201"));

  const EmailContent c = digest_email_content(due, "alerts@example.com");
  CHECK(c.text.find("- Apple <breakout>: AAPL at 150.25 (notification #100)") != std::string::npos);
  CHECK(c.text.find("- TSLA & friends moved to 201") != std::string::npos);
  CHECK(c.text.find("default text") == std::string::npos);
  CHECK(c.html.find("<li>Apple &lt;breakout&gt;: AAPL at 150.25 (notification #100)</li>") !=
        std::string::npos);
  CHECK(c.html.find("TSLA &amp; friends moved to 201") != std::string::npos);
  CHECK(c.html.find("<breakout>") == std::string::npos);
}
