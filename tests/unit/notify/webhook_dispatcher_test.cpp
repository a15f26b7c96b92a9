// Specification of bw::WebhookDispatcher against a real HTTP receiver on
// 127.0.0.1 (cpp-httplib): signed Standard Webhooks requests, retries on the
// schedule, dead letters, 410 disabling the channel, the address policy, and
// the rate limits' record of first attempts across a crash.
#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "notify/webhook_dispatcher.hpp"
#include "notify/webhook_signature.hpp"
#include "platform/thread_cpu_time.hpp"
#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "store/digest_repository.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/temp_database.hpp"

using namespace bw;
using namespace std::chrono_literals;

namespace {

struct Received {
  std::string id, timestamp, signature, body;
};

// An HTTP receiver that answers with the queued statuses (then 200).
class Receiver {
 public:
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock lock(mutex_);
      received_.push_back({req.get_header_value("webhook-id"),
                           req.get_header_value("webhook-timestamp"),
                           req.get_header_value("webhook-signature"), req.body});
      res.status = answers_.empty() ? 200 : answers_.front();
      if (!answers_.empty()) answers_.erase(answers_.begin());
      released_.wait(lock, [this] { return !held_; });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    hold(false);
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void answer(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    answers_ = std::move(statuses);
  }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // While held, requests are recorded but not answered (an attempt in flight).
  void hold(bool on) {
    {
      std::lock_guard lock(mutex_);
      held_ = on;
    }
    released_.notify_all();
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::vector<int> answers_;
  std::vector<Received> received_;
};

struct Fixture {
  testing::TempDatabase temp;
  Accounts accounts{temp.db()};
  AlertRepository alerts{temp.db()};
  NotificationRepository notifications{temp.db()};
  ChannelRepository channels{temp.db()};
  DeliveryRepository outbox{temp.db()};
  testing::ManualClock clock;
  UserId user = accounts.create_user({"alice", false, std::nullopt, false}, 0)->id;
  std::mutex events_mutex;
  std::vector<std::pair<UserId, std::string>> events;

  Channel channel(const std::string& url) {
    Channel c;
    c.user_id = user;
    c.target = url;
    c.secret = generate_webhook_secret();
    return channels.insert(c, clock.now_ms());
  }

  NotificationId fire(ChannelId channel_id) {
    Alert alert;
    alert.user_id = user;
    alert.symbol = "AAPL";
    alert.name = "apple";
    alert.condition = Condition{ConditionType::above, *Price::parse("150")};
    alert = alerts.insert(alert, clock.now_ms());
    channels.link_alert(alert.id, {channel_id});
    auto stored = notifications.record_fires(
        {{alert.id, user, "AAPL", *Price::parse("151"), "AAPL above 150", clock.now_ms()}});
    REQUIRE(stored.size() == 1);
    return stored[0].id;
  }

  std::unique_ptr<WebhookDispatcher> dispatcher(RetrySchedule schedule,
                                                std::vector<std::string> allowed = {"127.0.0.1"}) {
    WebhookDispatcherOptions options;
    options.schedule = std::move(schedule);
    options.timeout = 5s;
    options.poll_interval = 20ms;
    options.targets.allowed_private_addresses = std::move(allowed);
    return std::make_unique<WebhookDispatcher>(outbox, clock, options,
                                               [this](UserId u, const std::string& json) {
                                                 std::lock_guard lock(events_mutex);
                                                 events.emplace_back(u, json);
                                               });
  }

  Delivery only_delivery(NotificationId n) {
    auto list = outbox.list_for_notification(user, n);
    REQUIRE(list);
    REQUIRE(list->size() == 1);
    return list->front();
  }

  // Polls until `done` (the dispatcher works on its own thread); fails after 10 s.
  template <typename F>
  void eventually(F done) {
    for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(done());
  }
};

// Starts at `from` and runs with real time: a loop that polls too often
// shows only when its clock moves.
class RunningClock : public Clock {
 public:
  explicit RunningClock(TimestampMs from) : from_(from) {}
  TimestampMs now_ms() const override {
    return from_ + std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start_)
                       .count();
  }

 private:
  TimestampMs from_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Over 600 ms, the dispatcher threads use under a quarter of the wall time
// (a spinning loop uses all of it; an idle one, next to nothing).
void check_dispatcher_idles() {
  const auto cpu_from = threads_cpu_time("bw-deliver");
  const auto wall_from = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(600ms);
  const auto cpu = threads_cpu_time("bw-deliver") - cpu_from;
  const auto wall = std::chrono::steady_clock::now() - wall_from;
  INFO("dispatcher CPU " << cpu.count() << " ms over "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(wall).count()
                         << " ms");
  CHECK(cpu * 4 < wall);
}

}  // namespace

TEST_CASE("a delivery is POSTed signed and marked delivered", "[notify]") {
  Fixture f;
  Receiver receiver;
  Channel c = f.channel(receiver.url());
  NotificationId n = f.fire(c.id);
  auto dispatcher = f.dispatcher(RetrySchedule{{1s}, 0});
  dispatcher->start();
  f.eventually([&] { return f.only_delivery(n).status == DeliveryStatus::delivered; });

  auto got = receiver.received();
  REQUIRE(got.size() == 1);
  const Delivery d = f.only_delivery(n);
  CHECK(got[0].id == std::to_string(d.id));
  CHECK(got[0].signature ==
        sign_webhook(c.secret, got[0].id, std::stoll(got[0].timestamp), got[0].body));
  CHECK(got[0].body.find("\"alert.triggered\"") != std::string::npos);
  CHECK(got[0].body.find("\"notification\":{") != std::string::npos);
  CHECK(d.attempts == 1);
}

TEST_CASE("a failed attempt is retried with the same delivery id", "[notify]") {
  Fixture f;
  Receiver receiver;
  receiver.answer({500, 503});
  NotificationId n = f.fire(f.channel(receiver.url()).id);
  auto dispatcher = f.dispatcher(RetrySchedule{{1s, 1s, 1s}, 0});
  dispatcher->start();
  f.eventually([&] { return f.only_delivery(n).attempts == 1; });
  CHECK(f.only_delivery(n).status == DeliveryStatus::retrying);
  CHECK(f.only_delivery(n).last_error == "HTTP 500");
  for (int attempt = 2; attempt <= 3; ++attempt) {
    f.clock.advance(1s);
    dispatcher->wake();
    f.eventually([&] { return f.only_delivery(n).attempts == attempt; });
  }
  CHECK(f.only_delivery(n).status == DeliveryStatus::delivered);
  auto got = receiver.received();
  REQUIRE(got.size() == 3);
  CHECK(got[0].id == got[1].id);
  CHECK(got[1].id == got[2].id);
}

TEST_CASE("after the last attempt the delivery is dead and its owner is told", "[notify]") {
  Fixture f;
  Receiver receiver;
  receiver.answer({500, 500});
  NotificationId n = f.fire(f.channel(receiver.url()).id);
  auto dispatcher = f.dispatcher(RetrySchedule{{1s}, 0});
  dispatcher->start();
  f.eventually([&] { return f.only_delivery(n).attempts == 1; });
  f.clock.advance(1s);
  dispatcher->wake();
  f.eventually([&] { return f.only_delivery(n).status == DeliveryStatus::dead; });
  f.eventually([&] {
    std::lock_guard lock(f.events_mutex);
    return f.events.size() == 1;
  });
  CHECK(f.events[0].first == f.user);
  CHECK(f.events[0].second.find("\"status\":\"dead\"") != std::string::npos);
}

TEST_CASE("410 Gone disables the channel", "[notify]") {
  Fixture f;
  Receiver receiver;
  receiver.answer({410});
  Channel c = f.channel(receiver.url());
  NotificationId n = f.fire(c.id);
  auto dispatcher = f.dispatcher(RetrySchedule{{1s}, 0});
  dispatcher->start();
  f.eventually([&] { return f.only_delivery(n).status == DeliveryStatus::failed; });
  CHECK_FALSE(f.channels.find(f.user, c.id)->enabled);
}

TEST_CASE("with several threads every delivery of every channel is sent once", "[notify]") {
  Fixture f;
  Receiver receiver;
  std::vector<NotificationId> fired;
  for (int channel = 0; channel < 6; ++channel) {
    const ChannelId id = f.channel(receiver.url()).id;
    for (int i = 0; i < 5; ++i) fired.push_back(f.fire(id));
  }
  WebhookDispatcherOptions options;
  options.threads = 3;
  // Two keep-alive connections each: the receiver answers on 8 threads, one per connection.
  options.max_connections_per_host = 2;
  options.schedule = RetrySchedule{{1s}, 0};
  options.poll_interval = 20ms;
  options.targets.allowed_private_addresses = {"127.0.0.1"};
  WebhookDispatcher dispatcher(f.outbox, f.clock, options, [](UserId, const std::string&) {});
  dispatcher.start();
  f.eventually([&] {
    return std::all_of(fired.begin(), fired.end(), [&](NotificationId n) {
      return f.only_delivery(n).status == DeliveryStatus::delivered;
    });
  });
  std::set<std::string> ids;
  for (const Received& r : receiver.received()) ids.insert(r.id);
  CHECK(receiver.received().size() == fired.size());
  CHECK(ids.size() == fired.size());
  CHECK(dispatcher.attempts_made() == fired.size());
  dispatcher.stop();
  CHECK(threads_cpu_time("bw-deliver") == 0ms);  // every thread has ended
}

TEST_CASE("only a commit that wrote outbox rows wakes the dispatcher", "[notify]") {
  Fixture f;
  Receiver receiver;
  WebhookDispatcherOptions options;
  options.schedule = RetrySchedule{{1s}, 0};
  options.poll_interval = 3600s;  // no polling: only a wake-up sends
  options.targets.allowed_private_addresses = {"127.0.0.1"};
  WebhookDispatcher dispatcher(f.outbox, f.clock, options, [](UserId, const std::string&) {});
  dispatcher.start();
  std::this_thread::sleep_for(100ms);  // its first turn finds the outbox empty

  const NotificationId n = f.fire(f.channel(receiver.url()).id);
  StoredNotification committed{n, {}};
  dispatcher.deliver(committed);  // as for a batch of alerts with no channels
  std::this_thread::sleep_for(300ms);
  CHECK(receiver.received().empty());
  CHECK(f.only_delivery(n).status == DeliveryStatus::pending);

  committed.batch_deliveries = 1;
  dispatcher.deliver(committed);
  f.eventually([&] { return f.only_delivery(n).status == DeliveryStatus::delivered; });
  CHECK(receiver.received().size() == 1);
}

TEST_CASE("while an attempt is in flight and nothing else is due, the dispatcher idles",
          "[notify]") {
  Fixture f;
  Receiver receiver;
  receiver.hold(true);
  NotificationId n = f.fire(f.channel(receiver.url()).id);
  auto dispatcher = f.dispatcher(RetrySchedule{{1s}, 0});
  dispatcher->start();
  f.eventually([&] { return receiver.received().size() == 1; });
  // Its row stays due until the outcome is written; a loop that counted it as
  // work waiting to start would query the outbox flat out (a whole core).
  check_dispatcher_idles();
  receiver.hold(false);
  f.eventually([&] { return f.only_delivery(n).status == DeliveryStatus::delivered; });
  CHECK(receiver.received().size() == 1);
}

// A guard against a full spin: the digest path's old flaw, a 1 ms poll, cost
// about 7 % of the thread and passes this check too.
TEST_CASE("while a digest is in flight and nothing else is due, the dispatcher idles",
          "[notify][throttle]") {
  Fixture f;
  Receiver receiver;
  DigestRepository digests(f.temp.db());
  RunningClock clock(f.clock.now_ms());
  Channel c = f.channel(receiver.url());
  WebhookDispatcherOptions options;
  options.schedule = RetrySchedule{{1s}, 0};
  options.timeout = 30s;
  options.poll_interval = 20ms;
  options.targets.allowed_private_addresses = {"127.0.0.1"};
  options.digests = &digests;
  options.throttle_burst = 1;
  options.throttle_refill = 3600s;
  options.group_wait = 100ms;
  WebhookDispatcher dispatcher(f.outbox, clock, options, [](UserId, const std::string&) {});
  receiver.hold(true);
  NotificationId first = f.fire(c.id);
  dispatcher.start();
  f.eventually([&] { return receiver.received().size() == 1; });
  NotificationId second = f.fire(c.id);  // over the rate: grouped, sent after group_wait
  dispatcher.wake();
  f.eventually([&] { return receiver.received().size() == 2; });  // the digest, held too

  check_dispatcher_idles();
  receiver.hold(false);
  f.eventually([&] { return f.only_delivery(first).status == DeliveryStatus::delivered; });
  f.eventually([&] { return f.only_delivery(second).status == DeliveryStatus::delivered; });
}

TEST_CASE("a target on a private address is refused at connect time", "[notify]") {
  Fixture f;
  Receiver receiver;
  NotificationId n = f.fire(f.channel(receiver.url()).id);
  auto dispatcher = f.dispatcher(RetrySchedule{{1s}, 0}, {});
  dispatcher->start();
  f.eventually([&] { return f.only_delivery(n).attempts == 1; });
  CHECK(f.only_delivery(n).last_error.find("private") != std::string::npos);
  CHECK(receiver.received().empty());
}

TEST_CASE("set_options applies new targets and retry schedule to the next attempt", "[notify]") {
  Fixture f;
  Receiver receiver;
  NotificationId n = f.fire(f.channel(receiver.url()).id);
  auto dispatcher = f.dispatcher(RetrySchedule{{1s}, 0}, {});  // 127.0.0.1 not allowed
  dispatcher->start();
  f.eventually([&] { return f.only_delivery(n).attempts == 1; });
  CHECK(f.only_delivery(n).status == DeliveryStatus::retrying);
  CHECK(receiver.received().empty());

  WebhookDispatcherOptions options;
  options.schedule = RetrySchedule{{2s, 2s}, 0};
  options.timeout = 5s;
  options.poll_interval = 20ms;
  options.targets.allowed_private_addresses = {"127.0.0.1"};
  receiver.answer({500});
  dispatcher->set_options(std::move(options));
  f.clock.advance(1s);
  dispatcher->wake();
  f.eventually([&] { return f.only_delivery(n).attempts == 2; });
  // The new schedule has a third attempt, 2 s later; the old one had none.
  CHECK(f.only_delivery(n).status == DeliveryStatus::retrying);
  CHECK(f.only_delivery(n).next_attempt_at == f.clock.now_ms() + 2000);
  f.clock.advance(2s);
  dispatcher->wake();
  f.eventually([&] { return f.only_delivery(n).status == DeliveryStatus::delivered; });
  CHECK(f.only_delivery(n).attempts == 3);
  CHECK(receiver.received().size() == 2);  // one refused before the reload, none repeated
}

TEST_CASE("a first attempt in flight at a crash still counts against its channel's rate",
          "[notify][throttle]") {
  Fixture f;
  Receiver receiver;
  DigestRepository digests(f.temp.db());
  Channel c = f.channel(receiver.url());
  WebhookDispatcherOptions options;
  options.schedule = RetrySchedule{{1s}, 0};
  options.timeout = 30s;
  options.poll_interval = 20ms;
  options.targets.allowed_private_addresses = {"127.0.0.1"};
  options.digests = &digests;
  options.throttle_burst = 1;  // one first attempt per hour
  options.throttle_refill = 3600s;
  options.group_wait = 3600s;
  auto dispatcher = [&] {
    return std::make_unique<WebhookDispatcher>(f.outbox, f.clock, options,
                                               [](UserId, const std::string&) {});
  };

  receiver.hold(true);
  const TimestampMs started = f.clock.now_ms();
  NotificationId first = f.fire(c.id);
  auto before_crash = dispatcher();
  before_crash->start();
  f.eventually([&] { return receiver.received().size() == 1; });
  // In flight, no outcome yet: its token is already on record.
  auto spent = f.outbox.first_attempts_since(0, 10);
  REQUIRE(spent.size() == 1);
  CHECK(spent[0].channel_id == c.id);
  CHECK(spent[0].at == started);
  before_crash->stop();  // the transfer is abandoned, as by kill -9
  CHECK(f.only_delivery(first).attempts == 0);

  f.clock.advance(1s);
  NotificationId second = f.fire(c.id);
  receiver.hold(false);
  auto after_restart = dispatcher();
  after_restart->start();
  // The interrupted attempt is sent again with its id and takes no second
  // token; the restored bucket is empty, so the next first attempt waits in
  // the channel's digest.
  f.eventually([&] { return f.only_delivery(first).status == DeliveryStatus::delivered; });
  f.eventually([&] { return f.only_delivery(second).status == DeliveryStatus::grouped; });
  auto got = receiver.received();
  REQUIRE(got.size() == 2);
  CHECK(got[0].id == got[1].id);
  CHECK(got[1].id == std::to_string(f.only_delivery(first).id));
  spent = f.outbox.first_attempts_since(0, 10);
  REQUIRE(spent.size() == 1);
  CHECK(spent[0].at == started);
}
