// Specification of Standard Webhooks signing (notify/webhook_signature.hpp).
#include <catch2/catch.hpp>

#include "notify/webhook_signature.hpp"

using namespace bw;

TEST_CASE("signing matches the Standard Webhooks reference vector", "[notify]") {
  // From the standard-webhooks specification's test suite.
  CHECK(sign_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                     1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("a different body, id or timestamp changes the signature", "[notify]") {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string base = sign_webhook(secret, "1", 100, "{}");
  CHECK(sign_webhook(secret, "2", 100, "{}") != base);
  CHECK(sign_webhook(secret, "1", 101, "{}") != base);
  CHECK(sign_webhook(secret, "1", 100, "{ }") != base);
}

TEST_CASE("a malformed secret signs nothing", "[notify]") {
  CHECK(sign_webhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "1", 1, "{}").empty());
  CHECK(sign_webhook("whsec_not base64!", "1", 1, "{}").empty());
}

TEST_CASE("generated secrets are whsec_ plus 32 random bytes", "[notify]") {
  const std::string a = generate_webhook_secret();
  const std::string b = generate_webhook_secret();
  CHECK(a.rfind("whsec_", 0) == 0);
  CHECK(a != b);
  auto key = webhook_secret_key(a);
  REQUIRE(key);
  CHECK(key->size() == 32);
}

TEST_CASE("base64 round-trips every padding length", "[notify]") {
  for (std::string text : {"", "a", "ab", "abc", "abcd", "\xff\x00\x01"}) {
    if (text.empty()) {
      CHECK(base64_encode(text).empty());
      continue;
    }
    auto back = base64_decode(base64_encode(text));
    REQUIRE(back);
    CHECK(*back == text);
  }
  CHECK_FALSE(base64_decode("abc"));
}
