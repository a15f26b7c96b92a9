#include "web/tls_identity.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace bw {

namespace {

// Certificates and keys are a few KiB; anything this large is not one.
constexpr std::size_t kMaxPemBytes = 1 << 20;

// Mozilla's "intermediate" TLS 1.2 suites: ECDHE key exchange with AEAD
// ciphers only. TLS 1.3's default suites are all AEAD and forward-secret.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

Result<std::string> read_pem(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read \"" + path + "\""};
  std::string bytes(kMaxPemBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > kMaxPemBytes) return Error{"\"" + path + "\" is larger than 1 MiB"};
  if (bytes.empty()) return Error{"\"" + path + "\" is empty"};
  return bytes;
}

std::unique_ptr<BIO, BioDeleter> memory_bio(const std::string& bytes) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

}  // namespace

// One loaded identity: the leaf, the intermediates after it, the key, and the
// PEM bytes they came from (to tell whether a reload changed anything).
struct TlsIdentity::Pair {
  X509Ptr leaf;
  std::vector<X509Ptr> chain;
  KeyPtr key;
  std::string pem;  // certificate file bytes + key file bytes

  static Result<std::shared_ptr<const Pair>> read(const std::string& cert_file,
                                                  const std::string& key_file) {
    Result<std::string> cert_pem = read_pem(cert_file);
    if (!cert_pem) return Error{"cert_file: " + cert_pem.error()};
    Result<std::string> key_pem = read_pem(key_file);
    if (!key_pem) return Error{"key_file: " + key_pem.error()};
    auto pair = std::make_shared<Pair>();
    auto cert_bio = memory_bio(*cert_pem);
    pair->leaf.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    if (!pair->leaf) {
      ERR_clear_error();
      return Error{"cert_file: \"" + cert_file + "\" holds no PEM certificate"};
    }
    while (X509* next = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)) {
      pair->chain.emplace_back(next);
    }
    ERR_clear_error();  // the end of the file reads as an error
    auto key_bio = memory_bio(*key_pem);
    // No passphrase callback: an encrypted key cannot be unlocked unattended.
    pair->key.reset(PEM_read_bio_PrivateKey(
        key_bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
    if (!pair->key) {
      ERR_clear_error();
      return Error{"key_file: \"" + key_file +
                   "\" holds no unencrypted PEM private key (encrypted keys are not supported)"};
    }
    if (X509_check_private_key(pair->leaf.get(), pair->key.get()) != 1) {
      ERR_clear_error();
      return Error{"key_file: \"" + key_file + "\" does not match the certificate in \"" +
                   cert_file + "\""};
    }
    pair->pem = *cert_pem + *key_pem;
    return std::shared_ptr<const Pair>(std::move(pair));
  }

  // Installs this identity on a connection (or, with ssl null, on `ctx`).
  bool install(SSL_CTX* ctx, SSL* ssl) const {
    STACK_OF(X509)* stack = sk_X509_new_null();
    if (!stack) return false;
    for (const X509Ptr& cert : chain) sk_X509_push(stack, cert.get());
    const int ok = ssl ? SSL_use_cert_and_key(ssl, leaf.get(), key.get(), stack, 1)
                       : SSL_CTX_use_cert_and_key(ctx, leaf.get(), key.get(), stack, 1);
    sk_X509_free(stack);  // the certificates stay ours; OpenSSL took references
    return ok == 1;
  }
};

Result<std::shared_ptr<TlsIdentity>> TlsIdentity::load(const std::string& cert_file,
                                                       const std::string& key_file) {
  Result<std::shared_ptr<const Pair>> pair = Pair::read(cert_file, key_file);
  if (!pair) return Error{pair.error()};
  return std::shared_ptr<TlsIdentity>(new TlsIdentity(std::move(*pair)));
}

TlsIdentity::TlsIdentity(std::shared_ptr<const Pair> pair) : pair_(std::move(pair)) {}
TlsIdentity::~TlsIdentity() = default;

std::shared_ptr<const TlsIdentity::Pair> TlsIdentity::current() const {
  std::lock_guard lock(mutex_);
  return pair_;
}

Result<bool> TlsIdentity::reload(const std::string& cert_file, const std::string& key_file) {
  Result<bool> changed = stage(cert_file, key_file);
  if (changed) commit();
  return changed;
}

Result<bool> TlsIdentity::stage(const std::string& cert_file, const std::string& key_file) {
  Result<std::shared_ptr<const Pair>> pair = Pair::read(cert_file, key_file);
  if (!pair) return Error{pair.error()};
  std::lock_guard lock(mutex_);
  const bool changed = (*pair)->pem != pair_->pem;
  staged_ = changed ? std::move(*pair) : nullptr;
  return changed;
}

void TlsIdentity::commit() {
  std::lock_guard lock(mutex_);
  if (staged_) pair_ = std::move(staged_);
  staged_ = nullptr;
}

int TlsIdentity::on_certificate(SSL* ssl, void* self) {
  const std::shared_ptr<const Pair> pair = static_cast<TlsIdentity*>(self)->current();
  return pair->install(nullptr, ssl) ? 1 : 0;
}

bool TlsIdentity::configure(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return false;
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) return false;
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // The context's own identity covers a handshake that never reaches the
  // callback; the callback gives every new connection the latest one.
  if (!current()->install(ctx, nullptr)) return false;
  SSL_CTX_set_cert_cb(ctx, &TlsIdentity::on_certificate, this);
  return true;
}

std::string TlsIdentity::fingerprint() const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(current()->leaf.get(), EVP_sha256(), digest, &length) != 1) return "";
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", digest[i]);
    out += hex;
  }
  return out;
}

}  // namespace bw
