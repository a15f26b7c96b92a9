// Logging set-up for `serve`: one logger per module (kLogModules) sharing the
// configured sinks (stderr and/or a size-rotated file), as plain text or one
// JSON object per line, each with its own level.
//
//   configure_logging(config.log);     // throws spdlog_ex if the file cannot be opened
//   apply_log_levels(new_config.log);  // later: levels only
//
// Call from the main thread; loggers themselves are thread-safe.
#pragma once

#include "config/config.hpp"

namespace bw {

void configure_logging(const LogConfig& config);
void apply_log_levels(const LogConfig& config);

}  // namespace bw
