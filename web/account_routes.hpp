// Account handlers: a user's own password and API tokens, and the admin's
// user management. Plain functions from a parsed request to a response
// (ApiServer binds them to routes; see docs/API.md).
//
//   ApiResponse r = change_password(context, auth, caller, body);
//
// Admin handlers answer 403 to non-admins; a user's tokens are addressed only
// within that user (someone else's token id is 404). Passwords and tokens
// appear in a response only when the server generated them, exactly once.
// Thread-safe.
#pragma once

#include <string_view>

#include "web/session_routes.hpp"

namespace bw {

inline constexpr std::size_t kMaxTokenLabelLength = 100;
inline constexpr std::size_t kMaxTokensPerUser = 100;

ApiResponse change_password(ApiContext& context, const AuthServices& auth, const Caller& caller,
                            std::string_view body);

ApiResponse list_tokens(ApiContext& context, const User& user);
ApiResponse create_token(ApiContext& context, const User& user, std::string_view body);
ApiResponse revoke_token(ApiContext& context, const User& user, std::string_view id);

ApiResponse list_users(ApiContext& context, const User& caller);
ApiResponse create_user(ApiContext& context, const AuthServices& auth, const User& caller,
                        std::string_view body);
ApiResponse get_user(ApiContext& context, const User& caller, std::string_view id);
// PATCH {"disabled": bool}
ApiResponse update_user(ApiContext& context, const AuthServices& auth, const User& caller,
                        std::string_view id, std::string_view body);
ApiResponse delete_user(ApiContext& context, const User& caller, std::string_view id);
// POST /users/{id}/password {"password"?}: sets a password the user must change.
ApiResponse reset_password(ApiContext& context, const AuthServices& auth, const User& caller,
                           std::string_view id, std::string_view body);

}  // namespace bw
