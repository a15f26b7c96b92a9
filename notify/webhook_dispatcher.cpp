#include "notify/webhook_dispatcher.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <vector>

#include "notify/email_message.hpp"
#include "notify/webhook_signature.hpp"
#include "platform/thread_setup.hpp"

namespace bw {

namespace {

using nlohmann::json;

// Bound on the first attempts read back to rebuild the buckets (newest first).
constexpr std::size_t kMaxRestoredSpends = 200000;

std::string rfc3339(TimestampMs ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
  return size * count;  // the receiver's answer body is not needed, only its status
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string webhook_payload(const DueDelivery& due) {
  const NewNotification& n = due.notification.content;
  json alert = {{"id", due.alert.id}, {"symbol", n.symbol}};
  if (due.alert.exists) {
    alert["name"] = due.alert.name;
    alert["condition"] = {{"type", due.alert.condition_type},
                          {"price", Price::from_units(due.alert.threshold_units).to_double()}};
  } else {
    alert["deleted"] = true;
  }
  // alert_id 0: a test message from POST /api/v1/channels/{id}/test.
  if (n.alert_id == 0) alert = {{"id", 0}, {"test", true}};
  return dump({{"type", n.alert_id == 0 ? "channel.test" : "alert.triggered"},
               {"timestamp", rfc3339(n.created_at)},
               {"data",
                {{"delivery_id", due.delivery.id},
                 {"notification",
                  {{"id", due.notification.id},
                   {"alert_id", n.alert_id},
                   {"symbol", n.symbol},
                   {"price", n.price.to_double()},
                   {"message", n.message},
                   {"created_at", rfc3339(n.created_at)}}},
                 {"alert", std::move(alert)}}}});
}

std::string digest_payload(const DueDigest& due, TimestampMs now) {
  json items = json::array();
  for (const DigestMember& m : due.members) {
    const NewNotification& n = m.notification.content;
    items.push_back({{"id", m.notification.id},
                     {"delivery_id", m.delivery_id},
                     {"alert_id", n.alert_id},
                     {"symbol", n.symbol},
                     {"price", n.price.to_double()},
                     {"message", n.message},
                     {"created_at", rfc3339(n.created_at)}});
  }
  return dump({{"type", "alert.digest"},
               {"timestamp", rfc3339(now)},
               {"data",
                {{"digest_id", due.digest.id},
                 {"count", due.members.size()},
                 {"notifications", std::move(items)}}}});
}

std::string delivery_json(const Delivery& d) {
  json out = {{"id", d.id},
              {"notification_id", d.notification_id},
              {"channel_id", d.channel_id},
              {"status", delivery_status_name(d.status)},
              {"attempts", d.attempts},
              {"next_attempt_at", nullptr},
              {"last_error", d.last_error.empty() ? json(nullptr) : json(d.last_error)},
              {"last_status_code", d.last_status_code ? json(*d.last_status_code) : json(nullptr)},
              {"created_at", rfc3339(d.created_at)},
              {"updated_at", rfc3339(d.updated_at)},
              {"delivered_at", d.delivered_at ? json(rfc3339(*d.delivered_at)) : json(nullptr)},
              {"digest_id", d.digest_id ? json(*d.digest_id) : json(nullptr)}};
  if (d.status == DeliveryStatus::pending || d.status == DeliveryStatus::retrying) {
    out["next_attempt_at"] = rfc3339(d.next_attempt_at);
  }
  return dump(out);
}

// The dispatcher's state, owned by its thread except where noted.
class WebhookDispatcher::Loop {
 public:
  Loop(DeliveryRepository& outbox, const Clock& clock, WebhookDispatcherOptions options,
       DeliveryEventSink on_event, DeliveryShard shard, std::atomic<std::uint64_t>& attempts_made,
       std::atomic<std::uint64_t>& deferred)
      : outbox_(outbox),
        shard_(shard),
        clock_(clock),
        options_(std::move(options)),
        on_event_(std::move(on_event)),
        attempts_made_(attempts_made),
        deferred_(deferred),
        buckets_(options_.digests ? options_.throttle_burst : 0, options_.throttle_refill),
        random_(std::random_device{}()) {
    init_curl_once();
    multi_ = curl_multi_init();
    if (!multi_) throw std::runtime_error("delivery: curl_multi_init failed");
    apply_limits();
  }

  ~Loop() {
    for (auto& [easy, transfer] : transfers_) {
      curl_multi_remove_handle(multi_, easy);
      cleanup(*transfer);
    }
    curl_multi_cleanup(multi_);
  }

  // Any thread.
  void wake() {
    if (!wake_requested_.exchange(true)) curl_multi_wakeup(multi_);
  }
  // Any thread: taken at the start of the loop's next turn.
  void set_options(WebhookDispatcherOptions options) {
    {
      std::lock_guard lock(pending_mutex_);
      pending_ = std::move(options);
    }
    wake();
  }
  void request_stop() {
    stopping_.store(true);
    curl_multi_wakeup(multi_);
  }

  void run() {
    restore_buckets();
    while (!stopping_.load()) {
      adopt_pending_options();
      const TimestampMs now = clock_.now_ms();
      if (wake_requested_.exchange(false) || now >= next_poll_at_) start_due(now);
      int running = 0;
      curl_multi_perform(multi_, &running);
      collect_finished();
      flush_outcomes();
      const TimestampMs wait = std::clamp<TimestampMs>(next_poll_at_ - clock_.now_ms(), 0, 1000);
      curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait), nullptr);
    }
  }

 private:
  struct Transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;  // HTTP headers, or SMTP recipients
    std::string body;
    std::size_t sent = 0;             // bytes of `body` read by an SMTP upload
    std::string basic_auth;           // Mailgun's api:key
    bool email = false;               // SMTP
    bool email_api = false;           // an email-API HTTP request
    Delivery delivery;                // for a digest: its id and attempts
    TimestampMs started = 0;          // when the attempt began
    std::optional<DigestId> digest;   // set when this transfer carries a digest
    std::vector<DeliveryId> members;  // the digest's members it carries
    bool blocked_address = false;
    TargetPolicy policy;  // a copy: a reload does not change a transfer in flight
    char error[CURL_ERROR_SIZE] = {};
  };

  // Refuses connections to addresses the policy does not allow (checked on
  // the resolved address, so DNS cannot redirect us to a private host).
  static curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(user);
    if (!transfer->policy.allows(&address->addr)) {
      transfer->blocked_address = true;
      return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
  }

  void apply_limits() {
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(options_.max_connections_per_host));
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(options_.max_in_flight));
  }

  // Between turns: transfers in flight keep their own settings; new attempts,
  // retry decisions and the concurrency limits use the new ones.
  void adopt_pending_options() {
    std::optional<WebhookDispatcherOptions> next;
    {
      std::lock_guard lock(pending_mutex_);
      next.swap(pending_);
    }
    if (!next) return;
    const bool throttle_changed = next->throttle_burst != options_.throttle_burst ||
                                  next->throttle_refill != options_.throttle_refill ||
                                  (next->digests == nullptr) != (options_.digests == nullptr);
    options_ = std::move(*next);
    // New limits start from the recent first attempts (as after a restart).
    if (throttle_changed) {
      buckets_ =
          TokenBuckets(options_.digests ? options_.throttle_burst : 0, options_.throttle_refill);
      restore_buckets();
    }
    apply_limits();
    next_poll_at_ = 0;  // look for due work with the new settings now
  }

  // The tokens each channel spent before a restart (or a change of limits)
  // stay spent: its bucket is replayed from the first attempts the outbox
  // recorded in the last full refill period. On a read error the buckets
  // start full, as before this existed.
  void restore_buckets() {
    if (!buckets_.enabled()) return;
    const TimestampMs now = clock_.now_ms();
    try {
      const std::vector<FirstAttempt> spent =
          outbox_.first_attempts_since(now - buckets_.restore_window(), kMaxRestoredSpends);
      std::vector<std::pair<std::int64_t, TimestampMs>> spends;
      spends.reserve(spent.size());
      for (const FirstAttempt& f : spent) {
        if (shard_.owns(f.channel_id)) spends.emplace_back(f.channel_id, f.at);
      }
      const std::size_t restored = spends.size();
      buckets_.restore(std::move(spends), now);
      spdlog::info("delivery: restored {} throttled channels from {} recent first attempts{}",
                   buckets_.size(), restored,
                   shard_.count > 1
                       ? fmt::format(" (thread {} of {})", shard_.index + 1, shard_.count)
                       : std::string());
    } catch (const std::exception& error) {
      spdlog::error("delivery: restoring rate limits failed (buckets start full): {}",
                    error.what());
    }
  }

  void start_due(TimestampMs now) {
    if (transfers_.size() >= options_.max_in_flight) {
      next_poll_at_ = now + options_.poll_interval.count();  // a freed slot wakes us sooner
      return;
    }
    std::set<DeliveryId> in_flight;
    for (const auto& [easy, t] : transfers_) {
      if (!t->digest) in_flight.insert(t->delivery.id);
    }
    for (const AttemptOutcome& o : outcomes_) in_flight.insert(o.id);
    std::vector<DueDelivery> due;
    try {
      const std::size_t room = options_.max_in_flight - transfers_.size();
      due = outbox_.claim_due(now, room, in_flight, shard_);
      // More may be due right away if the page was full; else sleep until the
      // next scheduled attempt (bounded by poll_interval) of a delivery not
      // already taken: an outcome wakes the loop by itself.
      std::optional<TimestampMs> next = now;
      if (due.size() < room) {
        for (const DueDelivery& item : due) in_flight.insert(item.delivery.id);
        next = outbox_.next_due(in_flight, shard_);
      }
      next_poll_at_ = std::min(now + options_.poll_interval.count(), next.value_or(INT64_MAX));
    } catch (const std::exception& error) {
      spdlog::error("delivery: reading the outbox failed: {}", error.what());
      next_poll_at_ = now + options_.poll_interval.count();
      return;
    }
    std::vector<std::pair<DeliveryId, TimestampMs>> held;
    std::vector<ThrottledDelivery> throttled;
    std::vector<const DueDelivery*> starting;
    std::vector<DeliveryId> spending;                    // first attempts that took a token
    std::map<UserId, std::optional<TimestampMs>> quiet;  // asked once per user per turn
    for (DueDelivery& item : due) {
      if (std::optional<TimestampMs> until = quiet_until(quiet, item.delivery.user_id, now)) {
        held.emplace_back(item.delivery.id, *until);
        continue;
      }
      // A first attempt that began before a crash (stamped, never finished)
      // already spent its token, and the restore counted it.
      const bool first_attempt = item.delivery.attempts == 0 &&
                                 item.delivery.status == DeliveryStatus::pending &&
                                 !item.first_attempt_at;
      if (first_attempt && buckets_.enabled()) {
        if (!buckets_.try_take(item.channel.id, now)) {
          throttled.push_back({item.delivery.id, item.channel.id, item.delivery.user_id});
          continue;
        }
        spending.push_back(item.delivery.id);
      }
      starting.push_back(&item);
    }
    stamp_first_attempts(spending, now);
    for (const DueDelivery* item : starting) begin(*item, now);
    hold(held, now);
    group(throttled, now);
    start_due_digests(quiet, now);
  }

  // The spent tokens are written before the attempts start, so an attempt in
  // flight at a kill -9 still counts when the buckets are restored. On a
  // write error the attempts go anyway (a delivery beats an exact limit);
  // their outcomes record the start as before.
  void stamp_first_attempts(const std::vector<DeliveryId>& ids, TimestampMs now) {
    if (ids.empty()) return;
    try {
      outbox_.mark_first_attempts(ids, now);
    } catch (const std::exception& error) {
      spdlog::error("delivery: recording {} first attempts failed: {}", ids.size(), error.what());
    }
  }

  // Over the channel's rate: into its digest, durably, before anything else.
  void group(const std::vector<ThrottledDelivery>& throttled, TimestampMs now) {
    if (throttled.empty()) return;
    try {
      const std::size_t grouped =
          options_.digests->group(throttled, now, options_.group_wait, options_.max_digest_members);
      if (options_.throttled) options_.throttled->inc(grouped);
      next_poll_at_ = std::min(next_poll_at_, now + options_.group_wait.count());
    } catch (const std::exception& error) {
      // They stay pending and are judged again on the next turn.
      spdlog::error("delivery: grouping {} throttled deliveries failed: {}", throttled.size(),
                    error.what());
    }
  }

  void start_due_digests(std::map<UserId, std::optional<TimestampMs>>& quiet, TimestampMs now) {
    if (!options_.digests || transfers_.size() >= options_.max_in_flight) return;
    std::set<DigestId> in_flight;
    for (const auto& [easy, t] : transfers_) {
      if (t->digest) in_flight.insert(*t->digest);
    }
    for (const DigestOutcome& o : digest_outcomes_) in_flight.insert(o.id);
    std::vector<DueDigest> due;
    try {
      due = options_.digests->claim_due(now, options_.max_in_flight - transfers_.size(), in_flight,
                                        options_.max_digest_members, shard_);
      for (const DueDigest& item : due) in_flight.insert(item.digest.id);
      if (std::optional<TimestampMs> next = options_.digests->next_due(in_flight, shard_)) {
        next_poll_at_ = std::min(next_poll_at_, std::max(*next, now + 1));
      }
    } catch (const std::exception& error) {
      spdlog::error("delivery: reading digests failed: {}", error.what());
      return;
    }
    for (DueDigest& item : due) {
      if (std::optional<TimestampMs> until = quiet_until(quiet, item.digest.user_id, now)) {
        try {
          options_.digests->defer(item.digest.id, *until);
        } catch (const std::exception& error) {
          spdlog::error("delivery: deferring digest {} failed: {}", item.digest.id, error.what());
        }
        continue;
      }
      begin_digest(item, now);
    }
  }

  void begin_digest(const DueDigest& due, TimestampMs now) {
    auto transfer = std::make_unique<Transfer>();
    transfer->delivery.id = due.digest.id;
    transfer->delivery.attempts = due.digest.attempts;
    transfer->digest = due.digest.id;
    for (const DigestMember& m : due.members) transfer->members.push_back(m.delivery_id);
    if (due.channel.type == ChannelType::email) {
      const EmailContent content = digest_email_content(
          due, options_.smtp.url.empty() ? options_.email_api.from : options_.smtp.from);
      return begin_email_content(std::move(transfer), content, due.channel.target,
                                 "digest-" + std::to_string(due.digest.id), now);
    }
    transfer->policy = options_.targets;
    transfer->body = digest_payload(due, now);
    const std::string id = "digest-" + std::to_string(due.digest.id);
    begin_webhook(std::move(transfer), due.channel, id, now);
  }

  std::optional<TimestampMs> quiet_until(std::map<UserId, std::optional<TimestampMs>>& cache,
                                         UserId user, TimestampMs now) {
    if (!options_.quiet_until) return std::nullopt;
    auto [it, fresh] = cache.try_emplace(user);
    if (!fresh) return it->second;
    try {
      it->second = options_.quiet_until(user, now);
    } catch (const std::exception& error) {
      // Sending during quiet hours beats holding a delivery on a read error.
      spdlog::error("delivery: reading quiet hours of user {} failed: {}", user, error.what());
    }
    return it->second;
  }

  // Quiet hours: the deliveries wait, durably, until their window ends.
  void hold(const std::vector<std::pair<DeliveryId, TimestampMs>>& held, TimestampMs now) {
    if (held.empty()) return;
    try {
      outbox_.defer(held, now);
      deferred_ += held.size();
    } catch (const std::exception& error) {
      // They stay due; the next turn asks again.
      spdlog::error("delivery: deferring {} deliveries failed: {}", held.size(), error.what());
      next_poll_at_ = now + options_.poll_interval.count();
    }
  }

  static std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = std::min(size * count, t->body.size() - t->sent);
    std::memcpy(buffer, t->body.data() + t->sent, n);
    t->sent += n;
    return n;
  }

  void begin(const DueDelivery& due, TimestampMs now) {
    if (due.channel.type == ChannelType::email) {
      auto transfer = std::make_unique<Transfer>();
      transfer->delivery = due.delivery;
      transfer->started = now;
      const std::string& from =
          options_.smtp.url.empty() ? options_.email_api.from : options_.smtp.from;
      return begin_email_content(std::move(transfer), email_content(due, from), due.channel.target,
                                 std::to_string(due.delivery.id), now);
    }
    auto transfer = std::make_unique<Transfer>();
    transfer->delivery = due.delivery;
    transfer->started = now;
    transfer->policy = options_.targets;
    transfer->body = webhook_payload(due);
    begin_webhook(std::move(transfer), due.channel, std::to_string(due.delivery.id), now);
  }

  // A signed Standard Webhooks POST of transfer->body.
  void begin_webhook(std::unique_ptr<Transfer> transfer, const Channel& channel,
                     const std::string& id, TimestampMs now) {
    const std::int64_t timestamp = now / 1000;
    const std::string signature = sign_webhook(channel.secret, id, timestamp, transfer->body);
    for (const std::string& header :
         {std::string("Content-Type: application/json"), "webhook-id: " + id,
          "webhook-timestamp: " + std::to_string(timestamp), "webhook-signature: " + signature}) {
      transfer->headers = curl_slist_append(transfer->headers, header.c_str());
    }
    CURL* easy = curl_easy_init();
    transfer->easy = easy;
    curl_easy_setopt(easy, CURLOPT_URL, channel.target.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(transfer->body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an answer, not a hop
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Loop::open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    curl_multi_add_handle(multi_, easy);
    transfers_.emplace(easy, std::move(transfer));
  }

  // An email through SMTP, or the email API when no SMTP URL is set.
  void begin_email_content(std::unique_ptr<Transfer> transfer, const EmailContent& content,
                           const std::string& to, const std::string& tag, TimestampMs now) {
    const SmtpOptions& smtp = options_.smtp;
    transfer->email = true;
    if (smtp.url.empty() && !options_.email_api.url.empty()) {
      transfer->email = false;
      return begin_email_api(std::move(transfer), content, to);
    }
    if (smtp.url.empty()) {
      Transfer& t = *transfer;
      std::snprintf(t.error, sizeof t.error, "no email transport configured ([email] smtp_url)");
      record_outcome(t, decide(t, CURLE_SEND_ERROR, 0));
      return;
    }
    transfer->body = build_email_message(content, to, smtp.from, now, tag);
    transfer->headers = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    const std::string sender = "<" + envelope_address(smtp.from) + ">";
    CURL* easy = curl_easy_init();
    transfer->easy = easy;
    curl_easy_setopt(easy, CURLOPT_URL, smtp.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, sender.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, transfer->headers);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Loop::read_body);
    curl_easy_setopt(easy, CURLOPT_READDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_INFILESIZE, static_cast<long>(transfer->body.size()));
    curl_easy_setopt(easy, CURLOPT_USE_SSL,
                     smtp.starttls == SmtpOptions::Tls::required ? CURLUSESSL_ALL
                     : smtp.starttls == SmtpOptions::Tls::try_   ? CURLUSESSL_TRY
                                                                 : CURLUSESSL_NONE);
    if (!smtp.username.empty()) {
      curl_easy_setopt(easy, CURLOPT_USERNAME, smtp.username.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, smtp.password.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    curl_multi_add_handle(multi_, easy);
    transfers_.emplace(easy, std::move(transfer));
  }

  void begin_email_api(std::unique_ptr<Transfer> transfer, const EmailContent& content,
                       const std::string& to) {
    const EmailApiOptions& api = options_.email_api;
    transfer->email_api = true;
    EmailApiRequest request = email_api_request(api.format, content, to, api.from, api.key);
    transfer->body = std::move(request.body);
    transfer->basic_auth = std::move(request.basic_auth);
    request.headers.push_back("Content-Type: " + request.content_type);
    for (const std::string& header : request.headers) {
      transfer->headers = curl_slist_append(transfer->headers, header.c_str());
    }
    CURL* easy = curl_easy_init();
    transfer->easy = easy;
    curl_easy_setopt(easy, CURLOPT_URL, api.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(transfer->body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    if (!transfer->basic_auth.empty()) {
      curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(easy, CURLOPT_USERPWD, transfer->basic_auth.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    curl_multi_add_handle(multi_, easy);
    transfers_.emplace(easy, std::move(transfer));
  }

  // Queues an attempt's outcome for the next flush: a delivery's, or a digest's.
  void record_outcome(const Transfer& t, AttemptOutcome o) {
    if (!t.digest) {
      outcomes_.push_back(std::move(o));
      return;
    }
    digest_outcomes_.push_back(DigestOutcome{*t.digest, o.status, o.status_code, std::move(o.error),
                                             o.next_attempt_at, o.disable_channel, t.members});
  }

  void collect_finished() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;
      auto it = transfers_.find(easy);
      if (it == transfers_.end()) continue;
      Transfer& transfer = *it->second;
      long code = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
      AttemptOutcome outcome = decide(transfer, result, code);
      if (options_.on_attempt) report_attempt(transfer, outcome);
      record_outcome(transfer, std::move(outcome));
      ++attempts_made_;
      curl_multi_remove_handle(multi_, easy);
      cleanup(transfer);
      transfers_.erase(it);
    }
  }

  void report_attempt(const Transfer& t, const AttemptOutcome& outcome) {
    DeliveryAttemptReport report;
    report.channel_type = t.email || t.email_api ? "email" : "webhook";
    report.status = outcome.status;
    double seconds = 0;
    if (curl_easy_getinfo(t.easy, CURLINFO_TOTAL_TIME, &seconds) == CURLE_OK)
      report.attempt_seconds = seconds;
    // Commit-to-delivered latency is a delivery's; a digest reports only its attempt.
    if (outcome.status == DeliveryStatus::delivered && !t.digest) {
      report.latency_seconds =
          static_cast<double>(std::max<TimestampMs>(0, clock_.now_ms() - t.delivery.created_at)) /
          1000.0;
    }
    options_.on_attempt(report);
  }

  AttemptOutcome decide(const Transfer& t, CURLcode result, long code) {
    AttemptOutcome o;
    o.id = t.delivery.id;
    o.started_at = t.started;
    const TimestampMs now = clock_.now_ms();
    if (result == CURLE_OK) o.status_code = code;
    if (t.email && result == CURLE_OK) {  // the SMTP server accepted the message
      o.status = DeliveryStatus::delivered;
      return o;
    }
    if (!t.email && result == CURLE_OK && code >= 200 && code < 300) {  // webhook or email API
      o.status = DeliveryStatus::delivered;
      return o;
    }
    if (!t.email && !t.email_api && result == CURLE_OK && code == 410) {
      o.status = DeliveryStatus::failed;
      o.error = "HTTP 410 Gone: endpoint disabled";
      o.disable_channel = true;
      return o;
    }
    if (result == CURLE_OK) {
      o.error = "HTTP " + std::to_string(code);
    } else if (t.blocked_address) {
      o.error = "refused: the URL resolves to a private or loopback address";
    } else {
      o.error = t.error[0] ? std::string(t.error) : std::string(curl_easy_strerror(result));
    }
    const int attempts = t.delivery.attempts + 1;
    std::optional<std::chrono::milliseconds> wait =
        options_.schedule.delay_after(attempts, std::uniform_real_distribution<double>()(random_));
    if (!wait) {
      o.status = DeliveryStatus::dead;
      return o;
    }
    o.status = DeliveryStatus::retrying;
    o.next_attempt_at = now + wait->count();
    return o;
  }

  void flush_digest_outcomes() {
    while (!digest_outcomes_.empty()) {
      const DigestOutcome& o = digest_outcomes_.front();
      std::vector<Delivery> finished;
      try {
        finished = options_.digests->record_attempt(o, clock_.now_ms());
      } catch (const std::exception& error) {
        spdlog::error("delivery: recording digest {} failed: {}", o.id, error.what());
        return;  // kept; written on the next turn
      }
      if (o.status == DeliveryStatus::retrying) {
        next_poll_at_ = std::min(next_poll_at_, o.next_attempt_at);
      }
      if (o.status == DeliveryStatus::delivered && options_.digests_delivered) {
        options_.digests_delivered->inc();
      }
      for (const Delivery& d : finished) {
        if (on_event_) on_event_(d.user_id, delivery_json(d));
      }
      digest_outcomes_.erase(digest_outcomes_.begin());
      wake_requested_.store(true);
    }
  }

  void flush_outcomes() {
    flush_digest_outcomes();
    if (outcomes_.empty()) return;
    std::vector<Delivery> finished;
    try {
      finished = outbox_.record_attempts(outcomes_, clock_.now_ms());
    } catch (const std::exception& error) {
      // Kept and written on the next turn; their ids stay out of claims meanwhile.
      spdlog::error("delivery: recording {} attempts failed: {}", outcomes_.size(), error.what());
      return;
    }
    for (const AttemptOutcome& o : outcomes_) {
      if (o.status == DeliveryStatus::retrying)
        next_poll_at_ = std::min(next_poll_at_, o.next_attempt_at);
    }
    outcomes_.clear();
    for (const Delivery& d : finished) {
      spdlog::warn("delivery: {} to channel {} is {} after {} attempts: {}", d.id, d.channel_id,
                   delivery_status_name(d.status), d.attempts, d.last_error);
      if (on_event_) on_event_(d.user_id, delivery_json(d));
    }
    // A slot freed: there may be more due work.
    wake_requested_.store(true);
  }

  static void cleanup(Transfer& t) {
    curl_easy_cleanup(t.easy);
    curl_slist_free_all(t.headers);
    t.easy = nullptr;
    t.headers = nullptr;
  }

  DeliveryRepository& outbox_;
  const DeliveryShard shard_;  // the channels this loop sends for
  const Clock& clock_;
  WebhookDispatcherOptions options_;  // the dispatcher thread's; replaced by set_options
  std::mutex pending_mutex_;
  std::optional<WebhookDispatcherOptions> pending_;  // guarded by pending_mutex_
  const DeliveryEventSink on_event_;
  std::atomic<std::uint64_t>& attempts_made_;
  std::atomic<std::uint64_t>& deferred_;
  CURLM* multi_ = nullptr;
  std::atomic<bool> wake_requested_{true};  // the first turn resumes the outbox
  std::atomic<bool> stopping_{false};
  // Owned by the dispatcher thread.
  std::map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<AttemptOutcome> outcomes_;
  std::vector<DigestOutcome> digest_outcomes_;
  TokenBuckets buckets_;
  TimestampMs next_poll_at_ = 0;
  std::mt19937_64 random_;
};

WebhookDispatcher::WebhookDispatcher(DeliveryRepository& outbox, const Clock& clock,
                                     WebhookDispatcherOptions options, DeliveryEventSink on_event) {
  const std::size_t count = std::max<std::size_t>(1, options.threads);
  for (std::size_t index = 0; index < count; ++index) {
    loops_.push_back(std::make_unique<Loop>(
        outbox, clock, options, on_event, DeliveryShard{index, count}, attempts_made_, deferred_));
  }
}

WebhookDispatcher::~WebhookDispatcher() {
  stop();
}

void WebhookDispatcher::start() {
  for (auto& loop : loops_) {
    threads_.emplace_back([&loop = *loop] {
      setup_thread("bw-deliver", ThreadRole::background);
      loop.run();
    });
  }
}

void WebhookDispatcher::stop() {
  for (auto& loop : loops_) loop->request_stop();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void WebhookDispatcher::deliver(const StoredNotification& notification) {
  // The outbox rows were committed with the notification; the loops read
  // them. A batch that wrote none (alerts without channels) leaves them asleep.
  if (notification.batch_deliveries > 0) wake();
}

void WebhookDispatcher::wake() {
  for (auto& loop : loops_) loop->wake();
}

void WebhookDispatcher::set_options(WebhookDispatcherOptions options) {
  for (auto& loop : loops_) loop->set_options(options);
}

}  // namespace bw
