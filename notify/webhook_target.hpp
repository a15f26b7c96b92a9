// Webhook targets: which URLs a user may register and which addresses the
// dispatcher may connect to. Private, loopback, link-local and other
// non-public addresses are refused (server-side request forgery) unless the
// admin lists the exact address in `[delivery] allowed_private_addresses`.
//
//   TargetPolicy policy{{"127.0.0.1"}};
//   Status ok = check_webhook_url("https://hooks.example.com/x", policy);
//   bool may = policy.allows(sockaddr);           // at connect time
//
// Plain values and functions; thread-safe. check_webhook_url may block on DNS.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/result.hpp"

struct sockaddr;

namespace bw {

inline constexpr std::size_t kMaxWebhookUrlLength = 2048;

// True for addresses that are not publicly routable: loopback, RFC 1918,
// CGNAT, link-local, unspecified, multicast, IPv6 ULA, IPv4-mapped private.
bool is_private_address(const sockaddr* address);
// The numeric text of an IPv4/IPv6 address ("127.0.0.1", "::1").
std::string address_text(const sockaddr* address);

struct TargetPolicy {
  std::vector<std::string> allowed_private_addresses;
  bool allows(const sockaddr* address) const;
};

// An http(s) URL with a host, no credentials, at most kMaxWebhookUrlLength,
// whose host (if it is an address, or resolves now) is allowed by `policy`.
// The error names the field: "url: ...".
Status check_webhook_url(std::string_view url, const TargetPolicy& policy);

}  // namespace bw
