// module_logger: the spdlog logger of one module ("store", "engine", ...), so
// an admin can set each module's level ([log.modules] in bellwether.toml).
//
//   module_logger("store")->info("store: opened {}", path);
//
// Returns the default logger when the module's logger is not registered (unit
// tests, CLI verbs). spdlog's registry is thread-safe; the lookup takes its
// mutex, so keep log statements off per-quote paths.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace bw {

inline std::shared_ptr<spdlog::logger> module_logger(const char* module) {
  std::shared_ptr<spdlog::logger> logger = spdlog::get(module);
  return logger ? logger : spdlog::default_logger();
}

}  // namespace bw
