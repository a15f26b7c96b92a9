#include "notify/message_template.hpp"

#include <array>
#include <ctime>

#include "notify/message.hpp"

namespace bw {

namespace {

constexpr std::array<std::string_view, 8> kPlaceholders = {
    "symbol", "price", "condition", "threshold", "change_pct", "time", "alert_name", "user"};
constexpr std::string_view kPlaceholderList =
    "symbol, price, condition, threshold, change_pct, time, alert_name or user";

// 128-bit arithmetic for the percentage (GCC and Clang; __extension__ keeps
// -Wpedantic quiet about the non-standard type).
__extension__ typedef __int128 Wide;

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

bool allows_line_breaks(TemplateField field) {
  return field == TemplateField::email_body;
}

bool known_placeholder(TemplateField field, std::string_view name) {
  for (std::string_view known : kPlaceholders) {
    if (name == known) return true;
  }
  return name == "message" && field != TemplateField::message;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// A placeholder found at `open` (the index of its "{{"): its name and the
// index just past its "}}". Empty when there is no closing "}}".
struct Placeholder {
  std::string_view name;
  std::size_t end = 0;
};
std::optional<Placeholder> placeholder_at(std::string_view text, std::size_t open) {
  const std::size_t close = text.find("}}", open + 2);
  if (close == std::string_view::npos) return std::nullopt;
  return Placeholder{trim(text.substr(open + 2, close - open - 2)), close + 2};
}

Error field_error(TemplateField field, std::string reason) {
  return Error{std::string(template_field_name(field)) + ": " + std::move(reason)};
}

std::string position(std::size_t index) {
  return "at character " + std::to_string(index + 1);
}

const std::string* value_of(const MessageFacts& f, std::string_view name) {
  if (name == "symbol") return &f.symbol;
  if (name == "price") return &f.price;
  if (name == "condition") return &f.condition;
  if (name == "threshold") return &f.threshold;
  if (name == "change_pct") return &f.change_pct;
  if (name == "time") return &f.time;
  if (name == "alert_name") return &f.alert_name;
  if (name == "user") return &f.user;
  if (name == "message") return &f.message;
  return nullptr;
}

void append_value(std::string& out, std::string_view value) {
  for (char c : value) out += is_control(static_cast<unsigned char>(c)) ? ' ' : c;
}

}  // namespace

std::string_view template_field_name(TemplateField field) {
  switch (field) {
    case TemplateField::message:
      return "message_template";
    case TemplateField::email_subject:
      return "email_subject_template";
    case TemplateField::email_body:
      return "email_body_template";
  }
  return "template";
}

std::size_t max_template_length(TemplateField field) {
  switch (field) {
    case TemplateField::message:
      return 500;
    case TemplateField::email_subject:
      return 200;
    case TemplateField::email_body:
      return 4000;
  }
  return 0;
}

Status check_template(TemplateField field, std::string_view text) {
  if (text.empty()) return field_error(field, "must not be empty (null restores the default)");
  if (text.size() > max_template_length(field)) {
    return field_error(field,
                       "must be at most " + std::to_string(max_template_length(field)) + " bytes");
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool line_break = c == '\n' || c == '\r' || c == '\t';
    if (is_control(c) && !(line_break && allows_line_breaks(field))) {
      return field_error(field, "control character " + position(i) +
                                    (allows_line_breaks(field) ? "" : " (must be one line)"));
    }
  }
  for (std::size_t open = text.find("{{"); open != std::string_view::npos;
       open = text.find("{{", open)) {
    std::optional<Placeholder> placeholder = placeholder_at(text, open);
    if (!placeholder) return field_error(field, "unclosed placeholder {{ " + position(open));
    if (placeholder->name.empty()) return field_error(field, "empty placeholder " + position(open));
    if (!known_placeholder(field, placeholder->name)) {
      const std::string written(text.substr(open, placeholder->end - open));
      std::string expected(kPlaceholderList);
      if (field != TemplateField::message) expected = "message, " + expected;
      return field_error(field, "unknown placeholder " + written + " " + position(open) +
                                    " (expected " + expected + ")");
    }
    open = placeholder->end;
  }
  return {};
}

std::string change_percent_text(Price price, Price previous) {
  if (previous.units() <= 0) return "n/a";
  // Hundredths of a percent, rounded half away from zero; 128-bit because
  // the scaled difference times 10^4 can pass int64.
  const Wide diff = static_cast<Wide>(price.units()) - previous.units();
  const Wide scaled = diff * 10000;
  const Wide half = previous.units() / 2;
  const Wide hundredths =
      (scaled >= 0 ? scaled + half : scaled - half) / static_cast<Wide>(previous.units());
  const bool negative = hundredths < 0;
  Wide magnitude = negative ? -hundredths : hundredths;
  std::string digits;  // reversed
  for (int i = 0; i < 3 || magnitude > 0; ++i) {
    if (i == 2) digits += '.';
    digits += static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  }
  const bool zero = hundredths == 0;
  std::string text = negative ? "-" : (zero ? "" : "+");
  text.append(digits.rbegin(), digits.rend());
  return text;
}

std::string utc_time_text(TimestampMs ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

MessageFacts message_facts(const Fire& fire, std::string_view alert_name, std::string_view user) {
  MessageFacts facts;
  facts.symbol = fire.symbol;
  facts.price = fire.price.to_string();
  facts.condition = std::string(condition_phrase(fire));
  facts.threshold = threshold_text(fire.condition);
  facts.change_pct = change_percent_text(fire.price, fire.prev_close);
  facts.time = utc_time_text(fire.ts_ms);
  facts.alert_name =
      alert_name.empty() ? "alert #" + std::to_string(fire.alert_id) : std::string(alert_name);
  facts.user = std::string(user);
  facts.message = render_message(fire);
  return facts;
}

std::string render_template(std::string_view text, const MessageFacts& facts) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t done = 0;
  for (std::size_t open = text.find("{{"); open != std::string_view::npos;
       open = text.find("{{", done)) {
    std::optional<Placeholder> placeholder = placeholder_at(text, open);
    if (!placeholder) break;  // unclosed: the rest is plain text
    const std::string* value = value_of(facts, placeholder->name);
    out.append(text.substr(done, (value ? open : placeholder->end) - done));
    if (value) append_value(out, *value);
    done = placeholder->end;
  }
  out.append(text.substr(done));
  return out;
}

void render_alert_texts(const Fire& fire, const AlertTexts& texts, NewNotification& out) {
  MessageFacts facts = message_facts(fire, texts.alert_name, texts.user_name);
  if (texts.templates.message) out.message = render_template(*texts.templates.message, facts);
  facts.message = out.message;
  if (texts.templates.email_subject) {
    out.email_subject = render_template(*texts.templates.email_subject, facts);
  }
  if (texts.templates.email_body)
    out.email_body = render_template(*texts.templates.email_body, facts);
}

}  // namespace bw
