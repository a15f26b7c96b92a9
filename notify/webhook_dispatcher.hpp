// WebhookDispatcher: sends the outbox's deliveries: webhooks, and emails
// through the admin's SMTP transport (same retries and dead letters; an
// email attempt succeeds when the server accepts the message). Each of its
// `threads` drives a libcurl multi handle for its shard of the channels
// (DeliveryShard), so many transfers run at once and share keep-alive
// connections, and a channel's rate limit and digest live on one thread.
// Each attempt is a signed Standard Webhooks POST; its outcome is written
// back to the outbox (batched, one transaction per loop turn): 2xx
// delivered; 410 disables the channel (its open deliveries fail); any other
// answer, a timeout or a connection error retries on the schedule, and after
// the last attempt the delivery is dead. Dead and failed deliveries are
// reported through `on_event` (the server forwards them to the user's stream).
//
//   WebhookDispatcher dispatcher(outbox, clock, options, on_event);
//   dispatcher.start();          // also resumes every pending delivery
//   dispatcher.deliver(n);       // NotificationSink: n's outbox rows are committed, look now
//   dispatcher.stop();           // abandons in-flight transfers: they stay
//                                // pending and are sent again after restart
//
// Thread-safe: deliver()/wake()/set_options() from any thread; start/stop from the owner.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "metrics/metrics.hpp"
#include "notify/email_message.hpp"
#include "notify/notification_sink.hpp"
#include "notify/retry_schedule.hpp"
#include "notify/token_bucket.hpp"
#include "notify/webhook_target.hpp"
#include "rules/clock.hpp"
#include "store/delivery_repository.hpp"

namespace bw {

// The admin's SMTP transport for email channels; empty url: email disabled.
struct SmtpOptions {
  std::string url;       // smtp://host:port or smtps://host:port
  std::string from;      // From header; its <address> is the envelope sender
  std::string username;  // AUTH when not empty
  std::string password;  // never logged
  enum class Tls { required, try_, off } starttls = Tls::required;
};

// The admin's email-API transport (used when SmtpOptions::url is empty).
struct EmailApiOptions {
  std::string url;  // e.g. https://api.sendgrid.com/v3/mail/send; empty: none
  EmailApiFormat format = EmailApiFormat::json;
  std::string key;   // never logged
  std::string from;  // From address, as for SMTP
};

// One finished delivery attempt, for metrics.
struct DeliveryAttemptReport {
  std::string_view channel_type;                     // "webhook" or "email"
  DeliveryStatus status = DeliveryStatus::retrying;  // delivered, retrying, failed or dead
  double attempt_seconds = 0;                        // the transfer itself
  // Delivered deliveries only (not digests): from the notification's commit
  // (the outbox row) to now.
  std::optional<double> latency_seconds;
};

struct WebhookDispatcherOptions {
  RetrySchedule schedule = RetrySchedule::standard_webhooks();
  std::chrono::milliseconds timeout{10000};  // whole attempt
  std::chrono::milliseconds connect_timeout{5000};
  // Threads sending at once, each for its share of the channels (a channel's
  // deliveries, digest and rate limit stay on one). Read by the constructor
  // only: a reload does not change it.
  std::size_t threads = 1;
  std::size_t max_in_flight = 256;                // concurrent transfers, per thread
  std::size_t max_connections_per_host = 32;      // per thread
  std::chrono::milliseconds poll_interval{1000};  // look for due retries at least this often
  TargetPolicy targets;
  std::string user_agent = "bellwether-webhooks";
  SmtpOptions smtp;           // email channels go out through this transport,
  EmailApiOptions email_api;  // or this one when smtp.url is empty
  // Told about every finished attempt, a digest's included, on a dispatcher
  // thread (metrics; several threads may call it at once); optional.
  std::function<void(const DeliveryAttemptReport&)> on_attempt;
  // When the user is inside their quiet hours at `now`, the end of the
  // window: their due deliveries wait until then (DeliveryRepository::defer).
  // Empty function: no quiet hours. Called on the dispatcher threads.
  std::function<std::optional<TimestampMs>(UserId user, TimestampMs now)> quiet_until;
  // Throttling: a first attempt takes a token from its channel's bucket
  // (`throttle_burst` tokens, one more every `throttle_refill`); without one
  // the delivery is grouped into the channel's digest, sent `group_wait`
  // after its first member (store/digest_repository.hpp). Digests take no
  // token. Burst 0 or no `digests`: no throttling.
  DigestRepository* digests = nullptr;
  std::size_t throttle_burst = 0;
  std::chrono::milliseconds throttle_refill{6000};
  std::chrono::milliseconds group_wait{30000};
  std::size_t max_digest_members = 100;
  Counter* throttled = nullptr;          // deliveries grouped into a digest
  Counter* digests_delivered = nullptr;  // digests sent successfully
};

// (user id, JSON of the delivery) for a delivery that became dead or failed.
using DeliveryEventSink = std::function<void(UserId user, const std::string& json)>;

class WebhookDispatcher : public NotificationSink {
 public:
  WebhookDispatcher(DeliveryRepository& outbox, const Clock& clock,
                    WebhookDispatcherOptions options, DeliveryEventSink on_event);
  ~WebhookDispatcher() override;
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  void start();
  void stop();
  void deliver(const StoredNotification& notification) override;
  // Look for due deliveries now (after a commit or a manual retry).
  void wake();
  // Hot reload: the loop takes `options` at the start of its next turn.
  // Transfers in flight finish with the settings they started with; pending
  // and retrying deliveries stay in the outbox and go out (once) under the
  // new ones (the whole set, on_attempt included). Any thread.
  void set_options(WebhookDispatcherOptions options);

  std::uint64_t attempts_made() const { return attempts_made_.load(); }
  std::uint64_t deferred_count() const { return deferred_.load(); }

 private:
  class Loop;
  std::vector<std::unique_ptr<Loop>> loops_;  // one per thread, each with its shard
  std::vector<std::thread> threads_;
  std::atomic<std::uint64_t> attempts_made_{0};
  std::atomic<std::uint64_t> deferred_{0};  // deliveries held back by quiet hours
};

// The JSON body of a webhook: {"type":"alert.triggered","timestamp":…,
// "data":{"delivery_id","notification":{…},"alert":{…}}}.
std::string webhook_payload(const DueDelivery& due);
// {"type":"alert.digest","timestamp":…,"data":{"digest_id","count",
// "notifications":[{…,"delivery_id"}]}}; sent with webhook-id "digest-<id>".
std::string digest_payload(const DueDigest& due, TimestampMs now);
// The JSON of a delivery as the API and the stream show it.
std::string delivery_json(const Delivery& delivery);

}  // namespace bw
