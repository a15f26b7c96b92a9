#include "config/tls_files.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

namespace bw {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

TlsPairCheck problem(TlsFileProblem which, std::string reason) {
  ERR_clear_error();
  return TlsPairCheck{which, std::move(reason)};
}

}  // namespace

TlsPairCheck check_tls_pair(const std::string& cert_file, const std::string& key_file) {
  File cert_in(std::fopen(cert_file.c_str(), "rb"));
  if (!cert_in) return problem(TlsFileProblem::cert_file, "cannot read \"" + cert_file + "\"");
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_X509(cert_in.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) {
    return problem(TlsFileProblem::cert_file,
                   "\"" + cert_file + "\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  File key_in(std::fopen(key_file.c_str(), "rb"));
  if (!key_in) return problem(TlsFileProblem::key_file, "cannot read \"" + key_file + "\"");
  // No passphrase callback: an encrypted key cannot be unlocked unattended.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_PrivateKey(
          key_in.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr),
      &EVP_PKEY_free);
  if (!key) {
    return problem(
        TlsFileProblem::key_file,
        "\"" + key_file +
            "\" holds no unencrypted PEM private key (encrypted keys are not supported)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return problem(TlsFileProblem::key_file,
                   "\"" + key_file + "\" does not match the certificate in \"" + cert_file + "\"");
  }
  return {};
}

}  // namespace bw
