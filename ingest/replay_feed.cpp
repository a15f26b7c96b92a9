#include "ingest/replay_feed.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "log/module_logger.hpp"

namespace bw {

namespace {

constexpr std::size_t kMaxLineBytes = 64 * 1024;

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool skippable(std::string_view line) {
  const auto first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

// Reads lines of at most kMaxLineBytes; a longer line is consumed and
// reported as too long rather than buffered whole.
class LineReader {
 public:
  explicit LineReader(const std::string& path)
      : in_(path, std::ios::binary), buffer_(kMaxLineBytes + 2) {}
  bool is_open() const { return in_.is_open(); }
  // False at the end of the file; `too_long` flags an over-long line.
  bool next(std::string_view& line, bool& too_long) {
    too_long = false;
    if (!in_.getline(buffer_.data(), static_cast<std::streamsize>(buffer_.size()))) {
      if (in_.eof() && in_.gcount() == 0) return false;
      if (in_.eof()) {  // a last line without a newline
        line = std::string_view(buffer_.data(), static_cast<std::size_t>(in_.gcount()));
        return true;
      }
      in_.clear();  // the line did not fit: skip the rest of it
      in_.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
      too_long = true;
      line = {};
      return true;
    }
    std::size_t n = static_cast<std::size_t>(in_.gcount());
    if (n > 0 && buffer_[n - 1] == '\0') --n;  // getline counts the extracted newline
    line = std::string_view(buffer_.data(), n);
    return true;
  }

 private:
  std::ifstream in_;
  std::vector<char> buffer_;
};

std::vector<std::string> upper_symbols(const std::vector<std::string>& symbols) {
  std::vector<std::string> out;
  for (std::string s : symbols) {
    for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Result<TickFormat> detect_tick_format(const std::string& format, const std::string& path,
                                      std::string_view first_line) {
  if (format == "csv") return TickFormat::csv;
  if (format == "databento") return TickFormat::databento;
  if (format == "ndjson") return TickFormat::ndjson;
  if (format != "auto") return Error{"format: must be auto, csv, databento or ndjson"};
  if (ends_with(path, ".ndjson") || ends_with(path, ".jsonl")) return TickFormat::ndjson;
  const auto first = first_line.find_first_not_of(" \t");
  if (first != std::string_view::npos && first_line[first] == '{') return TickFormat::ndjson;
  if (is_databento_header(first_line)) return TickFormat::databento;
  return TickFormat::csv;
}

ReplayFeed::ReplayFeed(ReplayOptions options, QuoteSink& sink, const Clock& clock)
    : options_(std::move(options)),
      sink_(sink),
      clock_(clock),
      monitor_(options_.name, "replay"),
      normalizer_(options_.name, options_.normalizer, monitor_) {
  for (std::string& s : upper_symbols(options_.symbols)) wanted_.insert(std::move(s));
  if (!std::ifstream(options_.path).is_open()) {
    throw std::invalid_argument("source " + options_.name + ": cannot read replay file \"" +
                                options_.path + "\"");
  }
}

ReplayFeed::~ReplayFeed() {
  stop();
}

void ReplayFeed::start() {
  module_logger("ingest")->info("source {}: replaying {} (format {}, speed {}{})", options_.name,
                                options_.path, options_.format,
                                options_.speed > 0 ? std::to_string(options_.speed) : "max",
                                options_.loop ? ", in a loop" : "");
  monitor_.live();
  thread_ = std::thread([this] { run(); });
}

void ReplayFeed::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    monitor_.down("stopped");
  }
}

SourceHealth ReplayFeed::health(TimestampMs now_ms, std::chrono::milliseconds stale_after) const {
  return monitor_.snapshot(now_ms, stale_after);
}

bool ReplayFeed::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

bool ReplayFeed::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_until(lock, deadline, [this] { return stopping_; });
}

void ReplayFeed::run() {
  std::uint64_t passes = 0;
  std::uint64_t total = 0;
  while (!stopping()) {
    Result<std::uint64_t> published = play_once();
    if (!published) {
      module_logger("ingest")->error("source {}: {}", options_.name, published.error());
      monitor_.down(published.error());
      return;
    }
    ++passes;
    total += *published;
    if (stopping()) return;
    if (!options_.loop || *published == 0) break;  // an empty pass would spin
    normalizer_.reset();
  }
  const std::string summary = "finished: " + std::to_string(total) + " quotes in " +
                              std::to_string(passes) + " pass(es), " + std::to_string(skipped_) +
                              " rows skipped";
  module_logger("ingest")->info("source {}: replay of {} {}", options_.name, options_.path,
                                summary);
  monitor_.down(summary);
}

Result<std::uint64_t> ReplayFeed::play_once() {
  LineReader reader(options_.path);
  if (!reader.is_open()) return Error{"cannot read replay file \"" + options_.path + "\""};
  paced_ = false;
  bool header_seen = false;
  std::uint64_t line_number = 0;
  std::uint64_t published = 0;
  std::string_view line;
  bool too_long = false;
  while (!stopping() && reader.next(line, too_long)) {
    ++line_number;
    const std::string where = "line " + std::to_string(line_number);
    if (too_long) {
      ++skipped_;
      normalizer_.reject("line: longer than 64 KiB", where, clock_.now_ms());
      continue;
    }
    if (skippable(line)) continue;
    if (!header_seen) {
      header_seen = true;
      Result<TickFormat> format = detect_tick_format(options_.format, options_.path, line);
      if (!format) return Error{format.error()};
      format_ = *format;
      if (format_ == TickFormat::databento) {
        Result<DatabentoLayout> layout = databento_layout(line);
        if (!layout) return Error{options_.path + ":" + where + ": " + layout.error()};
        databento_ = *layout;
        continue;
      }
      if (format_ == TickFormat::csv) {
        if (looks_like_csv_header(line)) {
          Result<CsvLayout> layout = csv_layout_from_header(line);
          if (!layout) return Error{options_.path + ":" + where + ": " + layout.error()};
          csv_ = *layout;
          continue;
        }
        const int columns = static_cast<int>(std::count(line.begin(), line.end(), ',')) + 1;
        Result<CsvLayout> layout = csv_layout_for_columns(columns);
        if (!layout) return Error{options_.path + ":" + where + ": " + layout.error()};
        csv_ = *layout;
      }
    }
    if (play_line(line, line_number)) ++published;
  }
  return published;
}

bool ReplayFeed::play_line(std::string_view line, std::uint64_t line_number) {
  monitor_.message(clock_.now_ms());
  Result<RawQuote> raw = Error{""};
  std::optional<std::uint64_t> sequence;
  switch (format_) {
    case TickFormat::csv:
      raw = parse_csv_row(line, csv_);
      break;
    case TickFormat::databento:
      raw = parse_databento_row(line, databento_);
      break;
    case TickFormat::ndjson: {
      Result<NdjsonQuote> parsed = parse_ndjson_quote(line);
      if (parsed) {
        raw = std::move(parsed->quote);
        sequence = parsed->sequence;
      } else {
        raw = Error{parsed.error()};
      }
      break;
    }
  }
  if (!raw) {
    ++skipped_;
    normalizer_.reject(raw.error(), "line " + std::to_string(line_number), clock_.now_ms());
    return false;
  }
  // Pace by the file's own times: tick t plays at first_wall + (t - first) / speed.
  if (options_.speed > 0 && raw->ts_ms) {
    if (!paced_) {
      paced_ = true;
      first_tick_ms_ = *raw->ts_ms;
      first_wall_ = std::chrono::steady_clock::now();
    } else if (*raw->ts_ms > first_tick_ms_) {
      const auto offset = std::chrono::duration<double, std::milli>(
          static_cast<double>(*raw->ts_ms - first_tick_ms_) / options_.speed);
      if (!wait_until(first_wall_ +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(offset))) {
        return false;
      }
    }
  }
  const TimestampMs now = clock_.now_ms();
  if (options_.restamp) raw->ts_ms = now;
  Result<Quote> quote =
      normalizer_.normalize(*raw, now, sequence, "line " + std::to_string(line_number));
  if (!quote) {
    ++skipped_;
    return false;
  }
  if (!wanted_.empty() && !wanted_.contains(quote->symbol)) return false;
  // Backpressure: a replay waits for the engine rather than dropping ticks.
  auto retry_at = std::chrono::steady_clock::now();
  while (!sink_.publish(*quote, options_.name)) {
    retry_at += std::chrono::milliseconds(50);
    if (!wait_until(retry_at)) return false;
  }
  return true;
}

}  // namespace bw
