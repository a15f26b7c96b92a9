#include "web/alert_message_codec.hpp"

#include "notify/message_template.hpp"

namespace bw {

namespace {

using nlohmann::json;

constexpr TemplateField kFields[] = {TemplateField::message, TemplateField::email_subject,
                                     TemplateField::email_body};

std::optional<std::optional<std::string>>& slot(TemplatesPatch& patch, TemplateField field) {
  switch (field) {
    case TemplateField::message:
      return patch.message;
    case TemplateField::email_subject:
      return patch.email_subject;
    case TemplateField::email_body:
      return patch.email_body;
  }
  return patch.message;
}

void apply(const std::optional<std::optional<std::string>>& change,
           std::optional<std::string>& current) {
  if (change) current = *change;
}

json optional_json(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

}  // namespace

AlertTemplates TemplatesPatch::applied_to(AlertTemplates current) const {
  apply(message, current.message);
  apply(email_subject, current.email_subject);
  apply(email_body, current.email_body);
  return current;
}

Result<TemplatesPatch> decode_templates(const json& body) {
  TemplatesPatch patch;
  if (!body.is_object()) return patch;
  for (TemplateField field : kFields) {
    const std::string name(template_field_name(field));
    auto it = body.find(name);
    if (it == body.end()) continue;
    if (it->is_null()) {
      slot(patch, field) = std::optional<std::string>();
      continue;
    }
    if (!it->is_string()) return Error{name + ": must be a string or null"};
    const std::string text = it->get<std::string>();
    if (Status ok = check_template(field, text); !ok) return Error{ok.error()};
    slot(patch, field) = std::optional<std::string>(text);
  }
  return patch;
}

void encode_templates(const AlertTemplates& templates, json& alert) {
  alert["message_template"] = optional_json(templates.message);
  alert["email_subject_template"] = optional_json(templates.email_subject);
  alert["email_body_template"] = optional_json(templates.email_body);
}

bool only_template_fields(const json& body) {
  if (!body.is_object() || body.empty()) return false;
  for (const auto& item : body.items()) {
    bool known = false;
    for (TemplateField field : kFields) known = known || item.key() == template_field_name(field);
    if (!known) return false;
  }
  return true;
}

}  // namespace bw
