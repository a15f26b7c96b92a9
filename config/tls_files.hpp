// check_tls_pair: whether a certificate file and a key file make a usable
// TLS server identity, for the config loader's `[tls]` checks (the listeners
// load the files themselves, see web/tls_identity.hpp).
//
//   if (Status ok = check_tls_pair("cert.pem", "key.pem"); !ok) report(ok.error());
//
// A pure function of the files' contents; thread-safe.
#pragma once

#include <string>

#include "rules/result.hpp"

namespace bw {

// Which file is wrong: the certificate, the key, or both (they do not match).
enum class TlsFileProblem { none, cert_file, key_file };

struct TlsPairCheck {
  TlsFileProblem problem = TlsFileProblem::none;
  std::string reason;
};

// The certificate file must hold at least one PEM certificate (the first is
// the server's, the rest its chain); the key file an unencrypted PEM private
// key matching that first certificate.
TlsPairCheck check_tls_pair(const std::string& cert_file, const std::string& key_file);

}  // namespace bw
