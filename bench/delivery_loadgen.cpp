// Delivery load generator (docs/BENCHMARKS.md, "Delivery"):
//
//   bw_delivery_loadgen writes    [--notifications N] [--batch B] [--channels 0|1]
//                                 [--every-time 0|1] [--notifier 0|1]
//     Durable notification writes with group commit: N armed alerts fire in
//     transactions of B (NotificationRepository::record_fires, exactly what
//     the notifier thread runs), each writing the alert state, the
//     notification and (with --channels 1) its outbox row. The alerts are
//     `once` alerts (each fire moves its alert to triggered), or with
//     --every-time 1 `every_time` alerts (the alert stays armed). Reports
//     notifications/s and the p50/p99/max commit time per transaction; then
//     (unless --notifier 0) the same N through the real Notifier thread
//     (submit → committed).
//
//   bw_delivery_loadgen webhooks  [--notifications N] [--threads 1] [--in-flight 256]
//                                 [--connections 32] [--receiver-threads 64]
//                                 [--webhook-channels 1]
//     N committed deliveries to a cpp-httplib receiver on 127.0.0.1 (64
//     worker threads), sent by the real WebhookDispatcher (signed, keep-alive,
//     outcomes written back to the outbox; --threads, --in-flight and
//     --connections are [delivery] threads, max_in_flight and
//     max_connections_per_host; --webhook-channels spreads the deliveries
//     round robin over that many channels, all at the one receiver). Reports
//     deliveries/s from start to the last delivered row, and the CPU time per
//     delivery of the dispatcher thread and of the whole process.
//
// The database is a fresh SQLite file under $TMPDIR, removed afterwards.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "notify/notifier.hpp"
#include "notify/webhook_dispatcher.hpp"
#include "notify/webhook_signature.hpp"
#include "platform/thread_cpu_time.hpp"
#include "store/accounts.hpp"
#include "store/channel_repository.hpp"
#include "store/database.hpp"
#include "store/delivery_repository.hpp"
#include "store/notification_repository.hpp"

using namespace bw;
using Clock_ = std::chrono::steady_clock;

namespace {

class WallClock : public Clock {
 public:
  TimestampMs now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

struct Args {
  std::string mode;
  long notifications = 200000;
  long batch = 1000;
  bool channels = true;
  bool every_time = false;
  bool notifier = true;
  long in_flight = 256;   // webhooks: [delivery] max_in_flight
  long connections = 32;  // webhooks: [delivery] max_connections_per_host
  long receiver_threads = 64;
  long dispatch_threads = 1;  // webhooks: [delivery] threads
  long webhook_channels = 1;  // webhooks: channels the deliveries are spread over
};

Args parse(int argc, char** argv) {
  Args a;
  if (argc > 1) a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const long value = std::stol(argv[i + 1]);
    if (key == "--notifications") a.notifications = value;
    if (key == "--batch") a.batch = value;
    if (key == "--channels") a.channels = value != 0;
    if (key == "--every-time") a.every_time = value != 0;
    if (key == "--notifier") a.notifier = value != 0;
    if (key == "--in-flight") a.in_flight = value;
    if (key == "--connections") a.connections = value;
    if (key == "--receiver-threads") a.receiver_threads = value;
    if (key == "--threads") a.dispatch_threads = value;
    if (key == "--webhook-channels") a.webhook_channels = value;
  }
  for (long count : {a.notifications, a.batch, a.in_flight, a.connections, a.receiver_threads,
                     a.dispatch_threads, a.webhook_channels}) {
    if (count < 1) {
      std::fprintf(stderr, "bw_delivery_loadgen: counts must be at least 1\n");
      std::exit(2);
    }
  }
  return a;
}

struct Scratch {
  std::filesystem::path dir;
  std::unique_ptr<Database> db;
  UserId user = 0;
  std::vector<ChannelId> channels;  // webhook channels; alert i notifies channels[i % size]
  std::vector<AlertId> alerts;
  bool every_time = false;

  explicit Scratch(const char* name) {
    dir = std::filesystem::temp_directory_path() /
          (std::string(name) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    db = Database::open((dir / "bench.db").string(), 2);
  }
  ~Scratch() {
    db.reset();
    std::filesystem::remove_all(dir);
  }

  // One user, `n` armed alerts in one transaction, each linked to one of
  // `channel_count` webhook channels at `url` (round robin) when `url` is not
  // empty.
  void seed(long n, const std::string& url, bool every_time_alerts = false,
            long channel_count = 1) {
    every_time = every_time_alerts;
    Accounts accounts(*db);
    user = accounts.create_user({"bench", false, std::nullopt, false}, 0)->id;
    if (!url.empty()) {
      ChannelRepository repository(*db);
      for (long i = 0; i < channel_count; ++i) {
        Channel c;
        c.user_id = user;
        c.target = url;
        c.secret = generate_webhook_secret();
        channels.push_back(repository.insert(c, 0).id);
      }
    }
    db->write([&](sql::Connection& c) {
      sql::Transaction t(c);
      sql::Statement alert(c,
                           "INSERT INTO alerts (user_id, symbol, name, condition_type, threshold, "
                           "trigger_mode, state, created_at, updated_at) VALUES (?, 'BENCH', '', "
                           "'above', 100000000, ?, 'armed', 0, 0)");
      sql::Statement link(c, "INSERT INTO alert_channels (alert_id, channel_id) VALUES (?, ?)");
      for (long i = 0; i < n; ++i) {
        alert.reset();
        alert.bind(1, user).bind(2, every_time ? "every_time" : "once").run();
        alerts.push_back(c.last_insert_id());
        if (!channels.empty()) {
          link.reset();
          link.bind(1, alerts.back())
              .bind(2, channels[static_cast<std::size_t>(i) % channels.size()])
              .run();
        }
      }
      t.commit();
    });
  }

  NewNotification fire(AlertId alert) const {
    NewNotification n{alert,
                      user,
                      "BENCH",
                      *Price::parse("101.5"),
                      "BENCH rose above 100.00 at 101.50",
                      WallClock().now_ms()};
    if (every_time) n.state_after = AlertState::armed;
    return n;
  }
};

// CPU time of the calling thread / the whole process, in ms. On the shared
// machine wall-clock figures mostly measure the other jobs (a thread gets a
// fraction of a core); CPU time is what the work itself costs.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}
double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int run_writes(const Args& args) {
  {
    Scratch scratch("bw-writes");
    scratch.seed(args.notifications, args.channels ? "http://127.0.0.1:9/hook" : "",
                 args.every_time);
    NotificationRepository repository(*scratch.db);
    std::vector<double> commit_ms;
    std::vector<double> commit_cpu_ms;
    const auto start = Clock_::now();
    const double cpu_start = process_cpu_ms();
    long written = 0;
    for (long i = 0; i < args.notifications; i += args.batch) {
      std::vector<NewNotification> batch;
      for (long j = i; j < std::min(args.notifications, i + args.batch); ++j) {
        batch.push_back(scratch.fire(scratch.alerts[static_cast<std::size_t>(j)]));
      }
      const auto t0 = Clock_::now();
      const double cpu0 = thread_cpu_ms();
      written += static_cast<long>(repository.record_fires(batch).size());
      commit_cpu_ms.push_back(thread_cpu_ms() - cpu0);
      commit_ms.push_back(std::chrono::duration<double, std::milli>(Clock_::now() - t0).count());
    }
    const double seconds = std::chrono::duration<double>(Clock_::now() - start).count();
    const double cpu_ms = process_cpu_ms() - cpu_start;
    const std::int64_t outbox = DeliveryRepository(*scratch.db).count(DeliveryStatus::pending);
    std::printf(
        "writes: %ld notifications (+%lld outbox rows) in %zu transactions of %ld: %.0f/s; "
        "commit p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        written, static_cast<long long>(outbox), commit_ms.size(), args.batch,
        static_cast<double>(written) / seconds, percentile(commit_ms, 0.5),
        percentile(commit_ms, 0.99), percentile(commit_ms, 1.0));
    std::printf(
        "writes CPU: %.2f us per notification (process, incl. the checkpointer) = %.0f/s per "
        "core; commit CPU (committing thread) p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        cpu_ms * 1e3 / static_cast<double>(written), static_cast<double>(written) / (cpu_ms / 1e3),
        percentile(commit_cpu_ms, 0.5), percentile(commit_cpu_ms, 0.99),
        percentile(commit_cpu_ms, 1.0));
  }
  if (args.notifier) {
    // The same through the Notifier thread: the engine's view (submit in
    // chunks of 1000, group commit of whatever is queued).
    Scratch scratch("bw-notifier");
    scratch.seed(args.notifications, args.channels ? "http://127.0.0.1:9/hook" : "",
                 args.every_time);
    NotificationRepository repository(*scratch.db);
    WallClock clock;
    Notifier notifier(repository, clock, {});
    notifier.start();
    const auto start = Clock_::now();
    const double cpu_start = process_cpu_ms();
    std::uint64_t ticket = 0;
    for (long i = 0; i < args.notifications; i += 1000) {
      std::vector<Fire> fires;
      for (long j = i; j < std::min(args.notifications, i + 1000); ++j) {
        Fire f;
        f.alert_id = scratch.alerts[static_cast<std::size_t>(j)];
        f.user_id = scratch.user;
        f.symbol = "BENCH";
        f.price = *Price::parse("101.5");
        f.condition = Condition{ConditionType::above, *Price::parse("100")};
        if (args.every_time) f.state_after = AlertState::armed;
        fires.push_back(f);
      }
      ticket = notifier.submit(std::move(fires));
    }
    notifier.wait_until_processed(ticket);
    const double seconds = std::chrono::duration<double>(Clock_::now() - start).count();
    const double cpu_ms = process_cpu_ms() - cpu_start;
    std::printf("notifier: %llu notifications committed in %.2f s: %.0f/s\n",
                static_cast<unsigned long long>(notifier.committed_count()), seconds,
                static_cast<double>(notifier.committed_count()) / seconds);
    std::printf("notifier CPU: %.2f us per notification (process)\n",
                cpu_ms * 1e3 / static_cast<double>(notifier.committed_count()));
    notifier.stop();
  }
  return 0;
}

int run_webhooks(const Args& args) {
  httplib::Server receiver;
  std::atomic<long> received{0};
  receiver.new_task_queue = [threads = static_cast<std::size_t>(args.receiver_threads)] {
    return new httplib::ThreadPool(threads);
  };
  receiver.set_keep_alive_max_count(1000000);
  receiver.Post("/hook", [&](const httplib::Request&, httplib::Response& res) {
    ++received;
    res.status = 204;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread server([&] { receiver.listen_after_bind(); });

  Scratch scratch("bw-webhooks");
  scratch.seed(args.notifications, "http://127.0.0.1:" + std::to_string(port) + "/hook", false,
               args.webhook_channels);
  NotificationRepository repository(*scratch.db);
  for (long i = 0; i < args.notifications; i += 1000) {
    std::vector<NewNotification> batch;
    for (long j = i; j < std::min(args.notifications, i + 1000); ++j) {
      batch.push_back(scratch.fire(scratch.alerts[static_cast<std::size_t>(j)]));
    }
    (void)repository.record_fires(batch);
  }
  DeliveryRepository outbox(*scratch.db);
  WallClock clock;
  WebhookDispatcherOptions options;
  options.targets.allowed_private_addresses = {"127.0.0.1"};
  options.threads = static_cast<std::size_t>(args.dispatch_threads);
  options.max_in_flight = static_cast<std::size_t>(args.in_flight);
  options.max_connections_per_host = static_cast<std::size_t>(args.connections);
  WebhookDispatcher dispatcher(outbox, clock, options, {});
  const auto start = Clock_::now();
  const double process_start_ms = process_cpu_ms();
  dispatcher.start();
  // Watch the dispatcher's attempt counter, then the outbox once the last
  // attempt is in: counting delivered rows is a table scan, which polled
  // every 20 ms took CPU from the dispatcher it measures.
  const auto deadline = start + std::chrono::minutes(5);
  const auto attempts = static_cast<std::uint64_t>(args.notifications);
  while (dispatcher.attempts_made() < attempts && Clock_::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::int64_t delivered = 0;
  while ((delivered = outbox.count(DeliveryStatus::delivered)) < args.notifications &&
         Clock_::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double seconds = std::chrono::duration<double>(Clock_::now() - start).count();
  const auto dispatcher_cpu_ms = static_cast<double>(threads_cpu_time("bw-deliver").count());
  const double process_ms = process_cpu_ms() - process_start_ms;
  dispatcher.stop();
  std::printf(
      "webhooks: %lld delivered (%ld requests received, %llu attempts) in %.2f s: %.0f "
      "deliveries/s\n",
      static_cast<long long>(delivered), received.load(),
      static_cast<unsigned long long>(dispatcher.attempts_made()), seconds,
      static_cast<double>(delivered) / seconds);
  std::printf(
      "CPU per delivery: dispatcher thread %.1f us, whole process (dispatcher + receiver) "
      "%.1f us\n",
      dispatcher_cpu_ms * 1e3 / static_cast<double>(delivered),
      process_ms * 1e3 / static_cast<double>(delivered));
  receiver.stop();
  server.join();
  return delivered == args.notifications ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  if (args.mode == "writes") return run_writes(args);
  if (args.mode == "webhooks") return run_webhooks(args);
  std::fprintf(stderr,
               "usage: bw_delivery_loadgen writes [--notifications N] [--batch B] [--channels "
               "0|1] [--every-time 0|1] [--notifier 0|1]\n       bw_delivery_loadgen webhooks "
               "[--notifications N] [--threads T] [--in-flight N] [--connections C] "
               "[--receiver-threads R] [--webhook-channels K]\n");
  return 2;
}
