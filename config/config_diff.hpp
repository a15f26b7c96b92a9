// changed_keys: which keys differ between two configs, as key paths
// ("web.listen", "log.modules", "sources"), in the order of bellwether.toml.
// Hot reload uses it to apply what can change at run time and to name what
// needs a restart.
//
//   for (const std::string& key : changed_keys(running, loaded)) ...
//
// A pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace bw {

std::vector<std::string> changed_keys(const Config& before, const Config& after);
// True when a running source with settings `a` can stay as it is for `b`.
bool same_source(const SourceConfig& a, const SourceConfig& b);

}  // namespace bw
