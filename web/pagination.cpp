#include "web/pagination.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "web/json_codec.hpp"

namespace bw {

namespace {

std::optional<std::int64_t> whole_number(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<PageRequest> parse_page(const std::string* limit, const std::string* cursor,
                               std::size_t default_limit) {
  PageRequest page;
  page.limit = default_limit;
  if (limit) {
    std::optional<std::int64_t> n = whole_number(*limit);
    if (!n || *n < 1 || *n > static_cast<std::int64_t>(kMaxPageLimit)) {
      return Error{"limit: must be a whole number from 1 to " + std::to_string(kMaxPageLimit)};
    }
    page.limit = static_cast<std::size_t>(*n);
  }
  if (cursor) {
    std::optional<std::int64_t> id = whole_number(*cursor);
    if (!id || *id < 1) return Error{"cursor: is not a next_cursor from an earlier page"};
    page.cursor = id;
  }
  return page;
}

std::string cursor_for(std::int64_t id) {
  return std::to_string(id);
}

ApiResponse paginate_items(ApiResponse full, const PageRequest& page) {
  if (full.status != 200) return full;
  nlohmann::json body = nlohmann::json::parse(full.body, nullptr, false);
  if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) return full;
  nlohmann::json items = nlohmann::json::array();
  std::optional<std::int64_t> next;
  for (nlohmann::json& item : body["items"]) {
    const std::int64_t id = item.value("id", std::int64_t{0});
    if (page.cursor && id <= *page.cursor) continue;
    if (items.size() == page.limit) {
      next = items.back().value("id", std::int64_t{0});
      break;
    }
    items.push_back(std::move(item));
  }
  body["items"] = std::move(items);
  body["next_cursor"] = next ? nlohmann::json(cursor_for(*next)) : nlohmann::json(nullptr);
  full.body = dump_json(body);
  return full;
}

}  // namespace bw
