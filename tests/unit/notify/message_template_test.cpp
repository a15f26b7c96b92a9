// Specification of message templates: what a user may write, and what a fire
// renders (notify/message_template.hpp).
#include <catch2/catch.hpp>

#include <string>

#include "notify/message_template.hpp"

using namespace bw;

namespace {

Fire aapl_fire() {
  Fire f;
  f.alert_id = 7;
  f.user_id = 2;
  f.symbol = "AAPL";
  f.condition = Condition{ConditionType::crossing_up, *Price::parse("150")};
  f.direction = Direction::up;
  f.price = *Price::parse("151.5");
  f.ts_ms = 1764169200123;  // 2025-11-26 15:00:00.123 UTC
  f.prev_close = *Price::parse("150");
  return f;
}

MessageFacts facts() {
  return message_facts(aapl_fire(), "Breakout", "alice");
}

}  // namespace

TEST_CASE("every placeholder renders its value", "[notify][templates]") {
  CHECK(render_template("{{symbol}}|{{price}}|{{condition}}|{{threshold}}|{{change_pct}}|"
                        "{{time}}|{{alert_name}}|{{user}}",
                        facts()) ==
        "AAPL|151.50|crossed above|150.00|+1.00|2025-11-26 15:00:00 UTC|Breakout|alice");
}

TEST_CASE("spaces inside the braces are allowed", "[notify][templates]") {
  CHECK(render_template("{{ symbol }} at {{price }}", facts()) == "AAPL at 151.50");
  CHECK(check_template(TemplateField::message, "{{ symbol }} at {{price }}").ok());
}

TEST_CASE("text around placeholders is kept as written", "[notify][templates]") {
  CHECK(render_template("Heads up: {{symbol}}!", facts()) == "Heads up: AAPL!");
  CHECK(render_template("no placeholders } { }}", facts()) == "no placeholders } { }}");
}

TEST_CASE("a channel threshold renders as lower-upper", "[notify][templates]") {
  Fire f = aapl_fire();
  f.condition =
      Condition{ConditionType::inside_channel, *Price::parse("140"), *Price::parse("150")};
  CHECK(message_facts(f, "", "bob").threshold == "140.00-150.00");
}

TEST_CASE("an unnamed alert renders as 'alert #id'", "[notify][templates]") {
  CHECK(message_facts(aapl_fire(), "", "alice").alert_name == "alert #7");
}

TEST_CASE("change_pct is signed with two decimals, rounded half away from zero",
          "[notify][templates]") {
  CHECK(change_percent_text(*Price::parse("151.5"), *Price::parse("150")) == "+1.00");
  CHECK(change_percent_text(*Price::parse("149.25"), *Price::parse("150")) == "-0.50");
  CHECK(change_percent_text(*Price::parse("150"), *Price::parse("150")) == "0.00");
  CHECK(change_percent_text(*Price::parse("1.00015"), *Price::parse("1")) == "+0.02");
  CHECK(change_percent_text(*Price::parse("0.99985"), *Price::parse("1")) == "-0.02");
  CHECK(change_percent_text(*Price::parse("300"), *Price::parse("100")) == "+200.00");
}

TEST_CASE("change_pct is n/a when the previous close is unknown", "[notify][templates]") {
  Fire f = aapl_fire();
  f.prev_close = Price{};
  CHECK(message_facts(f, "x", "y").change_pct == "n/a");
}

TEST_CASE("change_pct does not overflow at the largest prices", "[notify][templates]") {
  CHECK(change_percent_text(*Price::parse("10000000000"), *Price::parse("0.00000001")) ==
        "+99999999999999999900.00");
}

TEST_CASE("control characters in values render as spaces", "[notify][templates]") {
  MessageFacts f = facts();
  f.alert_name = "evil\r\nBcc: x@example.com";
  CHECK(render_template("{{alert_name}}", f) == "evil  Bcc: x@example.com");
}

TEST_CASE("a value that looks like a placeholder is not expanded again", "[notify][templates]") {
  MessageFacts f = facts();
  f.alert_name = "{{user}}";
  CHECK(render_template("{{alert_name}}", f) == "{{user}}");
}

TEST_CASE("an unknown placeholder is an error naming the field and position",
          "[notify][templates]") {
  Status s = check_template(TemplateField::message, "at {{sym}}");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().rfind("message_template: unknown placeholder {{sym}} at character 4", 0) == 0);
}

TEST_CASE("an unclosed or empty placeholder is an error", "[notify][templates]") {
  Status unclosed = check_template(TemplateField::email_subject, "{{symbol} rose");
  REQUIRE_FALSE(unclosed.ok());
  CHECK(unclosed.error() == "email_subject_template: unclosed placeholder {{ at character 1");
  Status empty = check_template(TemplateField::email_body, "x {{ }}");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error() == "email_body_template: empty placeholder at character 3");
}

TEST_CASE("placeholder names are case-sensitive", "[notify][templates]") {
  CHECK_FALSE(check_template(TemplateField::message, "{{Symbol}}").ok());
}

TEST_CASE("{{message}} is allowed in email templates only", "[notify][templates]") {
  CHECK(check_template(TemplateField::email_subject, "[BW] {{message}}").ok());
  CHECK(check_template(TemplateField::email_body, "{{message}}").ok());
  CHECK_FALSE(check_template(TemplateField::message, "{{message}}").ok());
}

TEST_CASE("an empty template is refused (null restores the default)", "[notify][templates]") {
  Status s = check_template(TemplateField::message, "");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().rfind("message_template: must not be empty", 0) == 0);
}

TEST_CASE("each field has its own length limit", "[notify][templates]") {
  CHECK(check_template(TemplateField::message, std::string(500, 'x')).ok());
  CHECK_FALSE(check_template(TemplateField::message, std::string(501, 'x')).ok());
  CHECK_FALSE(check_template(TemplateField::email_subject, std::string(201, 'x')).ok());
  CHECK(check_template(TemplateField::email_body, std::string(4000, 'x')).ok());
  CHECK_FALSE(check_template(TemplateField::email_body, std::string(4001, 'x')).ok());
}

TEST_CASE("line breaks are allowed in the email body only", "[notify][templates]") {
  CHECK(check_template(TemplateField::email_body, "line one\r\nline two\n\tindented").ok());
  Status subject = check_template(TemplateField::email_subject, "a\r\nBcc: x@y.z");
  REQUIRE_FALSE(subject.ok());
  CHECK(subject.error() ==
        "email_subject_template: control character at character 2 (must be one line)");
  CHECK_FALSE(check_template(TemplateField::message, "a\nb").ok());
  CHECK_FALSE(check_template(TemplateField::email_body, std::string("a\0b", 3)).ok());
}

TEST_CASE("render_alert_texts fills only the templated fields", "[notify][templates]") {
  NewNotification out;
  out.message = "AAPL crossed above 150.00 at 151.50";
  AlertTexts texts{"Breakout", "alice", {}};
  texts.templates.email_subject = "{{alert_name}}: {{message}}";
  render_alert_texts(aapl_fire(), texts, out);
  CHECK(out.message == "AAPL crossed above 150.00 at 151.50");
  CHECK(out.email_subject == "Breakout: AAPL crossed above 150.00 at 151.50");
  CHECK(out.email_body.empty());
}

TEST_CASE("email templates see the rendered message template", "[notify][templates]") {
  NewNotification out;
  out.message = "default";
  AlertTexts texts{"Breakout", "alice", {}};
  texts.templates.message = "{{symbol}} {{change_pct}}%";
  texts.templates.email_body = "{{message}}\nby {{user}}";
  render_alert_texts(aapl_fire(), texts, out);
  CHECK(out.message == "AAPL +1.00%");
  CHECK(out.email_body == "AAPL +1.00%\nby alice");
}
