// Cursor pagination for the list endpoints: `?limit=N&cursor=C` in, a page of
// `items` plus `next_cursor` out (null on the last page).
//
//   Result<PageRequest> page = parse_page(limit_param, cursor_param, 100);
//   if (!page) return problem(400, page.error());
//   ApiResponse r = paginate_items(list_channels(context, user), *page);
//
// Lists that can grow large (alerts, notifications) page in the store
// instead: a keyset query on the id after page.cursor, LIMIT limit + 1.
//
// A cursor is opaque to clients; today it is the id of the last item of the
// previous page, and a page holds the items after it in the list's own order
// (ascending ids, or descending for notifications). Items created between two
// requests therefore never shift a page, and a deleted cursor item is fine.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rules/result.hpp"
#include "web/problem.hpp"

namespace bw {

inline constexpr std::size_t kMaxPageLimit = 500;

struct PageRequest {
  std::size_t limit = 100;
  std::optional<std::int64_t> cursor;  // id of the last item already seen
};

// Each parameter is null when absent. limit: 1..kMaxPageLimit; cursor: a
// next_cursor from an earlier page. Errors name the parameter.
Result<PageRequest> parse_page(const std::string* limit, const std::string* cursor,
                               std::size_t default_limit);

// The cursor text of an item id.
std::string cursor_for(std::int64_t id);

// Cuts one page out of a complete list response ({"items":[…]} whose items
// carry an integer "id", in ascending id order) and adds next_cursor. Any
// other response (an error) passes through unchanged.
ApiResponse paginate_items(ApiResponse full, const PageRequest& page);

}  // namespace bw
