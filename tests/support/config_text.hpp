// Test helper: loads a config from TOML text written to a temporary file, with
// the file's path in errors replaced by "FILE" so tests can compare messages.
//
//   Result<Config> config = bw::testing::load_config_text("[market]\nholidays = []\n");
#pragma once

#include <fstream>
#include <string>

#include "config/config.hpp"
#include "tests/support/temp_database.hpp"

namespace bw::testing {

inline Result<Config> load_config_text(const std::string& text) {
  TempDirectory directory;
  const std::string path = directory.file("bellwether.toml");
  std::ofstream(path) << text;
  Result<Config> config = load_config(path, {});
  if (config) return config;
  std::string error = config.error();
  for (auto at = error.find(path); at != std::string::npos; at = error.find(path))
    error.replace(at, path.size(), "FILE");
  return Error{error};
}

}  // namespace bw::testing
