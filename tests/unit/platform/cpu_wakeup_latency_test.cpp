// Specification of CpuWakeupLatencyRequest against a stand-in device file:
// it writes the request as a native 32-bit count of µs and holds the file
// open as long as it lives; a device it cannot open is an error naming it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "platform/cpu_wakeup_latency.hpp"

using namespace bw;
namespace fs = std::filesystem;

namespace {

// Open file descriptors of this process that point at `path`.
int open_handles_to(const fs::path& path) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (fs::read_symlink(entry.path(), error) == path) ++count;
  }
  return count;
}

struct StandIn {
  fs::path path = fs::temp_directory_path() / ("bw-dma-latency-" + std::to_string(::getpid()));
  StandIn() { std::ofstream(path).flush(); }
  ~StandIn() { fs::remove(path); }
  std::int32_t written() const {
    std::ifstream in(path, std::ios::binary);
    std::int32_t value = -1;
    in.read(reinterpret_cast<char*>(&value), sizeof value);
    return in.gcount() == sizeof value ? value : -1;
  }
};

}  // namespace

TEST_CASE("the request is written and held open until it is destroyed", "[platform]") {
  StandIn device;
  {
    Result<CpuWakeupLatencyRequest> request =
        CpuWakeupLatencyRequest::hold(std::chrono::microseconds(0), device.path.string());
    REQUIRE(request.ok());
    CHECK(device.written() == 0);
    CHECK(open_handles_to(device.path) == 1);

    std::optional<CpuWakeupLatencyRequest> moved(std::move(*request));
    CHECK(open_handles_to(device.path) == 1);  // moved, not duplicated
    moved.reset();
    CHECK(open_handles_to(device.path) == 0);
  }
  CHECK(open_handles_to(device.path) == 0);
}

TEST_CASE("a latency other than 0 is written as given", "[platform]") {
  StandIn device;
  Result<CpuWakeupLatencyRequest> request =
      CpuWakeupLatencyRequest::hold(std::chrono::microseconds(20), device.path.string());
  REQUIRE(request.ok());
  CHECK(device.written() == 20);
}

TEST_CASE("a device that cannot be opened is an error naming it", "[platform]") {
  Result<CpuWakeupLatencyRequest> request = CpuWakeupLatencyRequest::hold(
      std::chrono::microseconds(0), "/nonexistent-dir/cpu_dma_latency");
  REQUIRE_FALSE(request.ok());
  CHECK(request.error() == "/nonexistent-dir/cpu_dma_latency: No such file or directory");
}
