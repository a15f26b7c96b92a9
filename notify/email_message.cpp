#include "notify/email_message.hpp"

#include <ctime>

#include "notify/webhook_signature.hpp"

namespace bw {

namespace {

bool is_ascii_printable(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// RFC 5322 date-time in UTC, e.g. "Thu, 26 Nov 2026 15:00:00 +0000".
std::string rfc5322_date(TimestampMs ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

std::string encoded_header(std::string_view text) {
  if (is_ascii_printable(text)) return std::string(text);
  return "=?UTF-8?B?" + base64_encode(text) + "?=";
}

// Base64 wrapped at 76 characters per line (RFC 2045).
std::string base64_lines(std::string_view bytes) {
  const std::string flat = base64_encode(bytes);
  std::string out;
  for (std::size_t i = 0; i < flat.size(); i += 76) out += flat.substr(i, 76) + "\r\n";
  return out;
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? "bellwether.invalid" : std::string(address.substr(at + 1));
}

}  // namespace

Status check_email_address(std::string_view address) {
  if (address.empty()) return Error{"address: is required"};
  if (address.size() > kMaxEmailAddressLength) return Error{"address: longer than 254 characters"};
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    return Error{"address: must look like name@example.com"};
  }
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.size() > 64) return Error{"address: the part before @ is longer than 64 characters"};
  for (char c : local) {
    if (!is_ascii_printable(std::string_view(&c, 1)) ||
        std::string_view(" <>()[],;:\\\"@").find(c) != std::string_view::npos) {
      return Error{"address: invalid character in the part before @"};
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return Error{"address: misplaced dot before @"};
  }
  std::size_t label = 0;
  bool dotted = false;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || label > 63 || domain[i - 1] == '-' || domain[i - label] == '-') {
        return Error{"address: invalid domain"};
      }
      dotted = dotted || i < domain.size();
      label = 0;
      continue;
    }
    const char c = domain[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
      return Error{"address: invalid domain"};
    }
    ++label;
  }
  if (!dotted) return Error{"address: the domain needs a dot (example.com)"};
  return {};
}

std::string envelope_address(std::string_view from) {
  const auto open = from.rfind('<');
  const auto close = from.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    return std::string(from.substr(open + 1, close - open - 1));
  }
  return std::string(from);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string build_email_message(const DueDelivery& due, std::string_view from, TimestampMs now) {
  const NewNotification& n = due.notification.content;
  const std::string id = std::to_string(due.delivery.id);
  const std::string boundary = "bw-" + id + "-" + std::to_string(now);
  const std::string name = due.alert.exists && !due.alert.name.empty() ? due.alert.name : n.symbol;
  const std::string subject = "[Bellwether] " + n.message;
  const std::string text = n.message + "\r\n\r\nAlert: " + name + " (#" +
                           std::to_string(n.alert_id) + ")\r\nNotification #" +
                           std::to_string(due.notification.id) + "\r\n";
  const std::string html = "<!DOCTYPE html><html><body><p><strong>" + html_escape(n.message) +
                           "</strong></p><p>Alert: " + html_escape(name) + " (#" +
                           std::to_string(n.alert_id) + ")<br>Notification #" +
                           std::to_string(due.notification.id) + "</p></body></html>\r\n";
  std::string m;
  m += "Date: " + rfc5322_date(now) + "\r\n";
  m += "From: " + std::string(from) + "\r\n";
  m += "To: " + due.channel.target + "\r\n";
  m += "Subject: " + encoded_header(subject) + "\r\n";
  m += "Message-ID: <delivery-" + id + "@" + domain_of(envelope_address(from)) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary +
       "\r\nContent-Type: text/plain; charset=utf-8\r\n"
       "Content-Transfer-Encoding: base64\r\n\r\n" +
       base64_lines(text);
  m += "--" + boundary +
       "\r\nContent-Type: text/html; charset=utf-8\r\n"
       "Content-Transfer-Encoding: base64\r\n\r\n" +
       base64_lines(html);
  m += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace bw
