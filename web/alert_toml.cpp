#include "web/alert_toml.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "rules/time_text.hpp"

namespace bw {

namespace {

using nlohmann::json;

std::string location(const std::string& name, const toml::source_region& where) {
  std::ostringstream out;
  out << name << ':' << where.begin.line << ':' << where.begin.column << ": ";
  return out.str();
}

// A TOML value as the API's JSON. Dates become RFC 3339 text, which
// decode_alert checks like any other expires_at.
Result<json> to_json(const toml::node& node, const std::string& path) {
  if (const toml::table* table = node.as_table()) {
    json out = json::object();
    for (const auto& [key, value] : *table) {
      Result<json> member = to_json(value, path + "." + std::string(key.str()));
      if (!member) return member;
      out[std::string(key.str())] = std::move(*member);
    }
    return out;
  }
  if (const toml::array* array = node.as_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < array->size(); ++i) {
      Result<json> item = to_json(*array->get(i), path + "[" + std::to_string(i) + "]");
      if (!item) return item;
      out.push_back(std::move(*item));
    }
    return out;
  }
  if (auto text = node.value_exact<std::string>()) return json(*text);
  if (auto integer = node.value_exact<std::int64_t>()) return json(*integer);
  if (auto number = node.value_exact<double>()) {
    if (!std::isfinite(*number)) return Error{path + ": must be a finite number"};
    return json(*number);
  }
  if (auto flag = node.value_exact<bool>()) return json(*flag);
  std::ostringstream text;
  if (const auto* date_time = node.as_date_time()) {
    text << *date_time;
  } else if (const auto* date = node.as_date()) {
    text << *date;
  } else if (const auto* time = node.as_time()) {
    text << *time;
  }
  return json(text.str());
}

// The node a decode_alert error is about: "condition.price: ..." → the
// deepest existing node on that path (the alert's table at least).
const toml::node& node_for_error(const toml::table& alert, const std::string& error) {
  const std::string path = error.substr(0, error.find(": "));
  const toml::node* node = &alert;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') ++i;
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) break;
      const toml::array* array = node->as_array();
      const std::size_t index =
          std::strtoul(path.substr(i + 1, close - i - 1).c_str(), nullptr, 10);
      if (!array || index >= array->size()) break;
      node = array->get(index);
      i = close + 1;
      continue;
    }
    const std::size_t end = path.find_first_of(".[", i);
    const std::string key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
    const toml::table* table = node->as_table();
    const toml::node* child = table ? table->get(key) : nullptr;
    if (!child) break;
    node = child;
    i = end == std::string::npos ? path.size() : end;
  }
  return *node;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxAlertIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

class AlertReader {
 public:
  AlertReader(const std::string& name, AlertFileOptions options, std::vector<std::string>& problems)
      : name_(name), options_(options), problems_(problems) {}

  void read(const toml::node& node, std::size_t index, std::vector<AlertFileEntry>& out) {
    const std::string prefix = "alert[" + std::to_string(index) + "].";
    const toml::table* table = node.as_table();
    if (!table) return fail(node, prefix.substr(0, prefix.size() - 1) + ": expected a table");
    AlertFileEntry entry;
    entry.where[""] = location(name_, table->source()) + prefix;
    std::size_t before = problems_.size();
    read_key_fields(*table, prefix, entry);
    Result<json> body = to_json(*table, "");
    if (!body) return fail(*table, prefix + body.error().substr(1));
    body->erase("id");
    body->erase("owner");
    if (auto channels = body->find("channels"); channels != body->end()) {
      read_channels(*table->get("channels"), *channels, prefix, entry);
      body->erase("channels");
    }
    Result<AlertDraft> draft = decode_alert(*body);
    if (!draft) return fail(node_for_error(*table, draft.error()), prefix + draft.error());
    if (problems_.size() != before) return;
    entry.draft = std::move(*draft);
    if (const toml::node* expires = table->get("expires_at"))
      entry.where["expires_at"] = location(name_, expires->source()) + prefix;
    out.push_back(std::move(entry));
  }

 private:
  void fail(const toml::node& node, const std::string& message) {
    problems_.push_back(location(name_, node.source()) + message);
  }

  void read_key_fields(const toml::table& table, const std::string& prefix, AlertFileEntry& entry) {
    if (const toml::node* id = table.get("id")) {
      auto text = id->value_exact<std::string>();
      if (!text || !valid_id(*text)) {
        fail(*id, prefix + "id: must be 1-64 characters of letters, digits, '_', '-' and '.'");
      } else if (!ids_.insert(*text).second) {
        fail(*id, prefix + "id: \"" + *text + "\" is used by another alert in this file");
      } else {
        entry.id = *text;
      }
    } else if (options_.require_id) {
      fail(table, prefix + "id: is required (a stable id, unique in this file)");
    }
    if (const toml::node* owner = table.get("owner")) {
      auto text = owner->value_exact<std::string>();
      if (!text || text->empty()) {
        fail(*owner, prefix + "owner: must be a user name");
      } else {
        entry.owner = *text;
        entry.where["owner"] = location(name_, owner->source()) + prefix;
      }
    } else if (options_.require_owner) {
      fail(table, prefix + "owner: is required (the user name the alert belongs to)");
    }
  }

  void read_channels(const toml::node& node, const json& value, const std::string& prefix,
                     AlertFileEntry& entry) {
    const toml::array* array = node.as_array();
    if (!array) {
      return fail(node, prefix +
                            "channels: must be an array of channel ids, webhook URLs or "
                            "email addresses");
    }
    for (std::size_t j = 0; j < value.size(); ++j) {
      const std::string key = "channels[" + std::to_string(j) + "]";
      const toml::node& item = *array->get(j);
      if (value[j].is_number_integer() && value[j].get<std::int64_t>() > 0) {
        entry.channels.push_back({value[j].get<std::int64_t>(), ""});
      } else if (value[j].is_string() && !value[j].get<std::string>().empty()) {
        entry.channels.push_back({0, value[j].get<std::string>()});
      } else {
        fail(item, prefix + key + ": must be a channel id, webhook URL or email address");
        continue;
      }
      entry.where[key] = location(name_, item.source()) + prefix;
    }
  }

  const std::string& name_;
  AlertFileOptions options_;
  std::vector<std::string>& problems_;
  std::set<std::string> ids_;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

// A TOML key: bare when it can be, else quoted.
std::string toml_key(const std::string& key) {
  bool bare = !key.empty();
  for (char c : key) {
    bare = bare && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-');
  }
  return bare ? key : dump_json(key);
}

// JSON strings, numbers and booleans are TOML values as JSON writes them
// (the escapes are the same); objects become inline tables.
std::string toml_value(const json& value) {
  if (value.is_object()) {
    std::string out = "{ ";
    bool first = true;
    // "type" and "mode" lead (they say how to read the rest); then by name.
    std::vector<std::string> keys;
    for (const char* lead : {"type", "mode"}) {
      if (value.contains(lead)) keys.emplace_back(lead);
    }
    for (const auto& item : value.items()) {
      if (item.key() != "type" && item.key() != "mode") keys.push_back(item.key());
    }
    for (const std::string& key : keys) {
      const json& member = value[key];
      if (member.is_null()) continue;
      out += (first ? "" : ", ") + toml_key(key) + " = " + toml_value(member);
      first = false;
    }
    return first ? "{}" : out + " }";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + toml_value(value[i]);
    return out + "]";
  }
  return dump_json(value);
}

}  // namespace

std::string AlertFileEntry::at(const std::string& key) const {
  if (auto it = where.find(key); it != where.end()) return it->second;
  if (auto it = where.find(""); it != where.end()) return it->second;
  return "";
}

Result<std::vector<AlertFileEntry>> parse_alert_file(std::string_view text, const std::string& name,
                                                     AlertFileOptions options) {
  AlertFileParse parsed = parse_alert_file_partly(text, name, options);
  if (!parsed.problems.empty()) return Error{joined(parsed.problems)};
  return std::move(parsed.entries);
}

AlertFileParse parse_alert_file_partly(std::string_view text, const std::string& name,
                                       AlertFileOptions options) {
  AlertFileParse out;
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& error) {
    out.problems.push_back(location(name, error.source()) + std::string(error.description()));
    return out;
  }
  std::vector<std::string>& problems = out.problems;
  std::vector<AlertFileEntry>& entries = out.entries;
  for (const auto& [key, node] : root) {
    if (key.str() != "alert") {
      problems.push_back(location(name, key.source()) + std::string(key.str()) +
                         ": unknown key (an alerts file holds only [[alert]] tables)");
    }
  }
  if (const toml::node* alerts = root.get("alert")) {
    const toml::array* array = alerts->as_array();
    if (!array) {
      problems.push_back(location(name, alerts->source()) +
                         "alert: expected [[alert]] tables (an array of tables)");
    } else if (array->size() > kMaxAlertsPerFile) {
      problems.push_back(location(name, alerts->source()) + "alert: at most " +
                         std::to_string(kMaxAlertsPerFile) + " alerts per file");
    } else {
      AlertReader reader(name, options, problems);
      for (std::size_t i = 0; i < array->size(); ++i) reader.read(*array->get(i), i, entries);
    }
  }
  return out;
}

std::string render_alert_file(const std::vector<ExportedAlert>& alerts, const std::string& header) {
  std::string out = header;
  for (const ExportedAlert& alert : alerts) {
    out += "\n";
    if (!alert.comment.empty()) out += "# " + alert.comment + "\n";
    out += "[[alert]]\n";
    if (!alert.id.empty()) out += "id = " + dump_json(alert.id) + "\n";
    if (!alert.owner.empty()) out += "owner = " + dump_json(alert.owner) + "\n";
    // The API's order first, then anything else the alert has.
    std::vector<std::string> keys{"symbol",     "name",     "condition", "trigger",
                                  "expires_at", "sessions", "channels"};
    for (const auto& item : alert.fields.items()) {
      if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) keys.push_back(item.key());
    }
    for (const std::string& key : keys) {
      auto found = alert.fields.find(key);
      if (found == alert.fields.end() || found->is_null()) continue;
      const json& value = *found;
      if (key == "name" && value == "") continue;
      if (key == "channels" && value.empty()) continue;
      if (key == "expires_at" && value.is_string()) {
        // An RFC 3339 UTC time is a TOML offset date-time as it is.
        out += "expires_at = " + value.get<std::string>() + "\n";
        continue;
      }
      out += toml_key(key) + " = " + toml_value(value) + "\n";
    }
  }
  return out;
}

}  // namespace bw
