// Host jitter probe (docs/BENCHMARKS.md, "Quote → notification"): what this
// machine alone adds to a latency tail, with no Bellwether code involved.
//
//   bw_host_jitter [--seconds 10]
//
// Three measurements, one after the other, each for --seconds:
//   - pauses: one thread reads the clock in a loop; every gap over 200 µs is
//     time the thread did not run (host preemption of the vCPU, interrupts).
//   - wake-ups: a thread sleeping on a condition variable is woken every
//     2 ms; the delay from notify to running (the hand-off between two
//     threads that the server's quote → notification path makes four times).
//   - loopback: a 64-byte request and reply over a TCP connection on
//     127.0.0.1 between two threads, every 2 ms (one network hop each way).
// Each reports p50 / p99 / max. The quote → notification p99 can be no better
// than the tails these show.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

void report(const char* what, std::vector<double> us) {
  if (us.empty()) {
    std::printf("%s: no samples\n", what);
    return;
  }
  std::sort(us.begin(), us.end());
  const auto at = [&](double p) {
    return us[std::min(us.size() - 1,
                       static_cast<std::size_t>(p * static_cast<double>(us.size())))];
  };
  std::printf("%s: %zu samples, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n", what,
              us.size(), at(0.5), at(0.99), at(0.999), us.back());
}

// Gaps in a clock-reading loop longer than 200 µs.
void pauses(double seconds) {
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  auto previous = Clock::now();
  std::vector<double> gaps;
  for (auto now = previous; now < end; now = Clock::now()) {
    const double gap = micros(now - previous);
    if (gap > 200) gaps.push_back(gap);
    previous = now;
  }
  double total = 0;
  long over_1ms = 0, over_3ms = 0;
  for (double gap : gaps) {
    total += gap;
    over_1ms += gap > 1000;
    over_3ms += gap > 3000;
  }
  std::printf(
      "pauses of a spinning thread over %.0f s: %zu over 200 us (%ld over 1 ms, %ld over 3 ms), "
      "%.1f ms in all, longest %.1f ms\n",
      seconds, gaps.size(), over_1ms, over_3ms, total / 1000,
      gaps.empty() ? 0.0 : *std::max_element(gaps.begin(), gaps.end()) / 1000);
}

// notify_one → the sleeping thread runs, every 2 ms.
void wake_ups(double seconds) {
  std::mutex mutex;
  std::condition_variable cv;
  long sent = 0, seen = 0;
  Clock::time_point sent_at;
  bool done = false;
  std::vector<double> delays;
  std::thread sleeper([&] {
    std::unique_lock lock(mutex);
    while (true) {
      cv.wait(lock, [&] { return done || sent > seen; });
      if (sent > seen) {
        delays.push_back(micros(Clock::now() - sent_at));
        seen = sent;
      }
      if (done) return;
    }
  });
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    {
      std::lock_guard lock(mutex);
      sent_at = Clock::now();
      ++sent;
    }
    cv.notify_one();
  }
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  cv.notify_one();
  sleeper.join();
  report("condition-variable wake-up (thread to thread)", delays);
}

// A request and its reply over loopback TCP, every 2 ms.
void loopback(double seconds) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("loopback listener");
    return;
  }
  std::thread echo([listener] {
    const int peer = ::accept(listener, nullptr, nullptr);
    if (peer < 0) return;
    const int one = 1;
    ::setsockopt(peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buffer[64];
    while (::recv(peer, buffer, sizeof buffer, MSG_WAITALL) ==
           static_cast<ssize_t>(sizeof buffer)) {
      if (::send(peer, buffer, sizeof buffer, 0) != static_cast<ssize_t>(sizeof buffer)) break;
    }
    ::close(peer);
  });
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::vector<double> round_trips;
  if (::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    char buffer[64];
    std::memset(buffer, 'x', sizeof buffer);
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      const auto started = Clock::now();
      if (::send(client, buffer, sizeof buffer, 0) != static_cast<ssize_t>(sizeof buffer)) break;
      if (::recv(client, buffer, sizeof buffer, MSG_WAITALL) != static_cast<ssize_t>(sizeof buffer))
        break;
      round_trips.push_back(micros(Clock::now() - started));
    }
  } else {
    std::perror("loopback connect");
  }
  ::close(client);
  echo.join();
  ::close(listener);
  report("loopback TCP round trip (64 bytes, two threads)", round_trips);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  bool usage = argc != 1 && argc != 3;
  if (argc == 3) {
    usage = std::string(argv[1]) != "--seconds";
    seconds = std::atof(argv[2]);
  }
  if (usage || seconds <= 0) {
    std::fprintf(stderr, "usage: bw_host_jitter [--seconds S]   (S > 0)\n");
    return 2;
  }
  pauses(seconds);
  wake_ups(seconds);
  loopback(seconds);
  return 0;
}
