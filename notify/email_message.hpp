// Email notifications: address validation and the RFC 5322 message of a
// delivery (multipart/alternative with a text and an HTML part, both base64;
// Date, Message-ID and an RFC 2047-encoded Subject when it is not ASCII).
//
//   Status ok = check_email_address("trader@example.com");
//   std::string mime = build_email_message(due, "Bellwether <alerts@example.com>", now_ms);
//
// The Message-ID is derived from the delivery id, so every attempt of one
// delivery carries the same one (receivers can de-duplicate).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/result.hpp"
#include "store/delivery_repository.hpp"
#include "store/digest_repository.hpp"

namespace bw {

inline constexpr std::size_t kMaxEmailAddressLength = 254;

// A plain addr-spec "local@domain" (no display name, comments or quoting):
// printable ASCII without spaces or <>()[],;:\" in the local part, a dotted
// domain of letters, digits and hyphens. The error names the field "address".
Status check_email_address(std::string_view address);
// The address inside "Name <addr>", or the text itself.
std::string envelope_address(std::string_view from);
std::string html_escape(std::string_view text);
// The parts every transport sends.
struct EmailContent {
  std::string subject;     // raw UTF-8 (encoded only in the RFC 5322 header)
  std::string text;        // CRLF line ends
  std::string html;        // every interpolated value HTML-escaped
  std::string message_id;  // "<delivery-42@example.com>", the same on every attempt
};
EmailContent email_content(const DueDelivery& due, std::string_view from);
// A digest: "[Bellwether] 3 alerts: AAPL, MSFT, TSLA" and one line per
// member's message (escaped in the HTML part); Message-ID <digest-N@…>.
EmailContent digest_email_content(const DueDigest& due, std::string_view from);
std::string build_email_message(const DueDelivery& due, std::string_view from, TimestampMs now);
// The RFC 5322 message of any content; `tag` makes the MIME boundary unique.
std::string build_email_message(const EmailContent& content, std::string_view to,
                                std::string_view from, TimestampMs now, std::string_view tag);

// Email-API transports: one HTTP request per delivery.
enum class EmailApiFormat { json, sendgrid, mailgun, postmark };
struct EmailApiRequest {
  std::string content_type;
  std::string body;
  std::vector<std::string> headers;  // "Name: value", incl. the API key's header
  std::string basic_auth;            // "user:password" for Mailgun, else empty
};
// `key` is the admin's API key (never logged). Formats: json (generic:
// {"from","to","subject","text","html","message_id"} with a Bearer key),
// sendgrid (v3 mail/send), mailgun (form fields, basic auth api:key),
// postmark (/email with X-Postmark-Server-Token).
EmailApiRequest email_api_request(EmailApiFormat format, const DueDelivery& due,
                                  std::string_view from, std::string_view key);
EmailApiRequest email_api_request(EmailApiFormat format, const EmailContent& content,
                                  std::string_view to, std::string_view from, std::string_view key);

}  // namespace bw
