// Specification of setup_thread: every thread gets its name; latency-path
// threads ask the kernel for the short slice, background threads do not.
#include <catch2/catch.hpp>

#include <pthread.h>
#include <sys/utsname.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "platform/thread_setup.hpp"

using namespace bw;

namespace {

struct Seen {
  std::string name;
  std::int64_t slice_before = -1;
  std::int64_t slice_after = -1;
};

// Runs setup_thread on a fresh thread and reports what it saw there.
Seen setup_on_new_thread(const char* name, ThreadRole role) {
  Seen seen;
  std::thread([&] {
    seen.slice_before = current_slice_ns();
    setup_thread(name, role);
    seen.slice_after = current_slice_ns();
    std::array<char, 16> buffer{};
    pthread_getname_np(pthread_self(), buffer.data(), buffer.size());
    seen.name = buffer.data();
  }).join();
  return seen;
}

// Custom SCHED_OTHER slices exist from Linux 6.12 (EEVDF); before, the
// kernel ignores the request and reports no slice.
bool kernel_has_custom_slices() {
  utsname name{};
  if (::uname(&name) != 0) return false;
  int major = 0, minor = 0;
  if (std::sscanf(name.release, "%d.%d", &major, &minor) != 2) return false;
  return major > 6 || (major == 6 && minor >= 12);
}

}  // namespace

TEST_CASE("a latency-path thread is named and asks for the short slice", "[platform]") {
  const Seen seen = setup_on_new_thread("bw-test-fast", ThreadRole::latency_path);
  CHECK(seen.name == "bw-test-fast");
  if (!kernel_has_custom_slices()) {
    WARN("this kernel has no custom scheduler slices; the slice is not checked");
    return;
  }
  CHECK(seen.slice_after == std::chrono::nanoseconds(kLatencySlice).count());
}

TEST_CASE("a background thread is named and keeps the default slice", "[platform]") {
  const Seen seen = setup_on_new_thread("bw-test-slow", ThreadRole::background);
  CHECK(seen.name == "bw-test-slow");
  CHECK(seen.slice_after == seen.slice_before);
}

TEST_CASE("request_slice sets the slice it is given", "[platform]") {
  std::int64_t slice = -1;
  bool accepted = false;
  std::thread([&] {
    accepted = request_slice(std::chrono::microseconds(250));
    slice = current_slice_ns();
  }).join();
  if (!kernel_has_custom_slices()) {
    WARN("this kernel has no custom scheduler slices; the slice is not checked");
    return;
  }
  CHECK(accepted);
  CHECK(slice == 250'000);
}
