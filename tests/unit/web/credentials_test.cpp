// Specification of the credential helpers: tokens, token hashes, passwords.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "web/credentials.hpp"

using namespace bw;

TEST_CASE("a token is bw_ followed by 43 url-safe characters", "[web]") {
  init_crypto();
  const std::regex shape("bw_[A-Za-z0-9_-]{43}");
  for (int i = 0; i < 20; ++i) {
    std::string token = generate_token();
    INFO(token);
    CHECK(std::regex_match(token, shape));
  }
}

TEST_CASE("tokens are random", "[web]") {
  init_crypto();
  CHECK(generate_token() != generate_token());
}

TEST_CASE("a token hash is the deterministic lower-case hex SHA-256", "[web]") {
  init_crypto();
  CHECK(hash_token("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string token = generate_token();
  CHECK(hash_token(token) == hash_token(token));
  CHECK(std::regex_match(hash_token(token), std::regex("[0-9a-f]{64}")));
  CHECK(hash_token(token) != hash_token(generate_token()));
}

TEST_CASE("generated passwords have the asked length and are url-safe", "[web]") {
  init_crypto();
  CHECK(generate_password().size() == 20);
  for (std::size_t length : {1u, 5u, 20u, 64u}) {
    std::string password = generate_password(length);
    INFO(password);
    CHECK(password.size() == length);
    CHECK(std::regex_match(password, std::regex("[A-Za-z0-9_-]+")));
  }
  CHECK(generate_password() != generate_password());
}

TEST_CASE("a password hash is Argon2id and verifies only the right password", "[web]") {
  init_crypto();
  const std::string stored = hash_password("correct horse battery staple");
  CHECK_THAT(stored, Catch::StartsWith("$argon2id$"));
  CHECK(verify_password(stored, "correct horse battery staple"));
  CHECK_FALSE(verify_password(stored, "correct horse battery stapler"));
  CHECK_FALSE(verify_password(stored, ""));
}

TEST_CASE("a malformed stored hash verifies nothing", "[web]") {
  init_crypto();
  CHECK_FALSE(verify_password("", "anything"));
  CHECK_FALSE(verify_password("not a hash", "not a hash"));
}
