// CpuWakeupLatencyRequest: while it lives, asks the kernel to keep every CPU
// able to wake within `max_latency` (PM QoS, /dev/cpu_dma_latency). At 0 the
// CPUs do not enter idle states that take time to leave: an idle CPU polls,
// so a thread woken on it runs at once. On a VM whose guest halts idle vCPUs
// (cpuidle "haltpoll" with guest_halt_poll_ns 0, as on the benchmark
// machine), waking a halted vCPU goes through the host and took up to a few
// milliseconds; this is what tuned's latency-performance profile does. The
// cost: idle CPUs stay busy (power, and host CPU on a VM). Opt-in:
// [engine] keep_cpus_awake (docs/OPERATIONS.md, "Latency tuning").
//
//   Result<CpuWakeupLatencyRequest> awake = CpuWakeupLatencyRequest::hold({});
//   if (!awake) log(awake.error());   // e.g. no write access to the device
//
// The kernel drops the request when the file is closed (destruction, or the
// process dies, even by kill -9). Not copyable; movable.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "rules/result.hpp"

namespace bw {

class CpuWakeupLatencyRequest {
 public:
  static constexpr const char* kDevice = "/dev/cpu_dma_latency";

  // Opens `device` and writes the request (a native 32-bit count of µs).
  static Result<CpuWakeupLatencyRequest> hold(std::chrono::microseconds max_latency,
                                              const std::string& device = kDevice) {
    const int fd = ::open(device.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Error{device + ": " + std::strerror(errno)};
    const auto value = static_cast<std::int32_t>(max_latency.count());
    if (::write(fd, &value, sizeof value) != static_cast<ssize_t>(sizeof value)) {
      const int error = errno;
      ::close(fd);
      return Error{device + ": " + std::strerror(error)};
    }
    return CpuWakeupLatencyRequest(fd);
  }

  CpuWakeupLatencyRequest(CpuWakeupLatencyRequest&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)) {}
  CpuWakeupLatencyRequest& operator=(CpuWakeupLatencyRequest&& other) noexcept {
    if (this != &other) {
      release();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  CpuWakeupLatencyRequest(const CpuWakeupLatencyRequest&) = delete;
  CpuWakeupLatencyRequest& operator=(const CpuWakeupLatencyRequest&) = delete;
  ~CpuWakeupLatencyRequest() { release(); }

 private:
  explicit CpuWakeupLatencyRequest(int fd) : fd_(fd) {}
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int fd_ = -1;
};

}  // namespace bw
