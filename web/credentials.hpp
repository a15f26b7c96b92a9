// Credentials: API tokens and passwords, made and checked with libsodium.
//
//   std::string token = generate_token();        // "bw_" + 43 url-safe chars (256 bits)
//   accounts.add_token(user, hash_token(token), "cli", now);
//   std::string stored = hash_password(pw);      // Argon2id (crypto_pwhash_str)
//   bool ok = verify_password(stored, pw);
//
// Call init_crypto() once at start-up. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace bw {

// Initialises libsodium; throws std::runtime_error if it cannot.
void init_crypto();
std::string generate_token();
// `prefix` + 43 url-safe characters (256 random bits): session ids, CSRF tokens.
std::string generate_secret(std::string_view prefix);
// Hex SHA-256: tokens carry 256 random bits, so a fast hash is enough.
std::string hash_token(std::string_view token);
// A random password of `length` url-safe characters.
std::string generate_password(std::size_t length = 20);
std::string hash_password(std::string_view password);
bool verify_password(const std::string& stored_hash, std::string_view password);

}  // namespace bw
