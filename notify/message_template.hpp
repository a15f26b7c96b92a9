// Message templates: user-written text with placeholders, checked when an
// alert is saved and rendered when it fires (docs/API.md, "Message templates").
//
//   Status ok = check_template(TemplateField::message, "{{symbol}} at {{price}}");
//   MessageFacts facts = message_facts(fire, "Breakout", "alice");
//   std::string text = render_template("{{symbol}} at {{price}}", facts);  // "AAPL at 150.25"
//
// Syntax: `{{name}}` (spaces inside the braces are allowed: `{{ name }}`).
// Every `{{` opens a placeholder; an unknown name, an empty or unclosed one
// is an error naming the field and the character position. A lone `}}` is
// plain text. Templates are plain text: values are never interpreted, and a
// caller that puts a rendering into HTML escapes it whole (email_message.hpp).
// Control characters inside values (an alert name with a line break) render
// as spaces, so no value can add a line to a subject header.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/engine.hpp"
#include "rules/result.hpp"
#include "store/notification_repository.hpp"

namespace bw {

// Where a template is used; each has its own length limit and alphabet.
enum class TemplateField {
  message,        // the notification text (SSE, webhooks, dashboard): one line
  email_subject,  // the Subject header: one line
  email_body,     // the email's text (and, escaped, HTML) part: line breaks allowed
};

// "message_template", "email_subject_template", "email_body_template".
std::string_view template_field_name(TemplateField field);
std::size_t max_template_length(TemplateField field);

// Accepts the template or explains what is wrong, naming the field:
// "message_template: unknown placeholder {{sym}} at character 5 (expected …)".
// {{message}} (the rendered notification text) is allowed in the email
// fields only.
Status check_template(TemplateField field, std::string_view text);

// The values of one fire, already formatted.
struct MessageFacts {
  std::string symbol;      // "AAPL"
  std::string price;       // "150.25": the price that met the condition
  std::string condition;   // "crossed above"
  std::string threshold;   // "150.00", or "140.00-150.00" for a channel
  std::string change_pct;  // "+1.23" vs the previous close; "n/a" when unknown
  std::string time;        // the quote's time, "2026-11-26 15:04:05 UTC"
  std::string alert_name;  // the alert's name, or "alert #<id>" when it has none
  std::string user;        // the owner's user name
  std::string message;     // the rendered notification text (email templates)
};

// The percentage change from `previous` to `price` with two decimals and a
// sign ("+1.23", "-0.50", "0.00"); "n/a" when previous is zero (unknown).
std::string change_percent_text(Price price, Price previous);
// "2026-11-26 15:04:05 UTC".
std::string utc_time_text(TimestampMs ms);
MessageFacts message_facts(const Fire& fire, std::string_view alert_name, std::string_view user);

// Renders a template that passed check_template (a malformed part renders as
// written, never throws).
std::string render_template(std::string_view text, const MessageFacts& facts);

// Renders the fire's notification text, email subject and body from its
// alert's templates into `out` (fields without a template keep their default).
// The notifier's FireTextRenderer.
void render_alert_texts(const Fire& fire, const AlertTexts& texts, NewNotification& out);

}  // namespace bw
