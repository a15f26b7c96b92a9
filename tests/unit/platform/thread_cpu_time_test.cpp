// Specification of threads_cpu_time: it counts the CPU of the threads with
// the name asked for, and only theirs.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "platform/thread_cpu_time.hpp"
#include "platform/thread_setup.hpp"

using namespace bw;
using namespace std::chrono_literals;

TEST_CASE("threads_cpu_time counts a named thread's CPU and no one else's", "[platform]") {
  std::atomic<bool> stop{false};
  std::atomic<bool> named{false};
  std::thread spinner([&] {
    setup_thread("bw-test-spin", ThreadRole::background);
    named = true;
    while (!stop.load()) {
    }
  });
  while (!named.load()) std::this_thread::yield();
  const auto spun_from = threads_cpu_time("bw-test-spin");
  const auto idle_from = threads_cpu_time("bw-test-idle");
  // Spin until the kernel has charged it at least 100 ms (ticks are coarse).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (threads_cpu_time("bw-test-spin") - spun_from < 100ms &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(threads_cpu_time("bw-test-spin") - spun_from >= 100ms);
  CHECK(threads_cpu_time("bw-test-idle") == idle_from);
  CHECK(threads_cpu_time("no-such-thread") == 0ms);
  stop = true;
  spinner.join();
  CHECK(threads_cpu_time("bw-test-spin") == 0ms);  // an exited thread no longer counts
}
