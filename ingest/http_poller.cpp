#include "ingest/http_poller.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <deque>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include "ingest/providers/provider_publisher.hpp"
#include "log/module_logger.hpp"

namespace bw {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::optional<milliseconds> parse_retry_after(std::string_view value, TimestampMs now_ms) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r' || value.back() == '\n')) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0) {
    return milliseconds(std::min<std::int64_t>(seconds, 86'400) * 1000);
  }
  const std::string date(value);
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return milliseconds(std::clamp<std::int64_t>(when * 1000 - now_ms, 0, 86'400'000));
}

namespace {

constexpr int kMaxParallel = 4;              // transfers in flight per source
constexpr std::size_t kMaxCrumbBytes = 256;  // Yahoo's crumbs are ~11 characters

// A crumb is a short token of printable ASCII; anything else (an HTML page,
// an error text) is not one.
bool looks_like_crumb(std::string_view text) {
  if (text.empty() || text.size() > kMaxCrumbBytes) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '<' && c != '>' && c != '"';
  });
}

std::string url_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Transfer {
  // What the request is for: a quote, or a step of the Yahoo crumb handshake.
  enum class Purpose { quote, cookie, crumb };
  Purpose purpose = Purpose::quote;
  std::uint64_t crumb_generation = 0;  // the crumb a quote request carried
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string symbol;  // the symbol requested; empty for a one-URL http_json poll
  std::string body;
  std::string retry_after;
  std::size_t max_bytes = 0;
  bool keep_body = true;  // false: the body is read and dropped (the cookie page)
  bool too_large = false;
  char error[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    if (headers) curl_slist_free_all(headers);
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (!transfer.keep_body) return bytes;
  if (transfer.body.size() + bytes > transfer.max_bytes) {
    transfer.too_large = true;
    return 0;  // aborts the transfer: responses are bounded
  }
  transfer.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string lower(line.substr(0, kName.size()));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == kName) transfer.retry_after = std::string(line.substr(kName.size()));
  }
  return size * count;
}

}  // namespace

struct HttpPollerSource::Impl {
  Impl(HttpPollerOptions o, QuoteSink& sink, const Clock& c)
      : options(std::move(o)),
        clock(c),
        monitor(options.name, options.type),
        publisher(options.name, options.normalizer, sink, monitor, c),
        backoff(options.backoff_initial) {}

  const HttpPollerOptions options;
  const Clock& clock;
  SourceMonitor monitor;
  ProviderPublisher publisher;  // poll thread only
  CURLM* multi = nullptr;
  std::thread thread;
  std::atomic<bool> stopping{false};

  // Poll-thread state.
  std::deque<std::string> pending;  // targets due, each a symbol ("" for one-URL http_json)
  std::vector<std::unique_ptr<Transfer>> in_flight;
  SteadyClock::time_point paused_until{};
  milliseconds backoff;
  double tokens = 1;
  SteadyClock::time_point last_refill = SteadyClock::now();
  bool failing = false;  // the last outcome was a failure: the next success is a recovery
  // A failure paused the source: the next request started is a reconnect
  // attempt (counted once per retry round, like a WebSocket re-dial).
  bool retry_pending = false;
  std::mt19937_64 random{std::random_device{}()};
  std::vector<std::string> rejected_scratch;
  std::vector<ProviderQuote> quotes_scratch;

  // Yahoo crumb handshake (options.crumb). Never logged: crumb, cookies.
  CURLSH* cookie_jar = nullptr;  // shared by every handle of this source
  std::string crumb;             // empty: none yet (or dropped after a 401)
  std::uint64_t crumb_generation = 0;
  bool handshake_in_flight = false;
  // A 401 already fetched a fresh crumb since the last success: the next 401
  // is a failure (backoff), not another refresh.
  bool crumb_refreshed = false;

  bool one_url() const {
    return options.type == "http_json" && options.url.find("{symbol}") == std::string::npos;
  }

  std::string request_url(const std::string& symbol) const {
    if (options.type == "finnhub_rest") return options.url + "/quote?symbol=" + url_escape(symbol);
    if (options.type == "yahoo_chart") {
      std::string url =
          options.url + "/v8/finance/chart/" + url_escape(symbol) + "?interval=1m&range=1d";
      if (options.crumb) url += "&crumb=" + url_escape(crumb);
      return url;
    }
    std::string url = options.url;
    for (auto at = url.find("{symbol}"); at != std::string::npos; at = url.find("{symbol}")) {
      url.replace(at, 8, url_escape(symbol));
    }
    return url;
  }

  curl_slist* request_headers() const {
    curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    if (options.api_key.empty()) return headers;
    std::string header;
    if (options.type == "finnhub_rest") {
      header = "X-Finnhub-Token: " + options.api_key;
    } else if (!options.api_key_header.empty()) {
      header = options.api_key_header + ": " + options.api_key;
    } else {
      header = "Authorization: Bearer " + options.api_key;
    }
    return curl_slist_append(headers, header.c_str());
  }

  void start_transfer(const std::string& symbol) {
    auto transfer = std::make_unique<Transfer>();
    transfer->symbol = symbol;
    transfer->crumb_generation = crumb_generation;
    transfer->headers = request_headers();
    add(prepare(std::move(transfer), request_url(symbol)));
  }

  // The first step of the crumb handshake: a fresh cookie jar, then the
  // cookie page (redirects followed: Yahoo may send a consent page).
  void start_handshake() {
    handshake_in_flight = true;
    crumb.clear();
    auto transfer = std::make_unique<Transfer>();
    transfer->purpose = Transfer::Purpose::cookie;
    transfer->keep_body = false;
    transfer = prepare(std::move(transfer), options.cookie_url);
    curl_easy_setopt(transfer->easy, CURLOPT_COOKIELIST, "ALL");  // forget the old cookies
    curl_easy_setopt(transfer->easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(transfer->easy, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(transfer->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    add(std::move(transfer));
  }

  void start_crumb_request() {
    auto transfer = std::make_unique<Transfer>();
    transfer->purpose = Transfer::Purpose::crumb;
    transfer->headers = curl_slist_append(nullptr, "Accept: text/plain");
    transfer = prepare(std::move(transfer), options.crumb_url);
    transfer->max_bytes = kMaxCrumbBytes;
    add(std::move(transfer));
  }

  std::unique_ptr<Transfer> prepare(std::unique_ptr<Transfer> transfer, const std::string& url) {
    transfer->max_bytes = options.max_response_bytes;
    CURL* easy = transfer->easy = curl_easy_init();
    if (cookie_jar) {
      curl_easy_setopt(easy, CURLOPT_SHARE, cookie_jar);
      curl_easy_setopt(easy, CURLOPT_COOKIEFILE, "");  // the cookie engine, in memory only
    }
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "bellwether");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    return transfer;
  }

  void add(std::unique_ptr<Transfer> transfer) {
    curl_multi_add_handle(multi, transfer->easy);
    in_flight.push_back(std::move(transfer));
  }

  // Budget: max_requests_per_minute tokens a minute, at most one poll's worth banked.
  void refill(SteadyClock::time_point now) {
    const double per_ms = options.max_requests_per_minute / 60'000.0;
    const double elapsed = std::chrono::duration<double, std::milli>(now - last_refill).count();
    const double capacity = std::max<double>(1, one_url() ? 1 : options.symbols.size());
    tokens = std::min(capacity, tokens + elapsed * per_ms);
    last_refill = now;
  }

  void fail(const std::string& reason, std::optional<milliseconds> retry_after) {
    milliseconds delay = retry_after.value_or(backoff);
    if (!retry_after) {
      std::uniform_int_distribution<std::int64_t> pick(delay.count() / 2, delay.count());
      delay = milliseconds(pick(random));
      backoff = std::min(backoff * 2, options.backoff_max);
    }
    paused_until = SteadyClock::now() + delay;
    failing = true;
    retry_pending = true;
    monitor.down(reason);
    module_logger("ingest")->warn("source {}: {}; next request in {} ms", options.name, reason,
                                  delay.count());
  }

  // Any answer to the cookie page will do (fc.yahoo.com answers 404 with the
  // cookie); only a transport failure stops the handshake.
  void finish_cookie(const Transfer& transfer, CURLcode result) {
    if (result != CURLE_OK) {
      handshake_in_flight = false;
      const std::string detail = transfer.error[0] ? transfer.error : curl_easy_strerror(result);
      return fail("crumb handshake: cookie request failed: " + detail, std::nullopt);
    }
    start_crumb_request();
  }

  void finish_crumb(const Transfer& transfer, CURLcode result) {
    handshake_in_flight = false;
    if (result != CURLE_OK) {
      if (transfer.too_large) return fail("crumb handshake: the crumb URL answered no crumb", {});
      const std::string detail = transfer.error[0] ? transfer.error : curl_easy_strerror(result);
      return fail("crumb handshake: crumb request failed: " + detail, std::nullopt);
    }
    long status = 0;
    curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
    const std::string http = "HTTP " + std::to_string(status);
    if (status == 429 || status >= 500) {
      return fail(
          "crumb handshake: " + std::string(status == 429 ? "rate limited" : "server error") +
              " (" + http + ")",
          parse_retry_after(transfer.retry_after, clock.now_ms()));
    }
    if (status != 200) return fail("crumb handshake: crumb request refused (" + http + ")", {});
    std::string_view body = transfer.body;
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) {
      body.remove_suffix(1);
    }
    if (!looks_like_crumb(body))
      return fail("crumb handshake: the crumb URL answered no crumb", {});
    crumb = std::string(body);
    ++crumb_generation;
    module_logger("ingest")->info("source {}: got a Yahoo cookie and crumb", options.name);
  }

  // A 401 on a chart request with a crumb: the crumb (or its cookie) expired.
  // The first one since the last success fetches a new pair and retries the
  // symbol; another one after that is a failure and backs off (the next
  // attempt starts with a new handshake).
  void crumb_refused(const Transfer& transfer) {
    pending.push_front(transfer.symbol);
    if (transfer.crumb_generation != crumb_generation || crumb.empty()) {
      return;  // sent with a crumb already replaced (or being replaced): retry with the new one
    }
    crumb.clear();
    if (std::exchange(crumb_refreshed, true)) {
      return fail("not authorised (HTTP 401) with a fresh crumb", std::nullopt);
    }
    module_logger("ingest")->info("source {}: crumb refused (HTTP 401); fetching a new one",
                                  options.name);
  }

  void succeed() {
    crumb_refreshed = false;
    backoff = options.backoff_initial;
    if (failing) {
      module_logger("ingest")->info("source {}: requests succeed again", options.name);
    }
    failing = false;
    monitor.live();
  }

  void finish(Transfer& transfer, CURLcode result) {
    if (transfer.purpose == Transfer::Purpose::cookie) return finish_cookie(transfer, result);
    if (transfer.purpose == Transfer::Purpose::crumb) return finish_crumb(transfer, result);
    if (result != CURLE_OK) {
      if (transfer.too_large) {
        return publisher.frame_error("response larger than " +
                                     std::to_string(options.max_response_bytes) + " bytes");
      }
      const std::string detail = transfer.error[0] ? transfer.error : curl_easy_strerror(result);
      return fail("request failed: " + detail, std::nullopt);
    }
    long status = 0;
    curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
    const std::string http = "HTTP " + std::to_string(status);
    if (status == 429) {
      return fail("rate limited (" + http + ")",
                  parse_retry_after(transfer.retry_after, clock.now_ms()));
    }
    if (status >= 500) {
      return fail("server error (" + http + ")",
                  parse_retry_after(transfer.retry_after, clock.now_ms()));
    }
    if (status == 401 && options.crumb) return crumb_refused(transfer);
    if (status == 401 || status == 403) {
      return fail("not authorised (" + http + "): check the API key", std::nullopt);
    }
    monitor.message(clock.now_ms());
    if (status < 200 || status >= 300) {
      return publisher.frame_error(http +
                                   (transfer.symbol.empty() ? "" : " (" + transfer.symbol + ")"));
    }
    succeed();
    publish_body(transfer);
  }

  void publish_body(const Transfer& transfer) {
    const TimestampMs now = clock.now_ms();
    if (options.type == "http_json") {
      quotes_scratch.clear();
      rejected_scratch.clear();
      Status parsed = parse_json_quotes(transfer.body, options.paths, transfer.symbol,
                                        quotes_scratch, rejected_scratch);
      if (!parsed) return publisher.frame_error(parsed.error());
      for (const std::string& reason : rejected_scratch) publisher.frame_error(reason);
      for (const ProviderQuote& quote : quotes_scratch) (void)publisher.publish_one(quote, now);
      return;
    }
    Result<ProviderQuote> quote = options.type == "finnhub_rest"
                                      ? parse_finnhub_quote(transfer.body, transfer.symbol)
                                      : parse_yahoo_chart(transfer.body, transfer.symbol);
    if (!quote) return publisher.frame_error(quote.error());
    (void)publisher.publish_one(*quote, now);
  }

  void drain_done() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      Transfer* transfer = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
      const CURLcode result = message->data.result;
      curl_multi_remove_handle(multi, message->easy_handle);
      finish(*transfer, result);
      std::erase_if(in_flight, [&](const auto& t) { return t.get() == transfer; });
    }
  }

  void run() {
    auto next_poll = SteadyClock::now();
    while (!stopping) {
      auto now = SteadyClock::now();
      if (now >= next_poll && now >= paused_until) {
        // A round still waiting for budget is not doubled up: it finishes first.
        if (pending.empty()) {
          if (one_url()) {
            pending.emplace_back();
          } else {
            pending.insert(pending.end(), options.symbols.begin(), options.symbols.end());
          }
        }
        next_poll = now + options.interval;
      }
      refill(now);
      if (options.crumb && crumb.empty() && !handshake_in_flight && !pending.empty() &&
          now >= paused_until) {
        if (std::exchange(retry_pending, false)) monitor.reconnecting();
        start_handshake();
      }
      while (!pending.empty() && in_flight.size() < kMaxParallel && now >= paused_until &&
             tokens >= 1 && (!options.crumb || !crumb.empty())) {
        tokens -= 1;
        if (std::exchange(retry_pending, false)) monitor.reconnecting();
        start_transfer(pending.front());
        pending.pop_front();
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      drain_done();
      curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait_ms(SteadyClock::now(), next_poll)),
                      nullptr);
    }
    for (auto& transfer : in_flight) curl_multi_remove_handle(multi, transfer->easy);
    in_flight.clear();
  }

  // Until the next thing to do: a poll, the end of a pause, a budget token.
  std::int64_t wait_ms(SteadyClock::time_point now, SteadyClock::time_point next_poll) const {
    auto until = next_poll;
    if (paused_until > now) until = std::max(until, paused_until);
    if (!pending.empty() && paused_until <= now && tokens < 1) {
      const double per_ms = options.max_requests_per_minute / 60'000.0;
      until =
          std::min(until, now + milliseconds(static_cast<std::int64_t>((1 - tokens) / per_ms) + 1));
    }
    const auto ms = std::chrono::duration_cast<milliseconds>(until - now).count();
    return std::clamp<std::int64_t>(ms, in_flight.empty() ? 0 : 1, 1000);
  }
};

HttpPollerSource::HttpPollerSource(HttpPollerOptions options, QuoteSink& sink, const Clock& clock) {
  const std::string& type = options.type;
  if (type != "finnhub_rest" && type != "yahoo_chart" && type != "http_json") {
    throw std::invalid_argument("source " + options.name + ": unknown polling type " + type);
  }
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    throw std::invalid_argument("source " + options.name +
                                ": url must start with http:// or https://");
  }
  const bool needs_symbols =
      type != "http_json" || options.url.find("{symbol}") != std::string::npos;
  if (needs_symbols && options.symbols.empty()) {
    throw std::invalid_argument("source " + options.name +
                                ": symbols must name at least one symbol");
  }
  if (type == "http_json" && options.paths.price.empty()) {
    throw std::invalid_argument("source " + options.name + ": price_path is required");
  }
  if (options.crumb) {
    if (type != "yahoo_chart") {
      throw std::invalid_argument("source " + options.name + ": crumb is only for yahoo_chart");
    }
    for (const std::string* url : {&options.cookie_url, &options.crumb_url}) {
      if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
        throw std::invalid_argument(
            "source " + options.name +
            ": cookie_url and crumb_url must start with http:// or https://");
      }
    }
  }
  if (options.max_requests_per_minute < 1) {
    throw std::invalid_argument("source " + options.name + ": max_requests_per_minute must be ≥ 1");
  }
  while (!options.url.empty() && options.url.back() == '/' && type != "http_json") {
    options.url.pop_back();
  }
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_ = std::make_unique<Impl>(std::move(options), sink, clock);
}

HttpPollerSource::~HttpPollerSource() {
  stop();
}

void HttpPollerSource::start() {
  Impl& impl = *impl_;
  if (impl.thread.joinable()) return;
  impl.multi = curl_multi_init();
  if (!impl.multi) {
    impl.monitor.down("cannot create a libcurl multi handle");
    return;
  }
  curl_multi_setopt(impl.multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(kMaxParallel));
  if (impl.options.crumb && !impl.cookie_jar) {
    // One thread uses every handle: the share needs no lock callbacks.
    impl.cookie_jar = curl_share_init();
    curl_share_setopt(impl.cookie_jar, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
  }
  module_logger("ingest")->info("source {}: {} polling every {} ms, {} requests/min budget",
                                impl.options.name, impl.options.type, impl.options.interval.count(),
                                impl.options.max_requests_per_minute);
  impl.monitor.connecting();
  impl.thread = std::thread([&impl] { impl.run(); });
}

void HttpPollerSource::stop() {
  Impl& impl = *impl_;
  impl.stopping = true;
  if (impl.multi) curl_multi_wakeup(impl.multi);
  if (impl.thread.joinable()) impl.thread.join();
  if (impl.multi) {
    curl_multi_cleanup(impl.multi);
    impl.multi = nullptr;
    impl.monitor.down("stopped");
  }
  if (impl.cookie_jar) {  // after every easy handle using it is gone (run() freed them)
    curl_share_cleanup(impl.cookie_jar);
    impl.cookie_jar = nullptr;
  }
}

SourceHealth HttpPollerSource::health(TimestampMs now_ms,
                                      std::chrono::milliseconds stale_after) const {
  return impl_->monitor.snapshot(now_ms, stale_after);
}

}  // namespace bw
