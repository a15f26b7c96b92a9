#include "web/alert_json_file.hpp"

#include <nlohmann/json.hpp>

#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_blanks(std::string_view text, std::size_t at) {
  while (at < text.size() && is_blank(text[at])) ++at;
  return at;
}

// The index just past the string whose opening quote is at `open`.
std::size_t past_string(std::string_view text, std::size_t open) {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\')
      ++i;
    else if (text[i] == '"')
      return i + 1;
  }
  return text.size();
}

// "line:col" (1-based; columns count bytes) of a byte offset.
std::string position(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return std::to_string(line) + ":" + std::to_string(offset - line_start + 1);
}

// Deepest nesting of [ and { outside strings within `limit`.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = past_string(text, i) - 1;
    } else if ((c == '[' || c == '{') && ++depth > limit) {
      return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// The offsets of the elements of the array whose '[' is at `open` (the text
// is valid JSON: nlohmann parsed it first).
std::vector<std::size_t> element_offsets(std::string_view text, std::size_t open) {
  std::vector<std::size_t> out;
  int depth = 0;
  bool expect_value = true;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (is_blank(c)) continue;
    if (depth == 1 && expect_value && c != ']') {
      out.push_back(i);
      expect_value = false;
    }
    if (c == '"') {
      i = past_string(text, i) - 1;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) break;
    } else if (c == ',' && depth == 1) {
      expect_value = true;
    }
  }
  return out;
}

// The offset of the '[' of the top-level object's "items" array.
std::optional<std::size_t> items_offset(std::string_view text) {
  int depth = 0;
  bool expect_key = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = past_string(text, i);
      if (depth == 1 && expect_key) {
        expect_key = false;
        const std::size_t colon = skip_blanks(text, end);
        const std::size_t value = skip_blanks(text, colon + 1);
        if (text.substr(i, end - i) == "\"items\"" && value < text.size() && text[value] == '[')
          return value;
      }
      i = end - 1;
    } else if (c == '[' || c == '{') {
      if (++depth == 1) expect_key = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return std::nullopt;
}

// nlohmann's message without its "[json.exception…] parse error at line L,
// column C: " prefix (the position is given separately).
std::string parse_reason(const json::parse_error& error) {
  const std::string what = error.what();
  const std::size_t column = what.find("column ");
  const std::size_t colon = column == std::string::npos ? column : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// The fields GET /api/v1/alerts adds to a create body: read-only, ignored.
constexpr const char* kReadOnlyFields[] = {
    "id", "state", "rearm_wait", "created_at", "last_fired_at", "managed", "user_id"};

std::string label_of(const json& alert) {
  auto id = alert.find("id");
  if (id == alert.end()) return "";
  if (id->is_string()) return id->get<std::string>();
  if (id->is_number_integer()) return std::to_string(id->get<std::int64_t>());
  return "";
}

}  // namespace

bool looks_like_json_alert_file(std::string_view text, std::string_view name) {
  if (name.size() >= 5 && name.substr(name.size() - 5) == ".json") return true;
  const std::size_t first = skip_blanks(text, 0);
  if (first >= text.size()) return false;
  if (text[first] == '{') return true;
  if (text[first] != '[') return false;
  const std::size_t next = skip_blanks(text, first + 1);
  return next < text.size() && (text[next] == '{' || text[next] == ']');
}

Result<std::vector<AlertFileEntry>> parse_alert_json_file(std::string_view text,
                                                          const std::string& name) {
  if (text.size() > kMaxJsonAlertFileBytes)
    return Error{name + ": larger than 64 MiB; split the alerts into several files"};
  if (!nesting_within(text, kMaxJsonAlertFileDepth))
    return Error{name + ": JSON nested deeper than 32 levels"};
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& error) {
    const std::size_t at = error.byte > 0 ? error.byte - 1 : 0;
    return Error{name + ":" + position(text, at) + ": invalid JSON: " + parse_reason(error)};
  }
  // Where the alerts are, how their path starts, and where each one begins.
  const json* alerts = &document;
  std::string path = "";
  std::vector<std::size_t> offsets;
  const std::size_t first = skip_blanks(text, 0);
  if (document.is_object() && document.contains("items")) {
    alerts = &document["items"];
    if (!alerts->is_array())
      return Error{name + ":" + position(text, first) + ": items: must be an array of alerts"};
    path = "items";
    offsets = element_offsets(text, *items_offset(text));
  } else if (document.is_array()) {
    offsets = element_offsets(text, first);
  } else if (!document.is_object()) {
    return Error{name + ":" + position(text, first) +
                 ": must be an alert, an array of alerts or {\"items\":[alert…]}"};
  }
  const bool single = document.is_object() && path.empty();
  const std::size_t count = single ? 1 : alerts->size();
  std::vector<AlertFileEntry> entries;
  std::string problems;
  for (std::size_t i = 0; i < count; ++i) {
    const json& item = single ? document : (*alerts)[i];
    const std::size_t at = single ? first : (i < offsets.size() ? offsets[i] : first);
    const std::string prefix = name + ":" + position(text, at) + ": " +
                               (single ? std::string() : path + "[" + std::to_string(i) + "].");
    if (!item.is_object()) {
      problems += prefix.substr(0, prefix.size() - 1) + ": must be an alert object\n";
      continue;
    }
    json body = item;
    for (const char* field : kReadOnlyFields) body.erase(field);
    Result<AlertDraft> draft = decode_alert(body);
    if (!draft) {
      problems += prefix + draft.error() + "\n";
      continue;
    }
    AlertFileEntry entry;
    entry.id = label_of(item);
    entry.draft = std::move(*draft);
    entry.draft.channels.clear();  // a backtest sends nothing
    entry.where[""] = prefix;
    entries.push_back(std::move(entry));
  }
  if (!problems.empty()) {
    problems.pop_back();
    return Error{problems};
  }
  return entries;
}

}  // namespace bw
