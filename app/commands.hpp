// The CLI verbs. Each returns the process exit code and prints its own
// messages (results on stdout, problems on stderr).
#pragma once

#include "app/cli.hpp"

namespace bw {

int run_command(const CliArgs& args);

}  // namespace bw
