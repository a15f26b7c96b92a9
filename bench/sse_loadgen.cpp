// SSE load generator (docs/BENCHMARKS.md, "SSE fan-out"): many EventSource
// clients on one epoll thread against a real server process.
//
//   bw_sse_loadgen fanout --bin build/app/bellwether [--clients 10000] [--stalled 500]
//                         [--rate 20] [--seconds 10] [--notifications 100]
//                         [--io-threads 1] [--symbols 1] [--quote-interval-ms 20]
//   bw_sse_loadgen fanout --nchan [same options]      (nginx + libnginx-mod-nchan)
//   bw_sse_loadgen fanout --nchan-single [...]        (nchan, shared channel only)
//   bw_sse_loadgen fanout --raw [...]                 (the bare-send floor, see below)
//     Starts the server (bellwether with a fresh database of N users, each
//     watching symbol BCAST; or nginx with nchan, one channel per client plus a
//     shared one), opens N streams and reports:
//       - memory per idle client: server RSS delta / N;
//       - a quote broadcast to all N at --rate per second for --seconds: p50/p99
//         publish→receipt latency and server CPU (utime+stime) per delivery;
//       - a notification to one client (bellwether: an alert fired by a pushed
//         quote; nchan: a publish to the client's own channel): p50/p99;
//       - the broadcast again with --stalled extra clients that never read:
//         others' p99 and the ratio to the first run.
//     --symbols K (bellwether only): every client watches K symbols and the
//     broadcasts go round-robin over them (seq s quotes symbol s % K), with
//     [stream] quote_interval = --quote-interval-ms: how per-client conflation
//     packs several symbols' events into one write. A delivery is always one
//     quote event frame received by a client.
//     --raw runs no server but a forked child that sends each broadcast with
//     one plain non-blocking send() per client (no epoll, no buffering, no
//     framework): what one loopback send per delivery costs on this machine.
//
//   bw_sse_loadgen alerts --bin build/app/bellwether [--alerts 100000]
//                         [--quote-rate 10000] [--probes 100] [--keep-cpus-awake]
//     Quote pushed → notification on SSE: 100k armed alerts (99.9k on 1,000
//     background symbols whose random walk never reaches them, 100 on PROBE),
//     10k quotes/s pushed in batches, and every 100 ms one PROBE quote that
//     crosses the next probe alert; reports p50/p99 push→SSE receipt.
//     --keep-cpus-awake sets the server's [engine] keep_cpus_awake (root).
//
// Latency: the publisher records the time just before each publish; the price
// in the payload names the publish. Clients read on one thread with epoll.
// Server CPU comes from /proc/<pid>/stat of the server and its children.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rules/price.hpp"
#include "store/database.hpp"
#include "web/credentials.hpp"

namespace {

using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

struct Args {
  std::string mode;
  std::string bin;
  bool nchan = false;
  bool nchan_single = false;  // nchan subscribers on the shared channel only
  bool raw = false;           // the bare-send floor instead of a server
  int clients = 10000;
  int stalled = 500;
  int rate = 20;
  int seconds = 10;
  int notifications = 100;
  int alerts = 100000;
  int quote_rate = 10000;
  int probes = 100;
  int io_threads = 1;            // bellwether's [stream] io_threads
  int symbols = 1;               // broadcast symbols, all watched by every client
  int quote_interval_ms = 20;    // bellwether's [stream] quote_interval
  bool keep_cpus_awake = false;  // bellwether's [engine] keep_cpus_awake
};

Args parse_args(int argc, char** argv) {
  Args a;
  if (argc > 1) a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", flag.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (flag == "--bin")
      a.bin = value();
    else if (flag == "--nchan")
      a.nchan = true;
    else if (flag == "--nchan-single")
      a.nchan = a.nchan_single = true;
    else if (flag == "--raw")
      a.raw = true;
    else if (flag == "--clients")
      a.clients = std::stoi(value());
    else if (flag == "--stalled")
      a.stalled = std::stoi(value());
    else if (flag == "--rate")
      a.rate = std::stoi(value());
    else if (flag == "--seconds")
      a.seconds = std::stoi(value());
    else if (flag == "--notifications")
      a.notifications = std::stoi(value());
    else if (flag == "--alerts")
      a.alerts = std::stoi(value());
    else if (flag == "--quote-rate")
      a.quote_rate = std::stoi(value());
    else if (flag == "--probes")
      a.probes = std::stoi(value());
    else if (flag == "--io-threads")
      a.io_threads = std::stoi(value());
    else if (flag == "--symbols")
      a.symbols = std::max(1, std::stoi(value()));
    else if (flag == "--quote-interval-ms")
      a.quote_interval_ms = std::max(1, std::stoi(value()));
    else if (flag == "--keep-cpus-awake")
      a.keep_cpus_awake = true;
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if ((a.mode != "fanout" && a.mode != "alerts") || (!a.nchan && !a.raw && a.bin.empty()) ||
      ((a.nchan || a.raw) && a.mode != "fanout")) {
    std::fprintf(stderr,
                 "usage: bw_sse_loadgen fanout (--bin PATH | --nchan | --nchan-single | --raw) "
                 "[--clients N] "
                 "[--stalled N] [--rate R] [--seconds S] [--notifications K] [--io-threads T] "
                 "[--symbols K] [--quote-interval-ms MS]\n"
                 "       bw_sse_loadgen alerts --bin PATH [--alerts N] [--quote-rate Q] "
                 "[--probes K] [--keep-cpus-awake]\n");
    std::exit(2);
  }
  return a;
}

// ---- the server process ----------------------------------------------------

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(log, 1);
    ::dup2(log, 2);
    std::vector<char*> raw;
    for (const std::string& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

std::vector<pid_t> process_tree(pid_t root) {
  std::vector<pid_t> pids{root};
  for (std::size_t i = 0; i < pids.size(); ++i) {
    const fs::path tasks = "/proc/" + std::to_string(pids[i]) + "/task";
    std::error_code ec;
    for (const auto& task : fs::directory_iterator(tasks, ec)) {
      std::ifstream children(task.path() / "children");
      pid_t child = 0;
      while (children >> child) pids.push_back(child);
    }
  }
  return pids;
}

// utime + stime of the server and its children, in seconds.
double cpu_seconds(pid_t root) {
  double total = 0;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (const pid_t pid : process_tree(root)) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const std::size_t close_paren = text.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream fields(text.substr(close_paren + 2));
    std::string field;
    // Fields after the command: state is field 3; utime 14 and stime 15.
    for (int index = 3; index <= 15 && fields >> field; ++index) {
      if (index == 14 || index == 15) total += std::stod(field) / ticks;
    }
  }
  return total;
}

double rss_kib(pid_t root) {
  double total = 0;
  for (const pid_t pid : process_tree(root)) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) total += std::stod(line.substr(6));
    }
  }
  return total;
}

// TCP segments carrying data that the server's sockets on `port` have sent
// (`ss -ti`'s data_segs_out, summed): with TCP_NODELAY and small events, one
// per send() that the kernel took. -1 if ss is not available.
long server_data_segments(int port) {
  const std::string command =
      "ss -tinH state established '( sport = :" + std::to_string(port) + " )' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return -1;
  long total = 0;
  bool any = false;
  char line[4096];
  while (std::fgets(line, sizeof line, pipe)) {
    const char* field = std::strstr(line, "data_segs_out:");
    if (!field) continue;
    total += std::strtol(field + 14, nullptr, 10);
    any = true;
  }
  ::pclose(pipe);
  return any ? total : -1;
}

bool wait_http_ok(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  for (int i = 0; i < 300; ++i) {
    if (auto res = client.Get(path.c_str()); res && res->status < 500) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// ---- the clients -------------------------------------------------------------

struct Latencies {
  std::vector<double> ms;
  double percentile(double p) const {
    if (ms.empty()) return NAN;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
    return sorted[index];
  }
};

// Publish times by sequence number; the payload's price names the sequence.
struct PublishLog {
  static constexpr int kCapacity = 1 << 20;
  std::vector<std::atomic<std::int64_t>> at_ns = std::vector<std::atomic<std::int64_t>>(kCapacity);
  void mark(int seq) {
    at_ns[seq & (kCapacity - 1)] = SteadyClock::now().time_since_epoch().count();
  }
  double latency_ms(int seq, SteadyClock::time_point received) const {
    const std::int64_t sent = at_ns[seq & (kCapacity - 1)];
    if (sent == 0) return NAN;
    return static_cast<double>(received.time_since_epoch().count() - sent) / 1e6;
  }
};

// Prices: broadcast quote seq s has price kBroadcastBase + s; notification k
// has price kNoteBase + k + 0.5 (bellwether) or carries "note":k (nchan).
constexpr int kBroadcastBase = 1000;
constexpr int kNoteBase = 10;

struct Conn {
  int fd = -1;
  bool stalled = false;
  bool open = false;  // the response header arrived
  std::string pending;
};

class ClientPool {
 public:
  ClientPool(int port, PublishLog& quotes, PublishLog& notes)
      : port_(port), quotes_(quotes), notes_(notes), epoll_(::epoll_create1(0)) {}

  // Opens `requests.size()` streams (each request is the full HTTP request);
  // stalled ones have a 4 KiB receive buffer and are never read.
  void open(const std::vector<std::string>& requests, bool stalled) {
    const std::size_t first = conns_.size();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      Conn conn;
      conn.stalled = stalled;
      conn.fd = connect_one(first + i, stalled);
      if (conn.fd < 0) continue;
      conns_.push_back(std::move(conn));
      requests_.push_back(requests[i]);
      if (!stalled) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = conns_.size() - 1;
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, conns_.back().fd, &event);
      }
      // Blocking send of a small request on a fresh connection.
      const std::string& request = requests_.back();
      (void)::send(conns_.back().fd, request.data(), request.size(), MSG_NOSIGNAL);
      if (stalled) ++open_count_;  // never read: counted as open at once
      if (i % 200 == 199) poll_for(std::chrono::milliseconds(1));  // drain accepts/headers
    }
  }

  // Reads until `done()` or the deadline; returns whether done() held.
  template <typename Done>
  bool run_until(Done&& done, std::chrono::milliseconds limit) {
    const auto deadline = SteadyClock::now() + limit;
    while (!done()) {
      if (SteadyClock::now() > deadline) return false;
      poll_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  void poll_for(std::chrono::milliseconds wait) {
    std::array<epoll_event, 512> events{};
    const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(wait.count()));
    const auto now = SteadyClock::now();
    for (int i = 0; i < n; ++i) read_conn(conns_[events[i].data.u64], now);
  }

  int open_count() const { return open_count_; }
  int closed_count() const { return closed_count_; }
  long quotes_received() const { return quotes_received_; }
  Latencies& quote_latency() { return quote_latency_; }
  Latencies& note_latency() { return note_latency_; }
  long notes_received() const { return notes_received_; }

 private:
  int connect_one(std::size_t index, bool stalled) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (stalled) {
      const int small = 4096;
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    // Spread over source addresses 127.0.0.2..9 so ephemeral ports never run short.
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr = htonl(0x7f000002 + static_cast<std::uint32_t>(index % 8));
    ::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<std::uint16_t>(port_));
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
      std::perror("connect");
      ::close(fd);
      return -1;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
  }

  void read_conn(Conn& conn, SteadyClock::time_point now) {
    char buffer[65536];
    for (;;) {
      const ssize_t got = ::recv(conn.fd, buffer, sizeof buffer, 0);
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, conn.fd, nullptr);
        ::close(conn.fd);
        ++closed_count_;
        return;
      }
      if (got < 0) return;
      conn.pending.append(buffer, static_cast<std::size_t>(got));
      if (static_cast<std::size_t>(got) < sizeof buffer) break;
    }
    consume(conn, now);
  }

  void consume(Conn& conn, SteadyClock::time_point now) {
    std::size_t start = 0;
    if (!conn.open) {
      const std::size_t end = conn.pending.find("\r\n\r\n");
      if (end == std::string::npos) return;
      conn.open = conn.pending.compare(0, 12, "HTTP/1.1 200") == 0 ||
                  conn.pending.compare(0, 12, "HTTP/1.0 200") == 0;
      if (conn.open) ++open_count_;
      start = end + 4;
    }
    for (;;) {
      const std::size_t end = conn.pending.find("\n\n", start);
      if (end == std::string::npos) break;
      on_block(std::string_view(conn.pending).substr(start, end - start), now);
      start = end + 2;
    }
    conn.pending.erase(0, start);
  }

  void on_block(std::string_view block, SteadyClock::time_point now) {
    const std::size_t price_at = block.find("\"price\":");
    if (price_at == std::string_view::npos) return;  // retry hint, heartbeat, ...
    const double price = std::strtod(block.data() + price_at + 8, nullptr);
    const bool note = block.find("event: notification") != std::string_view::npos ||
                      block.find("\"note\":") != std::string_view::npos;
    if (note) {
      ++notes_received_;
      const double ms = notes_.latency_ms(static_cast<int>(price) - kNoteBase, now);
      if (!std::isnan(ms)) note_latency_.ms.push_back(ms);
      return;
    }
    ++quotes_received_;
    const int seq = static_cast<int>(std::lround(price)) - kBroadcastBase;
    if (seq < 0) return;
    const double ms = quotes_.latency_ms(seq, now);
    if (!std::isnan(ms)) quote_latency_.ms.push_back(ms);
  }

  const int port_;
  PublishLog& quotes_;
  PublishLog& notes_;
  const int epoll_;
  std::vector<Conn> conns_;
  std::vector<std::string> requests_;
  int open_count_ = 0;
  int closed_count_ = 0;
  long quotes_received_ = 0;
  long notes_received_ = 0;
  Latencies quote_latency_;
  Latencies note_latency_;
};

// ---- targets -------------------------------------------------------------------

// How the load generator talks to one kind of server.
struct Target {
  pid_t pid = 0;
  int stream_port = 0;
  std::vector<std::string> stream_requests;   // one per client (index = client)
  std::vector<std::string> stalled_requests;  // one per stalled client
  std::function<bool(int seq)> publish_broadcast;
  std::function<bool(int k)> publish_notification;  // to client 0
};

std::string stream_request(const std::string& path, const std::string& token, bool http10) {
  std::string request = "GET " + path + (http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n") +
                        "Host: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  return request + "\r\n";
}

std::string token_for(int user) {
  return "bench-token-" + std::to_string(user);
}

// A fresh database: users 1..n+stalled each with a token and watchlist
// {BCAST} (or BCAST0..BCAST<symbols-1>); user 1 also has `notes` crossing_up alerts on NOTE at
// kNoteBase + k; an admin "ops" (token "bench-ops") pushes quotes.
// The broadcast symbol of sequence number `seq`.
std::string broadcast_symbol(int seq, int symbols) {
  return symbols <= 1 ? std::string("BCAST") : "BCAST" + std::to_string(seq % symbols);
}

void seed_bellwether(const std::string& db_path, int users, int notes, int symbols) {
  auto db = bw::Database::open(db_path, 1);
  db->write([&](bw::sql::Connection& c) {
    bw::sql::Transaction tx(c);
    bw::sql::Statement user(
        c, "INSERT INTO users (id, name, is_admin, created_at) VALUES (?, ?, ?, 0)");
    bw::sql::Statement token(c,
                             "INSERT INTO api_tokens (user_id, token_hash, label, created_at) "
                             "VALUES (?, ?, 'bench', 0)");
    bw::sql::Statement watch(c,
                             "INSERT INTO watchlist (user_id, symbol, position) VALUES (?, ?, ?)");
    for (int id = 1; id <= users + 1; ++id) {
      const bool ops = id == users + 1;
      user.reset();
      user.bind(1, std::int64_t{id})
          .bind(2, ops ? std::string("ops") : "u" + std::to_string(id))
          .bind(3, std::int64_t{ops ? 1 : 0})
          .run();
      token.reset();
      token.bind(1, std::int64_t{id})
          .bind(2, bw::hash_token(ops ? "bench-ops" : token_for(id)))
          .run();
      if (ops) continue;
      for (int k = 0; k < symbols; ++k) {
        watch.reset();
        watch.bind(1, std::int64_t{id})
            .bind(2, broadcast_symbol(k, symbols))
            .bind(3, std::int64_t{k})
            .run();
      }
    }
    bw::sql::Statement alert(
        c,
        "INSERT INTO alerts (user_id, symbol, name, condition_type, threshold, trigger_mode, "
        "state, created_at, updated_at) VALUES (?, ?, '', ?, ?, 'once', 'armed', 0, 0)");
    for (int k = 0; k < notes; ++k) {
      alert.reset();
      alert.bind(1, std::int64_t{1})
          .bind(2, std::string("NOTE"))
          .bind(3, std::string("crossing_up"))
          .bind(4, (kNoteBase + k) * bw::Price::kScale)
          .run();
    }
    tx.commit();
  });
}

std::string bellwether_config(const std::string& dir, int web_port, int stream_port,
                              int max_clients, int io_threads, int quote_interval_ms = 20,
                              bool keep_cpus_awake = false) {
  return "sources = []\n[web]\nlisten = \"127.0.0.1:" + std::to_string(web_port) +
         "\"\n[stream]\nlisten = \"127.0.0.1:" + std::to_string(stream_port) +
         "\"\nquote_interval = \"" + std::to_string(quote_interval_ms) +
         "ms\"\nio_threads = " + std::to_string(io_threads) +
         "\nmax_clients = " + std::to_string(max_clients) + "\n[storage]\npath = \"" + dir +
         "/bellwether.db\"\n[log]\nlevel = \"warn\"\n" +
         (keep_cpus_awake ? "[engine]\nkeep_cpus_awake = true\n" : "");
}

bool post_quotes(httplib::Client& client, const std::string& body) {
  auto res = client.Post("/api/v1/quotes", body, "application/json");
  return res && res->status == 202;
}

Target start_bellwether(const Args& args, const std::string& dir, int users, int notes) {
  Target target;
  const int web_port = free_port();
  target.stream_port = free_port();
  seed_bellwether(dir + "/bellwether.db", users, notes, args.symbols);
  std::ofstream(dir + "/bellwether.toml") << bellwether_config(
      dir, web_port, target.stream_port, users + 100, args.io_threads, args.quote_interval_ms);
  target.pid =
      spawn({args.bin, "serve", "--config", dir + "/bellwether.toml"}, dir + "/server.log");
  if (!wait_http_ok(web_port, "/healthz")) {
    std::fprintf(stderr, "bellwether did not start; see %s/server.log\n", dir.c_str());
    std::exit(1);
  }
  auto client = std::make_shared<httplib::Client>("127.0.0.1", web_port);
  client->set_bearer_token_auth("bench-ops");
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  // NOTE starts below every threshold, so each later quote crosses exactly one.
  post_quotes(*client, R"([{"symbol":"NOTE","price":5}])");
  target.publish_broadcast = [client, symbols = args.symbols](int seq) {
    return post_quotes(*client, R"([{"symbol":")" + broadcast_symbol(seq, symbols) +
                                    R"(","price":)" + std::to_string(kBroadcastBase + seq) + "}]");
  };
  target.publish_notification = [client](int k) {
    return post_quotes(*client,
                       R"([{"symbol":"NOTE","price":)" + std::to_string(kNoteBase + k) + ".5}]");
  };
  return target;
}

Target start_nchan(const std::string& dir) {
  Target target;
  target.stream_port = free_port();
  std::ofstream(dir + "/nginx.conf")
      << "load_module /usr/lib/nginx/modules/ngx_nchan_module.so;\n"
         "worker_processes 1;\ndaemon off;\nmaster_process on;\nworker_rlimit_nofile 30000;\n"
         "error_log "
      << dir << "/nginx-error.log warn;\npid " << dir
      << "/nginx.pid;\n"
         "events { worker_connections 30000; }\n"
         "http {\n  access_log off;\n  client_body_temp_path "
      << dir
      << ";\n"
         "  server {\n    listen 127.0.0.1:"
      << target.stream_port
      << " backlog=4096;\n"
         "    location ~ ^/sub/(\\w+)$ { nchan_subscriber eventsource; "
         "nchan_channel_id \"$1\" \"all\"; }\n"
         "    location = /suball { nchan_subscriber eventsource; nchan_channel_id all; }\n"
         "    location ~ ^/pub/(\\w+)$ { nchan_publisher; nchan_channel_id \"$1\"; "
         "nchan_message_buffer_length 5; nchan_message_timeout 60s; }\n"
         "  }\n}\n";
  target.pid = spawn({"/usr/sbin/nginx", "-c", dir + "/nginx.conf", "-p", dir}, dir + "/nginx.log");
  if (!wait_http_ok(target.stream_port, "/nope")) {
    std::fprintf(stderr, "nginx did not start; see %s/nginx.log\n", dir.c_str());
    std::exit(1);
  }
  auto client = std::make_shared<httplib::Client>("127.0.0.1", target.stream_port);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  target.publish_broadcast = [client](int seq) {
    auto res = client->Post(
        "/pub/all", R"({"symbol":"BCAST","price":)" + std::to_string(kBroadcastBase + seq) + "}",
        "application/json");
    return res && res->status < 300;
  };
  target.publish_notification = [client](int k) {
    auto res = client->Post(
        "/pub/c0",
        R"({"note":)" + std::to_string(k) + R"(,"price":)" + std::to_string(kNoteBase + k) + ".5}",
        "application/json");
    return res && res->status < 300;
  };
  return target;
}

// The floor of "one send per client per broadcast" on this machine: a child
// process with no framework at all. It answers every stream request with a
// bare event-stream header; each publish (a 4-byte sequence number on a pipe,
// negative for a notification to client 0) is formatted once and sent with one
// non-blocking send() per client, in a plain loop (a send that would block is
// dropped: no buffering, no epoll on the sending side). Broadcasts that queued
// up during a round are conflated to the latest, as the server does.
[[noreturn]] void run_raw_sender(int listener, int commands) {
  std::mutex mutex;
  std::vector<int> fds;  // guarded by mutex; index = accept order = client index
  std::thread acceptor([&] {
    for (;;) {
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd < 0) continue;
      char request[4096];
      std::size_t got = 0;
      while (got < sizeof request) {  // the client sends its request right after connect
        const ssize_t n = ::recv(fd, request + got, sizeof request - got, 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
        if (std::string_view(request, got).find("\r\n\r\n") != std::string_view::npos) break;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const std::string_view header =
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
      (void)::send(fd, header.data(), header.size(), MSG_NOSIGNAL);
      std::lock_guard lock(mutex);
      fds.push_back(fd);
    }
  });
  acceptor.detach();
  // Like a conflating server: commands that queued up while a round was being
  // sent are merged (the latest broadcast only; every notification).
  std::vector<std::int32_t> commands_read(4096);
  for (;;) {
    const ssize_t got = ::read(commands, commands_read.data(), commands_read.size() * 4);
    if (got <= 0) _exit(0);
    std::int32_t latest = -1;
    std::vector<std::string> notes;
    for (ssize_t i = 0; i < got / 4; ++i) {
      const std::int32_t seq = commands_read[static_cast<std::size_t>(i)];
      if (seq >= 0) {
        latest = seq;
        continue;
      }
      const int k = -seq - 1;
      notes.push_back("event: notification\nid: " + std::to_string(k + 1) +
                      "\ndata: {\"price\":" + std::to_string(kNoteBase + k) + ".5}\n\n");
    }
    std::lock_guard lock(mutex);
    for (const std::string& note : notes) {
      if (!fds.empty()) (void)::send(fds[0], note.data(), note.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    if (latest < 0) continue;
    const std::string frame = "event: quote\ndata: {\"symbol\":\"BCAST\",\"price\":" +
                              std::to_string(kBroadcastBase + latest) + "}\n\n";
    for (const int fd : fds)
      (void)::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
}

Target start_raw() {
  Target target;
  target.stream_port = free_port();
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(target.stream_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int pipe_fds[2];
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 4096) != 0 || ::pipe(pipe_fds) != 0) {
    std::perror("raw sender");
    std::exit(1);
  }
  target.pid = ::fork();
  if (target.pid == 0) {
    ::close(pipe_fds[1]);
    run_raw_sender(listener, pipe_fds[0]);
  }
  ::close(listener);
  ::close(pipe_fds[0]);
  const int commands = pipe_fds[1];
  target.publish_broadcast = [commands](int seq) {
    const std::int32_t value = seq;
    return ::write(commands, &value, sizeof value) == sizeof value;
  };
  target.publish_notification = [commands](int k) {
    const std::int32_t value = -k - 1;
    return ::write(commands, &value, sizeof value) == sizeof value;
  };
  return target;
}

void stop_server(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
}

void raise_fd_limit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

// Publishes `count` items at `rate` per second on its own thread while the
// pool reads; then reads until `expected` arrive or 10 s pass.
template <typename Publish, typename Received>
void paced_publish(ClientPool& pool, int first, int count, int rate, Publish&& publish,
                   Received&& received, long expected) {
  std::atomic<bool> done{false};
  std::thread publisher([&] {
    const auto start = SteadyClock::now();
    for (int i = 0; i < count; ++i) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(1000000L * i / rate));
      publish(first + i);
    }
    done = true;
  });
  pool.run_until([&] { return done.load() && received() >= expected; },
                 std::chrono::milliseconds(1000L * count / rate + 10000));
  publisher.join();
}

struct BroadcastResult {
  long deliveries = 0;
  long data_segments = -1;  // server sends in the phase (see server_data_segments)
  double cpu_us_per_delivery = 0;
  double p50 = 0, p99 = 0;
};

BroadcastResult broadcast_round(ClientPool& pool, Target& target, PublishLog& log, int first,
                                int count, int rate, int readers) {
  pool.quote_latency().ms.clear();
  const long before = pool.quotes_received();
  const long segments_before = server_data_segments(target.stream_port);
  const double cpu_before = cpu_seconds(target.pid);
  paced_publish(
      pool, first, count, rate,
      [&](int seq) {
        log.mark(seq);
        target.publish_broadcast(seq);
      },
      [&] { return pool.quotes_received() - before; }, static_cast<long>(count) * readers);
  BroadcastResult result;
  result.deliveries = pool.quotes_received() - before;
  result.cpu_us_per_delivery =
      (cpu_seconds(target.pid) - cpu_before) * 1e6 / std::max<long>(1, result.deliveries);
  const long segments_after = server_data_segments(target.stream_port);
  if (segments_before >= 0 && segments_after >= 0) {
    result.data_segments = segments_after - segments_before;
  }
  result.p50 = pool.quote_latency().percentile(0.50);
  result.p99 = pool.quote_latency().percentile(0.99);
  return result;
}

int run_fanout(const Args& args, const std::string& dir) {
  const int n = args.clients;
  if (args.symbols > 1 && (args.raw || args.nchan)) {
    std::fprintf(stderr, "--symbols needs --bin (bellwether)\n");
    return 2;
  }
  Target target = args.raw     ? start_raw()
                  : args.nchan ? start_nchan(dir)
                               : start_bellwether(args, dir, n + args.stalled, args.notifications);
  for (int i = 0; i < n; ++i) {
    target.stream_requests.push_back(
        args.raw ? stream_request("/raw", "", false)
        : args.nchan
            ? stream_request(args.nchan_single ? "/suball" : "/sub/c" + std::to_string(i), "", true)
            : stream_request("/api/v1/events", token_for(i + 1), false));
  }
  for (int i = 0; i < args.stalled; ++i) {
    target.stalled_requests.push_back(
        args.raw     ? stream_request("/raw", "", false)
        : args.nchan ? stream_request("/sub/s" + std::to_string(i), "", true)
                     : stream_request("/api/v1/events", token_for(n + i + 1), false));
  }
  static PublishLog quotes_log, notes_log;
  ClientPool pool(target.stream_port, quotes_log, notes_log);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double rss_before = rss_kib(target.pid);
  const auto connect_start = SteadyClock::now();
  pool.open(target.stream_requests, false);
  if (!pool.run_until([&] { return pool.open_count() >= n; }, std::chrono::seconds(120))) {
    std::fprintf(stderr, "only %d of %d streams opened\n", pool.open_count(), n);
  }
  const double connect_s = seconds_since(connect_start);
  pool.run_until([] { return false; }, std::chrono::seconds(3));  // settle (idle)
  const double rss_after = rss_kib(target.pid);
  std::printf(
      "server: %s\nclients: %d open (%.1f s to connect), rss %.0f -> %.0f KiB: "
      "%.2f KiB per idle client\n",
      args.raw     ? "raw send floor"
      : args.nchan ? "nginx-nchan"
                   : "bellwether",
      pool.open_count(), connect_s, rss_before, rss_after, (rss_after - rss_before) / n);

  const int count = args.rate * args.seconds;
  const BroadcastResult clean = broadcast_round(pool, target, quotes_log, 0, count, args.rate, n);
  std::printf(
      "broadcast: %d quotes of %d symbol(s) at %d/s to %d clients: %ld deliveries, p50 %.2f ms, "
      "p99 %.2f ms, server CPU %.2f us/delivery; %ld data segments sent (%.2f deliveries per "
      "send)\n",
      count, args.symbols, args.rate, n, clean.deliveries, clean.p50, clean.p99,
      clean.cpu_us_per_delivery, clean.data_segments,
      clean.data_segments > 0
          ? static_cast<double>(clean.deliveries) / static_cast<double>(clean.data_segments)
          : NAN);

  // With --nchan-single no client has a channel of its own: no notification phase.
  const int notifications = args.nchan_single ? 0 : args.notifications;
  const double cpu_before = cpu_seconds(target.pid);
  const long notes_before = pool.notes_received();
  paced_publish(
      pool, 0, notifications, 20,
      [&](int k) {
        notes_log.mark(k);
        target.publish_notification(k);
      },
      [&] { return pool.notes_received() - notes_before; }, notifications);
  const long notes = pool.notes_received() - notes_before;
  std::printf(
      "notification to one client: %ld of %d, p50 %.2f ms, p99 %.2f ms, server CPU "
      "%.1f us/notification (%s)\n",
      notes, notifications, pool.note_latency().percentile(0.5),
      pool.note_latency().percentile(0.99),
      (cpu_seconds(target.pid) - cpu_before) * 1e6 / std::max<long>(1, notes),
      args.raw     ? "one send"
      : args.nchan ? "publish to its channel"
                   : "pushed quote -> alert -> committed notification -> SSE");

  if (args.stalled > 0) {
    pool.open(target.stalled_requests, true);
    pool.run_until([] { return false; }, std::chrono::seconds(2));
    const BroadcastResult slow =
        broadcast_round(pool, target, quotes_log, count, count, args.rate, n);
    std::printf(
        "with %d stalled clients: %ld deliveries to the %d readers, p50 %.2f ms, p99 "
        "%.2f ms (%.2fx the p99 without), server CPU %.2f us/delivery; readers closed: "
        "%d\n",
        args.stalled, slow.deliveries, n, slow.p50, slow.p99, slow.p99 / clean.p99,
        slow.cpu_us_per_delivery, pool.closed_count());
  }
  stop_server(target.pid);
  return 0;
}

// ---- quote pushed -> notification (alerts mode) --------------------------------

void seed_alerts(const std::string& db_path, int alerts, int probes) {
  auto db = bw::Database::open(db_path, 1);
  db->write([&](bw::sql::Connection& c) {
    bw::sql::Transaction tx(c);
    c.exec(
        "INSERT INTO users (id, name, is_admin, created_at) VALUES (1, 'probe', 0, 0), "
        "(2, 'bulk', 0, 0), (3, 'ops', 1, 0)");
    bw::sql::Statement token(
        c, "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, 'b', 0)");
    token.bind(1, std::int64_t{1}).bind(2, bw::hash_token("bench-probe")).run();
    token.reset();
    token.bind(1, std::int64_t{3}).bind(2, bw::hash_token("bench-ops")).run();
    c.exec("INSERT INTO watchlist (user_id, symbol, position) VALUES (1, 'PROBE', 0)");
    bw::sql::Statement alert(
        c,
        "INSERT INTO alerts (user_id, symbol, name, condition_type, threshold, trigger_mode, "
        "state, created_at, updated_at) VALUES (?, ?, '', ?, ?, 'once', 'armed', 0, 0)");
    for (int k = 0; k < probes; ++k) {
      alert.reset();
      alert.bind(1, std::int64_t{1})
          .bind(2, std::string("PROBE"))
          .bind(3, std::string("crossing_up"))
          .bind(4, (kNoteBase + k) * bw::Price::kScale)
          .run();
    }
    // Background alerts: 1,000 symbols around 100, thresholds at 50..99 and
    // 102..151 that the +-1 random walk never reaches.
    for (int i = 0; i < alerts - probes; ++i) {
      const int symbol = i % 1000;
      const bool up = (i / 1000) % 2 == 0;
      const int level = up ? 102 + (i / 2000) % 50 : 99 - (i / 2000) % 50;
      char name[16];
      std::snprintf(name, sizeof name, "S%04d", symbol);
      alert.reset();
      alert.bind(1, std::int64_t{2})
          .bind(2, std::string(name))
          .bind(3, std::string(up ? "crossing_up" : "crossing_down"))
          .bind(4, std::int64_t{level} * bw::Price::kScale)
          .run();
    }
    tx.commit();
  });
}

int run_alerts(const Args& args, const std::string& dir) {
  const int web_port = free_port();
  const int stream_port = free_port();
  seed_alerts(dir + "/bellwether.db", args.alerts, args.probes);
  std::ofstream(dir + "/bellwether.toml") << bellwether_config(
      dir, web_port, stream_port, 100, args.io_threads, 20, args.keep_cpus_awake);
  const pid_t pid =
      spawn({args.bin, "serve", "--config", dir + "/bellwether.toml"}, dir + "/server.log");
  if (!wait_http_ok(web_port, "/healthz")) {
    std::fprintf(stderr, "bellwether did not start; see %s/server.log\n", dir.c_str());
    return 1;
  }
  static PublishLog quotes_log, notes_log;
  ClientPool pool(stream_port, quotes_log, notes_log);
  pool.open({stream_request("/api/v1/events", "bench-probe", false)}, false);
  pool.run_until([&] { return pool.open_count() >= 1; }, std::chrono::seconds(10));

  httplib::Client probe_client("127.0.0.1", web_port);
  probe_client.set_bearer_token_auth("bench-ops");
  probe_client.set_keep_alive(true);
  probe_client.set_tcp_nodelay(true);
  post_quotes(probe_client, R"([{"symbol":"PROBE","price":5}])");
  std::atomic<bool> stop{false};
  std::atomic<long> pushed{0};
  // Background quotes: batches of 1,000 every 100 ms (10k/s by default) on their
  // own connection and thread.
  std::thread background([&] {
    httplib::Client client("127.0.0.1", web_port);
    client.set_bearer_token_auth("bench-ops");
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    std::mt19937 random(42);
    std::vector<double> prices(1000, 100.0);
    const int batch = 1000;  // one POST per 100 ms at 10k quotes/s
    const auto period = std::chrono::nanoseconds(1000000000L * batch / args.quote_rate);
    auto next = SteadyClock::now();
    while (!stop) {
      std::string body = "[";
      for (int i = 0; i < batch; ++i) {
        const int symbol = static_cast<int>(random() % 1000);
        prices[symbol] =
            std::clamp(prices[symbol] + (static_cast<int>(random() % 21) - 10) * 0.01, 99.0, 101.0);
        char item[80];
        std::snprintf(item, sizeof item, "%s{\"symbol\":\"S%04d\",\"price\":%.2f}", i ? "," : "",
                      symbol, prices[symbol]);
        body += item;
      }
      body += "]";
      if (post_quotes(client, body)) pushed += batch;
      next += period;
      std::this_thread::sleep_until(next);
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // reach the steady rate
  const long pushed_before = pushed;
  const auto start = SteadyClock::now();
  paced_publish(
      pool, 0, args.probes, 10,
      [&](int k) {
        notes_log.mark(k);
        post_quotes(probe_client,
                    R"([{"symbol":"PROBE","price":)" + std::to_string(kNoteBase + k) + ".5}]");
      },
      [&] { return pool.notes_received(); }, args.probes);
  const double elapsed = seconds_since(start);
  const long background_quotes = pushed - pushed_before;
  stop = true;
  background.join();
  std::printf(
      "quote pushed -> notification on SSE: %ld of %d probes, p50 %.2f ms, p99 %.2f ms, "
      "max %.2f ms; background %.0f quotes/s over %d armed alerts\n",
      pool.notes_received(), args.probes, pool.note_latency().percentile(0.5),
      pool.note_latency().percentile(0.99), pool.note_latency().percentile(1.0),
      static_cast<double>(background_quotes) / elapsed, args.alerts);
  stop_server(pid);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  raise_fd_limit();
  ::signal(SIGPIPE, SIG_IGN);
  const fs::path dir = fs::temp_directory_path() / ("bw-sse-loadgen-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const int rc =
      args.mode == "fanout" ? run_fanout(args, dir.string()) : run_alerts(args, dir.string());
  std::error_code ignored;
  if (rc == 0) fs::remove_all(dir, ignored);
  return rc;
}
