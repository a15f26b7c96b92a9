// FakeProcess: runs a fake provider (tests/support/fake_provider.py) as a
// child process for a test and reads the port it announces ("PORT <n>").
//
//   FakeProcess fake({"--provider", "alpaca", "--record", path});
//   std::string url = "ws://127.0.0.1:" + std::to_string(fake.port()) + "/v2/test";
//
// The destructor terminates and reaps the child. Not thread-safe.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef BW_SOURCE_DIR
#error "BW_SOURCE_DIR must name the source tree (tests/unit/ingest/CMakeLists.txt sets it)"
#endif

namespace bw::testing {

inline std::string support_path(const std::string& file) {
  return std::string(BW_SOURCE_DIR) + "/tests/support/" + file;
}

class FakeProcess {
 public:
  explicit FakeProcess(std::vector<std::string> args) {
    args.insert(args.begin(), {"python3", support_path("fake_provider.py")});
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* stream = fdopen(out[0], "r");
    char line[64] = {};
    if (!stream || !fgets(line, sizeof line, stream) || std::sscanf(line, "PORT %d", &port_) != 1) {
      if (stream) fclose(stream);
      stop();
      throw std::runtime_error("the fake provider did not announce its port");
    }
    stdout_ = stream;  // kept open so the child never writes to a closed pipe
  }
  ~FakeProcess() {
    stop();
    if (stdout_) fclose(stdout_);
  }
  FakeProcess(const FakeProcess&) = delete;
  FakeProcess& operator=(const FakeProcess&) = delete;

  int port() const { return port_; }

 private:
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  pid_t pid_ = -1;
  int port_ = 0;
  FILE* stdout_ = nullptr;
};

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bw-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Generates a test CA and server certificate into `dir` (make_test_ca.sh).
inline void make_test_ca(const TempDir& dir) {
  const std::string command = "sh " + support_path("make_test_ca.sh") + " " + dir.file("");
  if (std::system(command.c_str()) != 0) throw std::runtime_error("make_test_ca.sh failed");
}

// The lines of a --record file (one JSON object per message received).
inline std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace bw::testing
