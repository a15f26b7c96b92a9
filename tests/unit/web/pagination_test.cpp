// Specification of cursor pagination (web/pagination.hpp): ?limit=&cursor= in,
// a page and next_cursor out.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "web/pagination.hpp"

using namespace bw;
using nlohmann::json;

namespace {

ApiResponse list_of(int count) {
  json items = json::array();
  for (int id = 1; id <= count; ++id) items.push_back({{"id", id}, {"name", "item"}});
  return json_response(200, json{{"items", items}}.dump());
}

std::vector<int> ids(const json& page) {
  std::vector<int> out;
  for (const json& item : page["items"]) out.push_back(item["id"].get<int>());
  return out;
}

}  // namespace

TEST_CASE("Without parameters a page uses the default limit and no cursor", "[web][pagination]") {
  Result<PageRequest> page = parse_page(nullptr, nullptr, 100);
  REQUIRE(page);
  CHECK(page->limit == 100);
  CHECK_FALSE(page->cursor);
}

TEST_CASE("limit and cursor outside their range are refused naming the parameter",
          "[web][pagination]") {
  for (std::string bad : {"0", "501", "-1", "ten", "5x", ""}) {
    Result<PageRequest> page = parse_page(&bad, nullptr, 100);
    REQUIRE_FALSE(page);
    CHECK(page.error().rfind("limit:", 0) == 0);
  }
  for (std::string bad : {"0", "-4", "abc", ""}) {
    Result<PageRequest> page = parse_page(nullptr, &bad, 100);
    REQUIRE_FALSE(page);
    CHECK(page.error().rfind("cursor:", 0) == 0);
  }
  std::string limit = "500";
  std::string cursor = "17";
  Result<PageRequest> page = parse_page(&limit, &cursor, 100);
  REQUIRE(page);
  CHECK(page->limit == 500);
  CHECK(page->cursor == 17);
}

TEST_CASE("Following next_cursor visits every item once, in order", "[web][pagination]") {
  std::vector<int> seen;
  PageRequest request{3, std::nullopt};
  for (int pages = 0; pages < 10; ++pages) {
    json page = json::parse(paginate_items(list_of(8), request).body);
    std::vector<int> got = ids(page);
    CHECK(got.size() <= 3);
    seen.insert(seen.end(), got.begin(), got.end());
    if (page["next_cursor"].is_null()) break;
    request.cursor = std::stoll(page["next_cursor"].get<std::string>());
  }
  CHECK(seen == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("An exactly full last page has no next cursor", "[web][pagination]") {
  json page = json::parse(paginate_items(list_of(3), PageRequest{3, std::nullopt}).body);
  CHECK(ids(page) == std::vector<int>{1, 2, 3});
  CHECK(page["next_cursor"].is_null());
}

TEST_CASE("Error responses pass through untouched", "[web][pagination]") {
  ApiResponse refused = problem(403, "admins only");
  ApiResponse out = paginate_items(refused, PageRequest{});
  CHECK(out.status == 403);
  CHECK(out.body == refused.body);
}
