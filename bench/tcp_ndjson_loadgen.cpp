// End-to-end ingest load: starts a real `bellwether serve` with a tcp_ndjson
// source, loads 100 000 alerts through the REST API, then pushes NDJSON
// quotes into the listener — in steps of rising offered rate (to find where
// the engine falls behind and quotes start merging), then flat out (the
// sustained rate) — and finally spikes every symbol across a threshold and
// straight back inside a burst, checking that every alert that had to fire
// did (bellwether_alert_fires_total).
//
//   build/bench/bw_tcp_ndjson_loadgen [--bin build/app/bellwether] [--alerts 100000]
//                                     [--symbols 1000] [--quotes 5000000] [--connections 2]
//
// Rates are quotes the server accepted (its hub counters) per second of wall
// time, measured from the first byte sent to the last quote accepted. Because
// the machine may be shared, each step also reports the server's CPU seconds
// (/proc/<pid>/stat, all threads) and quotes per server CPU second, which
// depend far less on other load; the flat-out run adds the CPU seconds of each
// server thread (named bw-tcp, bw-engine, ... where the server names them)
// and of the generator itself.
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include <string>
#include <thread>
#include <vector>
#include "store/accounts.hpp"
#include "store/alert_repository.hpp"
#include "store/database.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using boost::asio::ip::tcp;

struct Options {
  std::string bin = "build/app/bellwether";
  int alerts = 100000;
  int symbols = 1000;
  long quotes = 5'000'000;
  int connections = 2;
};

std::uint16_t free_port() {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

std::string run_cli(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  if (pclose(pipe) != 0) throw std::runtime_error("failed: " + command + "\n" + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// utime + stime of /proc/<path>/stat, in seconds; `comm` gets the thread name.
double proc_cpu_seconds(const std::string& stat_path, std::string* comm = nullptr) {
  std::ifstream in(stat_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto open = text.find('('), close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return 0;
  if (comm) *comm = text.substr(open + 1, close - open - 1);
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

std::string sym(int i) {
  return "LG" + std::to_string(i);
}

void load_alerts(const std::string& db_path, const Options& o);

struct Server {
  pid_t pid = 0;
  std::uint16_t web = 0, stream = 0, feed = 0;
  std::string dir, config, token;

  void start(const Options& o) {
    dir = std::filesystem::temp_directory_path() / ("bw-loadgen-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    web = free_port(), stream = free_port(), feed = free_port();
    config = dir + "/bellwether.toml";
    std::ofstream(config) << "[web]\nlisten = \"127.0.0.1:" << web << "\"\n"
                          << "[stream]\nlisten = \"127.0.0.1:" << stream << "\"\n"
                          << "[storage]\npath = \"" << dir << "/bw.db\"\n"
                          << "[log]\nlevel = \"warn\"\nfile = \"" << dir << "/server.log\"\n"
                          << "console = false\n"
                          << "[[sources]]\nname = \"load\"\ntype = \"tcp_ndjson\"\n"
                          << "listen = \"127.0.0.1:" << feed << "\"\n";
    run_cli(o.bin + " user add loadgen --admin --config " + config + " 2>&1");
    token = run_cli(o.bin + " token create loadgen --config " + config + " 2>/dev/null");
    load_alerts(dir + "/bw.db", o);
    std::vector<std::string> args{o.bin, "serve", "--config", config};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid, o.bin.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start " + o.bin);
    }
    httplib::Client client("127.0.0.1", web);
    for (int i = 0; i < 300; ++i) {
      if (auto r = client.Get("/healthz"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("server did not become healthy");
  }

  ~Server() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }

  httplib::Headers auth() const { return {{"Authorization", "Bearer " + token}}; }

  double cpu_seconds() const { return proc_cpu_seconds("/proc/" + std::to_string(pid) + "/stat"); }

  // CPU seconds per server thread, keyed "name/tid".
  std::map<std::string, double> thread_cpu_seconds() const {
    std::map<std::string, double> out;
    const std::string task = "/proc/" + std::to_string(pid) + "/task";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(task, ec)) {
      std::string comm;
      const double seconds = proc_cpu_seconds(entry.path().string() + "/stat", &comm);
      out[comm + "/" + entry.path().filename().string()] = seconds;
    }
    return out;
  }

  nlohmann::json hub() const {
    httplib::Client client("127.0.0.1", web);
    auto r = client.Get("/api/v1/sources", auth());
    if (!r || r->status != 200) throw std::runtime_error("GET /api/v1/sources failed");
    nlohmann::json body = nlohmann::json::parse(r->body);
    nlohmann::json out = body["hub"]["by_source"]["load"];
    out["rejected"] = body["sources"][0]["rejected"];
    return out;
  }

  double fires() const {
    httplib::Client client("127.0.0.1", web);
    auto r = client.Get("/metrics");
    if (!r) return -1;
    std::smatch m;
    static const std::regex line(R"(\nbellwether_alert_fires_total (\S+))");
    return std::regex_search(r->body, m, line) ? std::stod(m[1]) : -1;
  }
};

// Alerts: per symbol one crossing_up at 150 (must fire on the final spike)
// and the rest far above (200..300, crossing_up) or below (crossing_down
// under 50), never touched. Written straight into the store before the
// server starts (the REST API commits each alert on its own, ~50/s here);
// the server arms them at start like any stored alert.
void load_alerts(const std::string& db_path, const Options& o) {
  std::unique_ptr<bw::Database> db = bw::Database::open(db_path, 1);
  bw::Accounts accounts(*db);
  std::optional<bw::User> user = accounts.find_user("loadgen");
  if (!user) throw std::runtime_error("no loadgen user");
  db->write([](bw::sql::Connection& c) { c.exec("PRAGMA synchronous=OFF"); });
  bw::AlertRepository alerts(*db);
  for (int i = 0; i < o.alerts; ++i) {
    const int s = i % o.symbols;
    const int k = i / o.symbols;
    bw::Alert alert;
    alert.user_id = user->id;
    alert.symbol = sym(s);
    alert.state = bw::AlertState::armed;
    alert.trigger.mode = bw::TriggerMode::once;
    if (k == 0) {
      alert.condition = {bw::ConditionType::crossing_up, *bw::Price::parse("150"), {}};
    } else if (k % 2) {
      alert.condition = {
          bw::ConditionType::crossing_up, *bw::Price::from_double(200 + (k % 200) * 0.5), {}};
    } else {
      alert.condition = {
          bw::ConditionType::crossing_down, *bw::Price::from_double(10 + (k % 400) * 0.1), {}};
    }
    (void)alerts.insert(alert, 1'764'169'200'000);
  }
}

// Sends `count` quotes at about `rate` quotes/s in total (0: flat out).
// Connection c owns the symbols s with s % connections == c, so each
// symbol's quotes arrive in order and carry a rising "seq" (the normaliser's
// duplicate and ordering checks stay on). Prices wander in [100, 101);
// with `spike`, the middle round of every symbol is 150.01 and the rest of
// the burst is back under 101.
void send(const Server& server, const Options& o, long count, double rate, bool spike,
          std::uint64_t seq_base) {
  std::vector<std::thread> threads;
  const long rounds = count / o.symbols;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      boost::asio::io_context io;
      tcp::socket socket(io);
      socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.feed));
      std::string chunk;
      char line[160];
      const auto start = Clock::now();
      long written = 0;
      for (long round = 0; round < rounds; ++round) {
        for (int s = c; s < o.symbols; s += o.connections) {
          const long n = round * o.symbols + s;
          double price = 100 + static_cast<double>((n * 7919) % 100) / 100.0;
          if (spike && round == rounds / 2) price = 150.01;
          chunk.append(line, static_cast<std::size_t>(std::snprintf(
                                 line, sizeof line,
                                 "{\"symbol\":\"%s\",\"price\":%.2f,\"volume\":1,\"seq\":%llu}\n",
                                 sym(s).c_str(), price,
                                 static_cast<unsigned long long>(seq_base + round + 1))));
          ++written;
          if (chunk.size() < 64 * 1024) continue;
          boost::asio::write(socket, boost::asio::buffer(chunk));
          chunk.clear();
          if (rate > 0) {
            const auto due = start + std::chrono::duration<double>(written * o.connections / rate);
            std::this_thread::sleep_until(std::chrono::time_point_cast<Clock::duration>(due));
          }
        }
      }
      if (!chunk.empty()) boost::asio::write(socket, boost::asio::buffer(chunk));
    });
  }
  for (auto& t : threads) t.join();
}

// Waits until the server accepted `target` quotes in total; the wall seconds.
double wait_accepted(const Server& server, std::uint64_t target, Clock::time_point since) {
  while (true) {
    const nlohmann::json hub = server.hub();
    if (hub["accepted"].get<std::uint64_t>() + hub["rejected"].get<std::uint64_t>() >= target)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (Clock::now() - since > std::chrono::minutes(5)) throw std::runtime_error("stalled");
  }
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--bin")
      o.bin = value;
    else if (key == "--alerts")
      o.alerts = std::stoi(value);
    else if (key == "--symbols")
      o.symbols = std::stoi(value);
    else if (key == "--quotes")
      o.quotes = std::stol(value);
    else if (key == "--connections")
      o.connections = std::stoi(value);
    else {
      std::cerr << "unknown option " << key << "\n";
      return 2;
    }
  }
  try {
    Server server;
    server.start(o);
    std::printf("server up: web %u, tcp_ndjson %u\n", server.web, server.feed);
    std::printf("alerts: %d on %d symbols armed\n", o.alerts, o.symbols);

    std::uint64_t sent = 0;
    std::printf("load average at start: %s\n", load_average().c_str());
    std::printf("%12s %14s %10s %12s %16s\n", "offered/s", "accepted/s", "merged%", "server CPU s",
                "quotes/CPU-s");
    std::uint64_t seq = 0;
    for (double rate : {25e3, 50e3, 100e3, 200e3, 400e3, 800e3}) {
      const long count = static_cast<long>(rate * 2) / o.symbols * o.symbols;  // two seconds
      const auto before = server.hub();
      const double cpu_before = server.cpu_seconds();
      const auto start = Clock::now();
      send(server, o, count, rate, false, seq);
      seq += static_cast<std::uint64_t>(count / o.symbols);
      sent += static_cast<std::uint64_t>(count);
      const double seconds = wait_accepted(server, sent, start);
      const auto after = server.hub();
      const double accepted = static_cast<double>(after["accepted"].get<std::uint64_t>() -
                                                  before["accepted"].get<std::uint64_t>());
      const double merged = static_cast<double>(after["merged"].get<std::uint64_t>() -
                                                before["merged"].get<std::uint64_t>());
      const double cpu = server.cpu_seconds() - cpu_before;
      std::printf("%12.0f %14.0f %9.2f%% %12.2f %16.0f\n", rate, accepted / seconds,
                  100 * merged / accepted, cpu, accepted / cpu);
    }

    const auto before = server.hub();
    const auto threads_before = server.thread_cpu_seconds();
    const double cpu_before = server.cpu_seconds();
    const double self_before = self_cpu_seconds();
    const auto start = Clock::now();
    const long count = o.quotes / o.symbols * o.symbols;
    send(server, o, count, 0, true, seq);
    sent += static_cast<std::uint64_t>(count);
    const double seconds = wait_accepted(server, sent, start);
    const auto after = server.hub();
    const double accepted = static_cast<double>(after["accepted"].get<std::uint64_t>() -
                                                before["accepted"].get<std::uint64_t>());
    const double merged = static_cast<double>(after["merged"].get<std::uint64_t>() -
                                              before["merged"].get<std::uint64_t>());
    std::printf(
        "flat out: %.0f quotes in %.2f s = %.0f quotes/s accepted, %.2f%% merged, "
        "%llu refused by the normaliser in all\n",
        accepted, seconds, accepted / seconds, 100 * merged / accepted,
        static_cast<unsigned long long>(after["rejected"].get<std::uint64_t>()));
    const double cpu = server.cpu_seconds() - cpu_before;
    std::printf(
        "flat out CPU: server %.2f s (%.0f quotes per server CPU second), generator %.2f s\n", cpu,
        accepted / cpu, self_cpu_seconds() - self_before);
    for (const auto& [thread, seconds] : server.thread_cpu_seconds()) {
      const auto was = threads_before.find(thread);
      const double used = seconds - (was == threads_before.end() ? 0 : was->second);
      if (used >= 0.05) std::printf("  server thread %-24s %6.2f CPU s\n", thread.c_str(), used);
    }
    std::printf("load average at end: %s\n", load_average().c_str());

    // Every symbol crossed 150 once, inside the burst: each must have fired.
    double fired = -1;
    for (int i = 0; i < 600 && fired < o.symbols; ++i) {
      fired = server.fires();
      if (fired < o.symbols) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::printf("crossings: %.0f of %d alerts that had to fire did fire%s\n", fired, o.symbols,
                fired == o.symbols ? " (none lost)" : "  ** LOST **");
    if (fired != o.symbols) {
      httplib::Client client("127.0.0.1", server.web);
      auto alerts = client.Get("/api/v1/alerts", server.auth());
      auto quote = client.Get("/api/v1/quotes/LG1", server.auth());
      std::printf("alerts: %.300s\nquote: %s\n", alerts ? alerts->body.c_str() : "-",
                  quote ? quote->body.c_str() : "-");
      std::ifstream log(server.dir + "/server.log");
      std::string line;
      for (int i = 0; i < 20 && std::getline(log, line); ++i)
        std::printf("server.log: %s\n", line.c_str());
    }
    return fired == o.symbols ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "loadgen: " << error.what() << "\n";
    return 1;
  }
}
