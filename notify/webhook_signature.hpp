// Standard Webhooks signing: secrets are "whsec_" + base64 of random bytes;
// a signature is "v1," + base64(HMAC-SHA256(secret bytes, id "." timestamp "." body)).
//
//   std::string secret = generate_webhook_secret();          // shown to the user once
//   std::string sig = sign_webhook(secret, "42", 1700000000, body);
//   // header: webhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=
//
// Pure functions (generate uses OpenSSL's CSPRNG); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bw {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// "whsec_" + base64 of 32 random bytes.
std::string generate_webhook_secret();
// nullopt when `secret` is not "whsec_<base64>".
std::optional<std::string> webhook_secret_key(std::string_view secret);
// "v1,<base64 HMAC-SHA256>"; empty if the secret is malformed.
std::string sign_webhook(std::string_view secret, std::string_view id, std::int64_t timestamp_s,
                         std::string_view body);

}  // namespace bw
