#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

namespace bw {

namespace {

// %* in a pattern: the message, escaped for a JSON string.
class JsonEscapedMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : msg.payload) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            const char escaped[] = {'\\', 'u', '0', '0', kHex[(c >> 4) & 0xf], kHex[c & 0xf]};
            dest.append(escaped, escaped + sizeof escaped);
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonEscapedMessage>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(const std::string& format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (format == "json") {
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","module":"%n","thread":%t,"msg":"%*"})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %-5l [%n] %v");
  }
  return formatter;
}

spdlog::level::level_enum level_for(const LogConfig& config, const std::string& module) {
  auto it = config.modules.find(module);
  return spdlog::level::from_str(it == config.modules.end() ? config.level : it->second);
}

}  // namespace

void configure_logging(const LogConfig& config) {
  std::vector<spdlog::sink_ptr> sinks;
  if (config.console) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!config.file.empty()) {
    std::filesystem::path parent = std::filesystem::path(config.file).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        config.file, config.max_size, static_cast<std::size_t>(config.max_files)));
  }
  for (const auto& sink : sinks) sink->set_formatter(make_formatter(config.format));
  spdlog::drop_all();
  for (std::string_view name : kLogModules) {
    auto logger = std::make_shared<spdlog::logger>(std::string(name), sinks.begin(), sinks.end());
    logger->set_level(level_for(config, std::string(name)));
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
  }
  // Code that logs without a module (main, third-party) goes through "app".
  spdlog::set_default_logger(spdlog::get("app"));
  spdlog::flush_every(std::chrono::seconds(1));
}

void apply_log_levels(const LogConfig& config) {
  for (std::string_view name : kLogModules) {
    if (auto logger = spdlog::get(std::string(name))) {
      logger->set_level(level_for(config, std::string(name)));
    }
  }
}

}  // namespace bw
