// Thread CPU time by name: how much CPU this process's threads called `name`
// (setup_thread's names: "bw-deliver", "bw-engine", ...) have used, read
// from /proc/self/task/*/stat (utime + stime, in clock ticks of usually
// 10 ms). For the load generators and for tests that check a thread idles
// while it waits; nothing on a hot path.
//
//   const auto before = threads_cpu_time("bw-deliver");
//   ...
//   const auto spent = threads_cpu_time("bw-deliver") - before;
//
// A thread that has exited no longer counts. Thread-safe.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bw {

inline std::chrono::milliseconds threads_cpu_time(const std::string& name) {
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  long long ticks = 0;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream comm(task.path() / "comm");
    std::string thread_name;
    if (!std::getline(comm, thread_name) || thread_name != name) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) continue;
    // After the ")" that ends the name: state is field 3, utime 14, stime 15.
    std::istringstream fields(line.substr(line.rfind(')') + 1));
    std::string field;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14 || i == 15) ticks += std::stoll(field);
    }
  }
  return std::chrono::milliseconds(ticks_per_second > 0 ? ticks * 1000 / ticks_per_second : 0);
}

}  // namespace bw
