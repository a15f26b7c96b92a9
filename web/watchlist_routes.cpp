#include "web/watchlist_routes.hpp"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "web/api_routes.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

ApiResponse list_response(const std::vector<Symbol>& symbols) {
  return json_response(200, dump_json(json{{"symbols", symbols}}));
}

// The body as an object whose only key is `field`; the error names the field.
Result<json> single_field_body(std::string_view body, const char* field) {
  Result<json> parsed = parse_body(body);
  if (!parsed) return parsed;
  if (!parsed->is_object()) return Error{"body: must be a JSON object"};
  for (const auto& item : parsed->items()) {
    if (item.key() != field) return Error{item.key() + ": unknown field"};
  }
  if (!parsed->contains(field)) return Error{std::string(field) + ": is required"};
  return parsed;
}

void notify_changed(WatchlistContext& context, const User& user) {
  if (context.changed) context.changed(user.id, context.watchlists.list(user.id));
}

}  // namespace

ApiResponse get_watchlist(WatchlistContext& context, const User& user) {
  return list_response(context.watchlists.list(user.id));
}

ApiResponse put_watchlist(WatchlistContext& context, const User& user, std::string_view body) {
  Result<json> parsed = single_field_body(body, "symbols");
  if (!parsed) return problem(400, parsed.error());
  const json& items = (*parsed)["symbols"];
  if (!items.is_array()) return problem(400, "symbols: must be an array of symbols");
  std::vector<Symbol> symbols;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string field = "symbols[" + std::to_string(i) + "]";
    if (!items[i].is_string()) return problem(400, field + ": must be a string");
    Result<Symbol> symbol = normalize_symbol(items[i].get<std::string>());
    if (!symbol) return problem(400, field + ": " + symbol.error());
    // Duplicates collapse to the first occurrence, like repeated POSTs would.
    if (std::find(symbols.begin(), symbols.end(), *symbol) != symbols.end()) continue;
    symbols.push_back(std::move(*symbol));
  }
  if (symbols.size() > kMaxWatchlistSymbols) {
    return problem(400, "symbols: at most " + std::to_string(kMaxWatchlistSymbols) + " symbols");
  }
  context.watchlists.replace(user.id, symbols);
  if (context.changed) context.changed(user.id, symbols);
  return list_response(symbols);
}

ApiResponse add_to_watchlist(WatchlistContext& context, const User& user, std::string_view body) {
  Result<json> parsed = single_field_body(body, "symbol");
  if (!parsed) return problem(400, parsed.error());
  const json& item = (*parsed)["symbol"];
  if (!item.is_string()) return problem(400, "symbol: must be a string");
  Result<Symbol> symbol = normalize_symbol(item.get<std::string>());
  if (!symbol) return problem(400, "symbol: " + symbol.error());
  if (!context.watchlists.add(user.id, *symbol)) {
    return problem(409, "symbol: the watchlist already holds " +
                            std::to_string(kMaxWatchlistSymbols) + " symbols");
  }
  notify_changed(context, user);
  return list_response(context.watchlists.list(user.id));
}

ApiResponse remove_from_watchlist(WatchlistContext& context, const User& user,
                                  std::string_view symbol_text) {
  Result<Symbol> symbol = normalize_symbol(symbol_text);
  if (!symbol) return problem(400, "symbol: " + symbol.error());
  if (!context.watchlists.remove(user.id, *symbol)) {
    return problem(404, *symbol + " is not on the watchlist");
  }
  notify_changed(context, user);
  return ApiResponse{204, "", "", {}};
}

}  // namespace bw
