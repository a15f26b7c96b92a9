#include "notify/email_message.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

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

namespace {

// Line ends as CRLF (a template may arrive with LF or CRLF).
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') {
      out += "\r\n";
      continue;
    }
    out += text[i];
  }
  return out;
}

// Escaped text with line breaks as <br> (a body template is plain text).
std::string html_lines(std::string_view text) {
  std::string out;
  for (char c : html_escape(text)) {
    if (c == '\r') continue;
    out += c == '\n' ? std::string("<br>\r\n") : std::string(1, c);
  }
  return out;
}

}  // namespace

EmailContent email_content(const DueDelivery& due, std::string_view from) {
  const NewNotification& n = due.notification.content;
  const std::string name = due.alert.exists && !due.alert.name.empty() ? due.alert.name : n.symbol;
  const std::string reference = "Alert: " + name + " (#" + std::to_string(n.alert_id) +
                                ")\r\nNotification #" + std::to_string(due.notification.id) +
                                "\r\n";
  const std::string html_reference = "<p>Alert: " + html_escape(name) + " (#" +
                                     std::to_string(n.alert_id) + ")<br>Notification #" +
                                     std::to_string(due.notification.id) + "</p>";
  EmailContent c;
  c.subject = n.email_subject.empty() ? "[Bellwether] " + n.message : n.email_subject;
  if (n.email_body.empty()) {
    c.text = n.message + "\r\n\r\n" + reference;
    c.html = "<!DOCTYPE html><html><body><p><strong>" + html_escape(n.message) + "</strong></p>" +
             html_reference + "</body></html>\r\n";
  } else {
    c.text = crlf_lines(n.email_body) + "\r\n\r\n-- \r\n" + reference;
    c.html = "<!DOCTYPE html><html><body><p>" + html_lines(n.email_body) + "</p>" + html_reference +
             "</body></html>\r\n";
  }
  c.message_id = "<delivery-" + std::to_string(due.delivery.id) + "@" +
                 domain_of(envelope_address(from)) + ">";
  return c;
}

std::string build_email_message(const DueDelivery& due, std::string_view from, TimestampMs now) {
  return build_email_message(email_content(due, from), due.channel.target, from, now,
                             std::to_string(due.delivery.id));
}

std::string build_email_message(const EmailContent& c, std::string_view to, std::string_view from,
                                TimestampMs now, std::string_view tag) {
  const std::string boundary = "bw-" + std::string(tag) + "-" + std::to_string(now);
  std::string m;
  m += "Date: " + rfc5322_date(now) + "\r\n";
  m += "From: " + std::string(from) + "\r\n";
  m += "To: " + std::string(to) + "\r\n";
  m += "Subject: " + encoded_header(c.subject) + "\r\n";
  m += "Message-ID: " + c.message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary +
       "\r\nContent-Type: text/plain; charset=utf-8\r\n"
       "Content-Transfer-Encoding: base64\r\n\r\n" +
       base64_lines(c.text);
  m += "--" + boundary +
       "\r\nContent-Type: text/html; charset=utf-8\r\n"
       "Content-Transfer-Encoding: base64\r\n\r\n" +
       base64_lines(c.html);
  m += "--" + boundary + "--\r\n";
  return m;
}

EmailContent digest_email_content(const DueDigest& due, std::string_view from) {
  EmailContent c;
  std::string symbols;
  std::vector<std::string> seen;
  for (const DigestMember& m : due.members) {
    const std::string& symbol = m.notification.content.symbol;
    if (std::find(seen.begin(), seen.end(), symbol) != seen.end()) continue;
    seen.push_back(symbol);
    if (seen.size() > 5) {
      symbols += ", …";
      break;
    }
    symbols += (symbols.empty() ? "" : ", ") + symbol;
  }
  c.subject = "[Bellwether] " + std::to_string(due.members.size()) + " alerts: " + symbols;
  c.text = std::to_string(due.members.size()) +
           " alerts fired while this channel was over its rate limit:\r\n\r\n";
  c.html = "<!DOCTYPE html><html><body><p>" + std::to_string(due.members.size()) +
           " alerts fired while this channel was over its rate limit:</p><ul>";
  for (const DigestMember& m : due.members) {
    const NewNotification& n = m.notification.content;
    c.text += "- " + n.message + " (notification #" + std::to_string(m.notification.id) + ")\r\n";
    c.html += "<li>" + html_escape(n.message) + " (notification #" +
              std::to_string(m.notification.id) + ")</li>";
  }
  c.html += "</ul></body></html>\r\n";
  c.message_id =
      "<digest-" + std::to_string(due.digest.id) + "@" + domain_of(envelope_address(from)) + ">";
  return c;
}

EmailApiRequest email_api_request(EmailApiFormat format, const DueDelivery& due,
                                  std::string_view from, std::string_view key) {
  return email_api_request(format, email_content(due, from), due.channel.target, from, key);
}

EmailApiRequest email_api_request(EmailApiFormat format, const EmailContent& c,
                                  std::string_view to_address, std::string_view from,
                                  std::string_view key) {
  using nlohmann::json;
  const std::string sender = envelope_address(from);
  const std::string to(to_address);
  const std::string token(key);
  EmailApiRequest r;
  r.content_type = "application/json";
  const auto dump = [](const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  switch (format) {
    case EmailApiFormat::json:
      r.body = dump({{"from", std::string(from)},
                     {"to", to},
                     {"subject", c.subject},
                     {"text", c.text},
                     {"html", c.html},
                     {"message_id", c.message_id}});
      r.headers.push_back("Authorization: Bearer " + token);
      break;
    case EmailApiFormat::sendgrid: {
      json sender_json = {{"email", sender}};
      const auto open = from.find('<');
      if (open != std::string_view::npos && open > 0) {
        std::string name(from.substr(0, open));
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (!name.empty()) sender_json["name"] = name;
      }
      r.body = dump({{"personalizations", json::array({{{"to", json::array({{{"email", to}}})}}})},
                     {"from", sender_json},
                     {"subject", c.subject},
                     {"content", json::array({{{"type", "text/plain"}, {"value", c.text}},
                                              {{"type", "text/html"}, {"value", c.html}}})}});
      r.headers.push_back("Authorization: Bearer " + token);
      break;
    }
    case EmailApiFormat::mailgun: {
      r.content_type = "application/x-www-form-urlencoded";
      const auto field = [](std::string_view name, std::string_view value) {
        std::string out(name);
        out += '=';
        for (unsigned char ch : value) {
          if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += static_cast<char>(ch);
          } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", ch);
            out += hex;
          }
        }
        return out;
      };
      r.body = field("from", from) + "&" + field("to", to) + "&" + field("subject", c.subject) +
               "&" + field("text", c.text) + "&" + field("html", c.html) + "&" +
               field("h:Message-Id", c.message_id);
      r.basic_auth = "api:" + token;
      break;
    }
    case EmailApiFormat::postmark:
      r.body =
          dump({{"From", std::string(from)},
                {"To", to},
                {"Subject", c.subject},
                {"TextBody", c.text},
                {"HtmlBody", c.html},
                {"MessageStream", "outbound"},
                {"Headers", json::array({{{"Name", "Message-ID"}, {"Value", c.message_id}}})}});
      r.headers.push_back("Accept: application/json");
      r.headers.push_back("X-Postmark-Server-Token: " + token);
      break;
  }
  return r;
}

}  // namespace bw
