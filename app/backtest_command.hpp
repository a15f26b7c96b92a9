// `bellwether backtest --alerts FILE --ticks FILE [--format csv|json]`: the
// alerts of a TOML alerts file (the alerts.d / export format) or of a JSON
// file (alerts as the API answers them: web/alert_json_file.hpp; chosen by a
// `.json` name or a text starting with `{` / `[{`) run over a tick file
// through rules/backtest.hpp (the server's Engine), printing each fire.
//
// Ticks: generic CSV (ts,symbol,price[,volume][,bid,ask], header optional),
// Databento trades CSV or NDJSON, parsed by ingest/tick_parsers and passed
// through the QuoteNormalizer as a live source is: duplicates and
// out-of-order ticks are skipped and counted, like live. Every tick needs
// its `ts`. A malformed line is an error naming file:line, and nothing is
// printed on stdout. Sessions use the [market] calendar of --config (or the
// built-in one).
#pragma once

#include <iosfwd>

#include "app/cli.hpp"

namespace bw {

// Exit code: 0 done, 1 a problem in a file (on `err`), 2 usage.
int run_backtest_command(const CliArgs& args);
int run_backtest(const CliArgs& args, std::ostream& out, std::ostream& err);

}  // namespace bw
