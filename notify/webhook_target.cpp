#include "notify/webhook_target.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace bw {

namespace {

bool private_v4(std::uint32_t a) {  // host byte order
  const auto in = [a](std::uint32_t net, int bits) {
    return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits));
  };
  return in(0x00000000, 8) ||   // 0.0.0.0/8 "this network"
         in(0x0A000000, 8) ||   // 10/8
         in(0x64400000, 10) ||  // 100.64/10 CGNAT
         in(0x7F000000, 8) ||   // loopback
         in(0xA9FE0000, 16) ||  // link-local (cloud metadata)
         in(0xAC100000, 12) ||  // 172.16/12
         in(0xC0000000, 24) ||  // 192.0.0/24 IETF
         in(0xC0A80000, 16) ||  // 192.168/16
         in(0xC6120000, 15) ||  // 198.18/15 benchmarking
         in(0xE0000000, 3);     // multicast and reserved
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlText {
  char* text = nullptr;
  ~CurlText() { curl_free(text); }
};

}  // namespace

bool is_private_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return private_v4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family != AF_INET6) return true;  // unknown families are never public
  const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a)) {
    std::uint32_t v4 = 0;
    std::memcpy(&v4, a.s6_addr + 12, 4);
    return private_v4(ntohl(v4));
  }
  return IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LINKLOCAL(&a) ||
         IN6_IS_ADDR_SITELOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a) ||
         (a.s6_addr[0] & 0xFE) == 0xFC;  // fc00::/7 unique local
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text;
}

bool TargetPolicy::allows(const sockaddr* address) const {
  if (!is_private_address(address)) return true;
  const std::string text = address_text(address);
  return std::find(allowed_private_addresses.begin(), allowed_private_addresses.end(), text) !=
         allowed_private_addresses.end();
}

Status check_webhook_url(std::string_view url, const TargetPolicy& policy) {
  if (url.empty()) return Error{"url: is required"};
  if (url.size() > kMaxWebhookUrlLength) return Error{"url: longer than 2048 characters"};
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  const std::string text(url);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return Error{"url: not a valid absolute URL"};
  }
  CurlText scheme, host, user;
  curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme.text, 0);
  if (!scheme.text ||
      (std::strcmp(scheme.text, "http") != 0 && std::strcmp(scheme.text, "https"))) {
    return Error{"url: scheme must be http or https"};
  }
  if (curl_url_get(parsed.get(), CURLUPART_USER, &user.text, 0) == CURLUE_OK && user.text) {
    return Error{"url: must not contain credentials (user:password@)"};
  }
  if (curl_url_get(parsed.get(), CURLUPART_HOST, &host.text, 0) != CURLUE_OK || !host.text ||
      !*host.text) {
    return Error{"url: has no host"};
  }
  std::string name = host.text;
  if (name.size() > 2 && name.front() == '[') name = name.substr(1, name.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  // A name that does not resolve now is accepted: the dispatcher checks every
  // address again when it connects (which also defeats DNS rebinding).
  if (getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0) return {};
  Status verdict;
  for (addrinfo* a = found; a; a = a->ai_next) {
    if (!policy.allows(a->ai_addr)) {
      verdict = Error{"url: host " + name + " is a private or loopback address (" +
                      address_text(a->ai_addr) +
                      "); an admin may allow it in [delivery] allowed_private_addresses"};
      break;
    }
  }
  freeaddrinfo(found);
  return verdict;
}

}  // namespace bw
