// Specification of bw::RetrySchedule and the webhook URL policy.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <catch2/catch.hpp>

#include "notify/retry_schedule.hpp"
#include "notify/webhook_target.hpp"

using namespace bw;
using namespace std::chrono_literals;

TEST_CASE("the default schedule is Standard Webhooks' ten attempts", "[notify]") {
  RetrySchedule s = RetrySchedule::standard_webhooks();
  CHECK(s.max_attempts() == 10);
  s.jitter = 0;
  CHECK(s.delay_after(1, 0.5) == std::chrono::milliseconds(5s));
  CHECK(s.delay_after(2, 0.5) == std::chrono::milliseconds(5min));
  CHECK(s.delay_after(9, 0.5) == std::chrono::milliseconds(24h));
  CHECK_FALSE(s.delay_after(10, 0.5));
  CHECK_FALSE(s.delay_after(0, 0.5));
}

TEST_CASE("jitter stretches a delay within plus or minus its fraction", "[notify]") {
  RetrySchedule s{{10s}, 0.2};
  CHECK(s.delay_after(1, 0.0) == 8000ms);
  CHECK(s.delay_after(1, 0.5) == 10000ms);
  CHECK(s.delay_after(1, 0.999999) <= 12000ms);
  CHECK(s.delay_after(1, 0.999999) > 11990ms);
}

namespace {
sockaddr_in v4(const char* text) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, text, &a.sin_addr);
  return a;
}
sockaddr_in6 v6(const char* text) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  inet_pton(AF_INET6, text, &a.sin6_addr);
  return a;
}
bool is_private(const sockaddr_in& a) {
  return is_private_address(reinterpret_cast<const sockaddr*>(&a));
}
bool is_private(const sockaddr_in6& a) {
  return is_private_address(reinterpret_cast<const sockaddr*>(&a));
}
}  // namespace

TEST_CASE("private, loopback and link-local addresses are recognised", "[notify]") {
  for (const char* text : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                           "100.64.0.1", "0.0.0.0"}) {
    CHECK(is_private(v4(text)));
  }
  for (const char* text : {"8.8.8.8", "172.32.0.1", "1.1.1.1"}) CHECK_FALSE(is_private(v4(text)));
  for (const char* text : {"::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::"}) {
    CHECK(is_private(v6(text)));
  }
  CHECK_FALSE(is_private(v6("2606:4700::1111")));
}

TEST_CASE("webhook URLs must be http(s) to an allowed host", "[notify]") {
  TargetPolicy strict;
  CHECK_FALSE(check_webhook_url("http://127.0.0.1:9/x", strict));
  CHECK_FALSE(check_webhook_url("http://[::1]/x", strict));
  CHECK_FALSE(check_webhook_url("http://10.0.0.5/x", strict));
  CHECK_FALSE(check_webhook_url("ftp://8.8.8.8/x", strict));
  CHECK_FALSE(check_webhook_url("not a url", strict));
  CHECK_FALSE(check_webhook_url("https://user:pw@8.8.8.8/x", strict));
  CHECK(check_webhook_url("https://8.8.8.8/hook", strict));
  TargetPolicy tests{{"127.0.0.1"}};
  CHECK(check_webhook_url("http://127.0.0.1:9/x", tests));
  CHECK_FALSE(check_webhook_url("http://127.0.0.2:9/x", tests));
  CHECK(check_webhook_url("http://127.0.0.1:9/x", strict).error().find("url:") == 0);
}
