#include "app/backtest_command.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/market_calendar.hpp"
#include "config/config.hpp"
#include "ingest/quote_normalizer.hpp"
#include "ingest/replay_feed.hpp"
#include "ingest/tick_parsers.hpp"
#include "rules/backtest.hpp"
#include "rules/time_text.hpp"
#include "web/alert_json_file.hpp"
#include "web/alert_toml.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

constexpr std::size_t kMaxLineBytes = 64 * 1024;

struct TickCounts {
  std::size_t duplicates = 0;
  std::size_t out_of_order = 0;
};

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the file"};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Reads the tick file line by line into the backtest; an error names file:line.
class TickReader {
 public:
  TickReader(const std::string& path, Backtester& run)
      : path_(path),
        run_(run),
        monitor_("backtest", "backtest"),
        normalizer_("backtest", NormalizerOptions{}, monitor_) {}

  Status read_all() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Error{path_ + ": cannot read the file"};
    std::string line;
    std::uint64_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > kMaxLineBytes) return fail(number, "line: longer than 64 KiB");
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      if (Status s = take(line, number); !s) return s;
    }
    return {};
  }

  const TickCounts& counts() const { return counts_; }

 private:
  Error fail(std::uint64_t line, const std::string& reason) const {
    return Error{path_ + ":" + std::to_string(line) + ": " + reason};
  }

  // The first data line fixes the format (and may be a header).
  Result<bool> start(std::string_view line, std::uint64_t number) {
    started_ = true;
    Result<TickFormat> format = detect_tick_format("auto", path_, line);
    if (!format) return fail(number, format.error());
    format_ = *format;
    if (format_ == TickFormat::databento) {
      Result<DatabentoLayout> layout = databento_layout(line);
      if (!layout) return fail(number, layout.error());
      databento_ = *layout;
      return true;
    }
    if (format_ != TickFormat::csv) return false;
    if (looks_like_csv_header(line)) {
      Result<CsvLayout> layout = csv_layout_from_header(line);
      if (!layout) return fail(number, layout.error());
      csv_ = *layout;
      return true;
    }
    const int columns = static_cast<int>(std::count(line.begin(), line.end(), ',')) + 1;
    Result<CsvLayout> layout = csv_layout_for_columns(columns);
    if (!layout) return fail(number, layout.error());
    csv_ = *layout;
    return false;
  }

  Status take(std::string_view line, std::uint64_t number) {
    if (!started_) {
      Result<bool> header = start(line, number);
      if (!header) return Error{header.error()};
      if (*header) return {};
    }
    Result<RawQuote> raw = Error{""};
    std::optional<std::uint64_t> sequence;
    if (format_ == TickFormat::csv) {
      raw = parse_csv_row(line, csv_);
    } else if (format_ == TickFormat::databento) {
      raw = parse_databento_row(line, databento_);
    } else if (Result<NdjsonQuote> parsed = parse_ndjson_quote(line)) {
      raw = std::move(parsed->quote);
      sequence = parsed->sequence;
    } else {
      raw = Error{parsed.error()};
    }
    if (!raw) return fail(number, raw.error());
    if (!raw->ts_ms) return fail(number, "ts: is required (a backtest replays event times)");
    // `now` is the tick's own time: no clock-skew refusal for past ticks.
    Result<Quote> quote =
        normalizer_.normalize(*raw, *raw->ts_ms, sequence, "line " + std::to_string(number));
    if (!quote) {
      if (quote.error() == kRejectDuplicate) return ++counts_.duplicates, Status{};
      if (quote.error() == kRejectOutOfOrder) return ++counts_.out_of_order, Status{};
      return fail(number, quote.error());
    }
    run_.feed(*quote);
    return {};
  }

  const std::string path_;
  Backtester& run_;
  SourceMonitor monitor_;
  QuoteNormalizer normalizer_;
  bool started_ = false;
  TickFormat format_ = TickFormat::csv;
  CsvLayout csv_;
  DatabentoLayout databento_;
  TickCounts counts_;
};

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

struct Labels {
  std::string key;  // the alert's `id`, or alert[N] when the file has none
  std::string name;
};

void print_csv(const Backtester& run, const std::vector<Labels>& labels, std::ostream& out) {
  out << "alert,name,symbol,ts,price,direction,state_after\n";
  for (const Fire& fire : run.fires()) {
    const Labels& label = labels[static_cast<std::size_t>(fire.alert_id - 1)];
    out << csv_field(label.key) << ',' << csv_field(label.name) << ',' << fire.symbol << ','
        << format_rfc3339(fire.ts_ms) << ',' << fire.price.to_string() << ','
        << (fire.direction == Direction::up ? "up" : "down") << ','
        << alert_state_name(fire.state_after) << '\n';
  }
}

void print_json(const Backtester& run, const std::vector<Labels>& labels, const TickCounts& counts,
                std::ostream& out) {
  nlohmann::json fires = nlohmann::json::array();
  for (const Fire& fire : run.fires()) {
    const Labels& label = labels[static_cast<std::size_t>(fire.alert_id - 1)];
    fires.push_back({{"alert", label.key},
                     {"name", label.name},
                     {"symbol", fire.symbol},
                     {"ts", format_rfc3339(fire.ts_ms)},
                     {"price", fire.price.to_string()},
                     {"direction", fire.direction == Direction::up ? "up" : "down"},
                     {"state_after", alert_state_name(fire.state_after)}});
  }
  const auto time_or_null = [](std::optional<TimestampMs> ts) {
    return ts ? nlohmann::json(format_rfc3339(*ts)) : nlohmann::json(nullptr);
  };
  out << dump_json({{"alerts", labels.size()},
                    {"ticks_examined", run.ticks()},
                    {"from", time_or_null(run.first_ts())},
                    {"to", time_or_null(run.last_ts())},
                    {"skipped",
                     {{"duplicate", counts.duplicates}, {"out_of_order", counts.out_of_order}}},
                    {"fires", std::move(fires)}})
      << '\n';
}

}  // namespace

int run_backtest(const CliArgs& args, std::ostream& out, std::ostream& err) {
  Result<Config> config =
      load_config(args.config_file, args.overrides, config_environment(environ));
  if (!config) {
    err << "bellwether: invalid configuration:\n" << config.error() << "\n";
    return 1;
  }
  Result<std::string> text = read_file(args.alerts_file);
  if (!text) return err << "bellwether backtest: " << text.error() << "\n", 1;
  // TOML (alerts file, `alerts export`) or JSON (what the alerts API answers).
  Result<std::vector<AlertFileEntry>> entries =
      looks_like_json_alert_file(*text, args.alerts_file)
          ? parse_alert_json_file(*text, args.alerts_file)
          : parse_alert_file(*text, args.alerts_file, AlertFileOptions{false, false});
  if (!entries) return err << entries.error() << "\n", 1;
  Backtester run(market_calendar(config->market));
  std::vector<Labels> labels;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const AlertFileEntry& entry = (*entries)[i];
    Alert alert = alert_from_draft(entry.draft, 0);
    alert.id = static_cast<AlertId>(i + 1);
    if (Status s = run.add(alert); !s) return err << entry.at("") << s.error() << "\n", 1;
    labels.push_back(
        {entry.id.empty() ? "alert[" + std::to_string(i) + "]" : entry.id, entry.draft.name});
  }
  TickReader reader(args.ticks_file, run);
  if (Status s = reader.read_all(); !s) return err << s.error() << "\n", 1;
  if (args.format == "json") {
    print_json(run, labels, reader.counts(), out);
    return 0;
  }
  print_csv(run, labels, out);
  err << "backtest: " << labels.size() << " alerts, " << run.ticks() << " ticks";
  if (run.first_ts())
    err << " from " << format_rfc3339(*run.first_ts()) << " to " << format_rfc3339(*run.last_ts());
  err << ", " << run.fires().size() << " fires; skipped " << reader.counts().duplicates
      << " duplicate and " << reader.counts().out_of_order << " out-of-order ticks\n";
  return 0;
}

int run_backtest_command(const CliArgs& args) {
  // Problems are reported here with file:line; the normaliser's own log
  // lines would only repeat them.
  spdlog::set_level(spdlog::level::off);
  return run_backtest(args, std::cout, std::cerr);
}

}  // namespace bw
