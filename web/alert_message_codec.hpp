// JSON of an alert's message templates (docs/API.md, "Message templates"):
// the alert fields message_template, email_subject_template and
// email_body_template, each a template string or null (the default text).
//
//   Result<TemplatesPatch> t = decode_templates(body);   // POST or PATCH body
//   AlertTemplates next = t->applied_to(current);
//   encode_templates(next, alert_json);
//
// Decoding checks every template (notify/message_template.hpp), so a bad
// placeholder is an error naming the field. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rules/result.hpp"
#include "store/alert_message_repository.hpp"

namespace bw {

// Per field: absent (keep), null (back to the default) or a new template.
struct TemplatesPatch {
  std::optional<std::optional<std::string>> message;
  std::optional<std::optional<std::string>> email_subject;
  std::optional<std::optional<std::string>> email_body;

  bool any() const { return message || email_subject || email_body; }
  AlertTemplates applied_to(AlertTemplates current) const;
};

// The template fields of a request body (other fields are ignored here).
Result<TemplatesPatch> decode_templates(const nlohmann::json& body);
// Adds the three fields to an alert's JSON (null when default).
void encode_templates(const AlertTemplates& templates, nlohmann::json& alert);
// True when `body` holds nothing but template fields.
bool only_template_fields(const nlohmann::json& body);

}  // namespace bw
