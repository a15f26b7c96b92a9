// TlsIdentity: the server certificate chain and private key that both
// listeners (REST/dashboard and the event stream) present, loaded from PEM
// files, checked (readable, parseable, key matches the certificate) and
// swappable at run time: reload() takes effect for every handshake that
// starts afterwards, while open connections keep the identity they
// negotiated.
//
//   Result<std::shared_ptr<TlsIdentity>> tls = TlsIdentity::load(cert_file, key_file);
//   if (!tls) fail(tls.error());
//   (*tls)->configure(ssl_ctx);           // TLS 1.2+, server ciphers, the current identity
//   Result<bool> changed = (*tls)->reload(cert_file, key_file);  // on SIGHUP
//
// Thread safety: safe for concurrent access from multiple threads without
// external synchronization (the current identity is swapped under a mutex and
// read once per handshake).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "rules/result.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace bw {

class TlsIdentity {
 public:
  // Checks that `cert_file` holds a PEM certificate (chain) and `key_file` an
  // unencrypted PEM private key that belongs to its first certificate. The
  // error names the file that is wrong and why ("key_file: ... does not match
  // the certificate in ...").
  static Result<std::shared_ptr<TlsIdentity>> load(const std::string& cert_file,
                                                   const std::string& key_file);
  ~TlsIdentity();
  TlsIdentity(const TlsIdentity&) = delete;
  TlsIdentity& operator=(const TlsIdentity&) = delete;

  // Reads the files again; the new identity serves the next handshakes. True
  // when the certificate or key changed; an error leaves the old one in place.
  // The same as stage() then commit().
  Result<bool> reload(const std::string& cert_file, const std::string& key_file);

  // Two steps, for a reload that may still be refused after the files are
  // read: stage() reads and checks them (true when they differ from the
  // serving identity) while the current identity keeps serving; commit()
  // makes the staged one serve the next handshakes (nothing staged: no-op).
  Result<bool> stage(const std::string& cert_file, const std::string& key_file);
  void commit();

  // Sets up a server context: TLS 1.2 minimum, forward-secret AEAD ciphers
  // for TLS 1.2 (TLS 1.3 suites are all fine), no compression or
  // renegotiation, and a certificate callback that installs the current
  // identity on each connection. The context must not outlive this object.
  bool configure(SSL_CTX* ctx);

  // The SHA-256 fingerprint of the current leaf certificate ("AB:CD:...").
  std::string fingerprint() const;

 private:
  struct Pair;
  explicit TlsIdentity(std::shared_ptr<const Pair> pair);
  std::shared_ptr<const Pair> current() const;
  static int on_certificate(SSL* ssl, void* self);

  mutable std::mutex mutex_;
  std::shared_ptr<const Pair> pair_;    // guarded by mutex_
  std::shared_ptr<const Pair> staged_;  // guarded by mutex_
};

}  // namespace bw
