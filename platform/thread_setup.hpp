// Thread setup: every thread Bellwether starts names itself here (the names
// show in top -H, perf and the load generator) and says whether it is on the
// quote → notification path.
//
//   std::thread([this] { setup_thread("bw-engine", ThreadRole::latency_path); run(); });
//
// Latency-path threads (engine, notifier, SSE I/O, tcp_ndjson I/O) ask the
// kernel for a short scheduler slice, kLatencySlice. On Linux 6.12+ (EEVDF) a
// task with a shorter slice gets an earlier deadline, so when it wakes it
// preempts a thread in the middle of a longer slice instead of waiting for
// that slice to end; its share of the CPU is unchanged. It needs no
// privilege. Older kernels have no custom slices and ignore the request.
// Background threads keep the default slice. Measured: docs/BENCHMARKS.md,
// "Quote → notification: under 5 ms".
//
// Call from the thread itself, first thing. Thread-safe.
#pragma once

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>

namespace bw {

enum class ThreadRole { background, latency_path };

inline constexpr std::chrono::microseconds kLatencySlice{100};

// The kernel's struct sched_attr (linux/sched/types.h, which clashes with
// glibc's <sched.h>); only its size and the first fields are used.
struct KernelSchedAttr {
  std::uint32_t size = sizeof(KernelSchedAttr);
  std::uint32_t sched_policy = 0;  // SCHED_OTHER
  std::uint64_t sched_flags = 0;
  std::int32_t sched_nice = 0;
  std::uint32_t sched_priority = 0;
  std::uint64_t sched_runtime = 0;  // SCHED_OTHER: the requested slice, ns (0: default)
  std::uint64_t sched_deadline = 0;
  std::uint64_t sched_period = 0;
  std::uint32_t sched_util_min = 0;
  std::uint32_t sched_util_max = 0;
};

// The calling thread's requested slice (0: the kernel's default), or -1 when
// the kernel does not say.
inline std::int64_t current_slice_ns() {
  KernelSchedAttr attr;
  if (::syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) return -1;
  return static_cast<std::int64_t>(attr.sched_runtime);
}

// Asks for `slice` on the calling thread, keeping its policy (SCHED_OTHER)
// and nice value. False when the kernel refused; the thread then keeps the
// default slice, which is only slower to preempt.
inline bool request_slice(std::chrono::microseconds slice) {
  KernelSchedAttr attr;
  if (::syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) return false;
  if (attr.sched_policy != 0) return false;  // real-time or batch: leave it be
  attr.size = sizeof attr;
  attr.sched_flags = 0;
  attr.sched_runtime = static_cast<std::uint64_t>(slice.count()) * 1000;
  return ::syscall(SYS_sched_setattr, 0, &attr, 0) == 0;
}

// `name` at most 15 characters (the kernel's limit).
inline void setup_thread(const char* name, ThreadRole role) {
  pthread_setname_np(pthread_self(), name);
  if (role == ThreadRole::latency_path) request_slice(kLatencySlice);
}

}  // namespace bw
