#include "web/account_routes.hpp"

#include <charconv>

#include "rules/time_text.hpp"
#include "web/api_routes.hpp"
#include "web/credentials.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

using nlohmann::json;

Result<json> parse_object(std::string_view body) {
  Result<json> parsed = parse_body(body);
  if (!parsed) return parsed;
  if (!parsed->is_object()) return Error{"body: must be a JSON object"};
  return parsed;
}

// Reads an optional string member; Error names the field.
Result<std::optional<std::string>> optional_string(const json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<std::string>{};
  if (!body[field].is_string()) return Error{std::string(field) + ": must be a string"};
  return std::optional<std::string>(body[field].get<std::string>());
}

Status check_new_password(const std::string& password, const AuthOptions& options,
                          const char* field) {
  if (password.size() < options.min_password_length) {
    return Error{std::string(field) + ": must be at least " +
                 std::to_string(options.min_password_length) + " characters"};
  }
  if (password.size() > kMaxPasswordLength) {
    return Error{std::string(field) + ": must be at most " + std::to_string(kMaxPasswordLength) +
                 " characters"};
  }
  return {};
}

bool valid_user_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

ApiResponse admins_only() {
  return problem(403, "this endpoint is for administrators only");
}

ApiResponse user_not_found(std::string_view id) {
  return problem(404, "user " + std::string(id) + " not found");
}

// The password an admin sets (or the server generates) and the user must change.
Result<std::pair<std::string, bool>> admin_set_password(const json& body,
                                                        const AuthOptions& options) {
  Result<std::optional<std::string>> given = optional_string(body, "password");
  if (!given) return Error{given.error()};
  if (!*given) return std::pair{generate_password(), true};
  if (Status ok = check_new_password(**given, options, "password"); !ok) return Error{ok.error()};
  return std::pair{**given, false};
}

}  // namespace

ApiResponse change_password(ApiContext& context, const AuthServices& auth, const Caller& caller,
                            std::string_view body) {
  Result<json> parsed = parse_object(body);
  if (!parsed) return problem(400, parsed.error());
  Result<std::optional<std::string>> current = optional_string(*parsed, "current_password");
  if (!current) return problem(400, current.error());
  if (!*current) return problem(400, "current_password: is required");
  Result<std::optional<std::string>> next = optional_string(*parsed, "new_password");
  if (!next) return problem(400, next.error());
  if (!*next) return problem(400, "new_password: is required");
  if (Status ok = check_new_password(**next, auth.options, "new_password"); !ok) {
    return problem(400, ok.error());
  }
  if (**next == **current) return problem(400, "new_password: must differ from the current one");
  const std::optional<std::string> stored = context.accounts.password_hash(caller.user.id);
  if (!stored || (*current)->size() > kMaxPasswordLength || !verify_password(*stored, **current)) {
    return problem(400, "current_password: is not correct");
  }
  context.accounts.set_password(caller.user.id, hash_password(**next), false);
  // Every other session of this user ends; the one that made the change stays.
  auth.sessions.remove_for_user(caller.user.id,
                                caller.session ? std::optional(caller.session->id) : std::nullopt);
  return ApiResponse{204, "", "", {}};
}

ApiResponse list_tokens(ApiContext& context, const User& user) {
  json items = json::array();
  for (const TokenInfo& token : context.accounts.list_tokens(user.id)) {
    items.push_back({{"id", token.id},
                     {"label", token.label},
                     {"created_at", format_rfc3339(token.created_at)}});
  }
  return json_response(200, dump_json({{"items", std::move(items)}}));
}

ApiResponse create_token(ApiContext& context, const User& user, std::string_view body) {
  Result<json> parsed = parse_object(body);
  if (!parsed) return problem(400, parsed.error());
  Result<std::optional<std::string>> label = optional_string(*parsed, "label");
  if (!label) return problem(400, label.error());
  const std::string text = label->value_or("");
  if (text.size() > kMaxTokenLabelLength) {
    return problem(400, "label: at most " + std::to_string(kMaxTokenLabelLength) + " characters");
  }
  if (context.accounts.list_tokens(user.id).size() >= kMaxTokensPerUser) {
    return problem(409, "tokens: at most " + std::to_string(kMaxTokensPerUser) +
                            " per user; revoke one first");
  }
  const std::string token = generate_token();
  const TimestampMs now = context.clock.now_ms();
  const std::int64_t id = context.accounts.add_token(user.id, hash_token(token), text, now);
  ApiResponse response = json_response(
      201,
      dump_json(
          {{"id", id}, {"label", text}, {"created_at", format_rfc3339(now)}, {"token", token}}));
  response.headers.emplace_back("Location", "/api/v1/tokens/" + std::to_string(id));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ApiResponse revoke_token(ApiContext& context, const User& user, std::string_view id) {
  std::optional<std::int64_t> token_id = parse_id(id);
  if (!token_id || !context.accounts.revoke_token(user.id, *token_id)) {
    return problem(404, "token " + std::string(id) + " not found");
  }
  return ApiResponse{204, "", "", {}};
}

ApiResponse list_users(ApiContext& context, const User& caller) {
  if (!caller.admin) return admins_only();
  json items = json::array();
  for (const User& user : context.accounts.list_users()) items.push_back(encode_user(user));
  return json_response(200, dump_json({{"items", std::move(items)}}));
}

ApiResponse create_user(ApiContext& context, const AuthServices& auth, const User& caller,
                        std::string_view body) {
  if (!caller.admin) return admins_only();
  Result<json> parsed = parse_object(body);
  if (!parsed) return problem(400, parsed.error());
  Result<std::optional<std::string>> name = optional_string(*parsed, "name");
  if (!name) return problem(400, name.error());
  if (!*name || !valid_user_name(**name)) {
    return problem(400, "name: must be 1-64 characters of letters, digits, '.', '_', '-'");
  }
  bool admin = false;
  if (parsed->contains("admin")) {
    if (!(*parsed)["admin"].is_boolean()) return problem(400, "admin: must be true or false");
    admin = (*parsed)["admin"].get<bool>();
  }
  Result<std::pair<std::string, bool>> password = admin_set_password(*parsed, auth.options);
  if (!password) return problem(400, password.error());
  Result<User> user = context.accounts.create_user(
      {**name, admin, hash_password(password->first), true}, context.clock.now_ms());
  if (!user) return problem(409, "name: " + user.error());
  json out = encode_user(*user);
  if (password->second) out["initial_password"] = password->first;
  ApiResponse response = json_response(201, dump_json(out));
  response.headers.emplace_back("Location", "/api/v1/users/" + std::to_string(user->id));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ApiResponse get_user(ApiContext& context, const User& caller, std::string_view id) {
  if (!caller.admin) return admins_only();
  std::optional<std::int64_t> user_id = parse_id(id);
  std::optional<User> user = user_id ? context.accounts.find_user(*user_id) : std::nullopt;
  if (!user) return user_not_found(id);
  return json_response(200, dump_json(encode_user(*user)));
}

ApiResponse update_user(ApiContext& context, const AuthServices& auth, const User& caller,
                        std::string_view id, std::string_view body) {
  if (!caller.admin) return admins_only();
  std::optional<std::int64_t> user_id = parse_id(id);
  std::optional<User> user = user_id ? context.accounts.find_user(*user_id) : std::nullopt;
  if (!user) return user_not_found(id);
  Result<json> parsed = parse_object(body);
  if (!parsed) return problem(400, parsed.error());
  for (const auto& [key, value] : parsed->items()) {
    if (key != "disabled") return problem(400, key + ": cannot be changed (only \"disabled\")");
  }
  if (!parsed->contains("disabled") || !(*parsed)["disabled"].is_boolean()) {
    return problem(400, "disabled: must be true or false");
  }
  const bool disabled = (*parsed)["disabled"].get<bool>();
  if (disabled && user->admin && !user->disabled &&
      context.accounts.count_other_enabled_admins(user->id) == 0) {
    return problem(409, "disabled: cannot disable the last enabled administrator");
  }
  context.accounts.set_disabled(user->id, disabled);
  if (disabled) auth.sessions.remove_for_user(user->id);
  user->disabled = disabled;
  return json_response(200, dump_json(encode_user(*user)));
}

ApiResponse delete_user(ApiContext& context, const User& caller, std::string_view id) {
  if (!caller.admin) return admins_only();
  std::optional<std::int64_t> user_id = parse_id(id);
  std::optional<User> user = user_id ? context.accounts.find_user(*user_id) : std::nullopt;
  if (!user) return user_not_found(id);
  if (user->admin && !user->disabled &&
      context.accounts.count_other_enabled_admins(user->id) == 0) {
    return problem(409, "cannot delete the last enabled administrator");
  }
  // Disarm first: the engine must not fire alerts whose rows are about to go.
  const std::vector<Alert> alerts = context.alerts.list_for_user(user->id);
  for (const Alert& alert : alerts) context.engine.disarm(alert.id);
  context.accounts.delete_user(user->id);  // tokens and sessions cascade
  return ApiResponse{204, "", "", {}};
}

ApiResponse reset_password(ApiContext& context, const AuthServices& auth, const User& caller,
                           std::string_view id, std::string_view body) {
  if (!caller.admin) return admins_only();
  std::optional<std::int64_t> user_id = parse_id(id);
  std::optional<User> user = user_id ? context.accounts.find_user(*user_id) : std::nullopt;
  if (!user) return user_not_found(id);
  Result<json> parsed = body.empty() ? Result<json>(json::object()) : parse_object(body);
  if (!parsed) return problem(400, parsed.error());
  Result<std::pair<std::string, bool>> password = admin_set_password(*parsed, auth.options);
  if (!password) return problem(400, password.error());
  context.accounts.set_password(user->id, hash_password(password->first), true);
  auth.sessions.remove_for_user(user->id);
  user->must_change_password = true;
  json out = encode_user(*user);
  if (password->second) out["initial_password"] = password->first;
  ApiResponse response = json_response(200, dump_json(out));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace bw
