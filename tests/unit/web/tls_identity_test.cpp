// Specification of bw::TlsIdentity: loading, checking and swapping the
// listeners' certificate and key (a throw-away CA from make_test_ca.sh).
#include "web/tls_identity.hpp"

#include <openssl/ssl.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/fake_process.hpp"

using bw::TlsIdentity;
using bw::testing::make_test_ca;
using bw::testing::TempDir;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("A matching certificate and key load, with the leaf's SHA-256 fingerprint",
          "[web][tls]") {
  TempDir dir;
  make_test_ca(dir);
  auto tls = TlsIdentity::load(dir.file("server.pem"), dir.file("server.key"));
  REQUIRE(tls.ok());
  const std::string fingerprint = (*tls)->fingerprint();
  CHECK(fingerprint.size() == 32 * 3 - 1);  // "AB:CD:..." for 32 bytes
  CHECK(fingerprint[2] == ':');
}

TEST_CASE("Load errors name the file that is wrong and why", "[web][tls]") {
  TempDir dir;
  make_test_ca(dir);
  auto missing = TlsIdentity::load(dir.file("nope.pem"), dir.file("server.key"));
  REQUIRE_FALSE(missing.ok());
  CHECK(contains(missing.error(), "cert_file: cannot read"));
  auto not_a_cert = TlsIdentity::load(dir.file("server.key"), dir.file("server.key"));
  REQUIRE_FALSE(not_a_cert.ok());
  CHECK((contains(not_a_cert.error(), "cert_file: ") &&
         contains(not_a_cert.error(), "no PEM certificate")));
  auto not_a_key = TlsIdentity::load(dir.file("server.pem"), dir.file("ca.pem"));
  REQUIRE_FALSE(not_a_key.ok());
  CHECK((contains(not_a_key.error(), "key_file: ") &&
         contains(not_a_key.error(), "no unencrypted PEM private key")));
  auto mismatch = TlsIdentity::load(dir.file("server.pem"), dir.file("ca.key"));
  REQUIRE_FALSE(mismatch.ok());
  CHECK((contains(mismatch.error(), "key_file: ") && contains(mismatch.error(), "does not match")));
}

TEST_CASE("reload reports a change only when the files changed, and keeps the old pair on error",
          "[web][tls]") {
  TempDir dir;
  make_test_ca(dir);
  TempDir renewed;
  make_test_ca(renewed);
  auto tls = TlsIdentity::load(dir.file("server.pem"), dir.file("server.key"));
  REQUIRE(tls.ok());
  const std::string first = (*tls)->fingerprint();
  auto same = (*tls)->reload(dir.file("server.pem"), dir.file("server.key"));
  REQUIRE(same.ok());
  CHECK_FALSE(*same);
  auto bad = (*tls)->reload(renewed.file("server.pem"), dir.file("server.key"));
  CHECK_FALSE(bad.ok());
  CHECK((*tls)->fingerprint() == first);
  auto changed = (*tls)->reload(renewed.file("server.pem"), renewed.file("server.key"));
  REQUIRE(changed.ok());
  CHECK(*changed);
  CHECK((*tls)->fingerprint() != first);
}

TEST_CASE("configure sets TLS 1.2 as the minimum version", "[web][tls]") {
  TempDir dir;
  make_test_ca(dir);
  auto tls = TlsIdentity::load(dir.file("server.pem"), dir.file("server.key"));
  REQUIRE(tls.ok());
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  REQUIRE(ctx);
  CHECK((*tls)->configure(ctx));
  CHECK(SSL_CTX_get_min_proto_version(ctx) == TLS1_2_VERSION);
  SSL_CTX_free(ctx);
}

TEST_CASE("A staged identity serves only once committed", "[web][tls]") {
  TempDir dir;
  make_test_ca(dir);
  TempDir renewed;
  make_test_ca(renewed);
  auto tls = TlsIdentity::load(dir.file("server.pem"), dir.file("server.key"));
  REQUIRE(tls.ok());
  const std::string first = (*tls)->fingerprint();
  auto staged = (*tls)->stage(renewed.file("server.pem"), renewed.file("server.key"));
  REQUIRE(staged.ok());
  CHECK(*staged);
  CHECK((*tls)->fingerprint() == first);  // a refused reload stops here
  (*tls)->commit();
  CHECK((*tls)->fingerprint() != first);
}
