#include "web/alert_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "rules/time_text.hpp"
#include "web/alert_toml.hpp"
#include "web/channel_routes.hpp"
#include "web/json_codec.hpp"

namespace bw {

namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

// Channel refs → the owner's channel ids; problems are appended.
std::vector<ChannelId> resolve_channels(const AlertFileEntry& entry, const User& owner,
                                        ChannelRepository* repository,
                                        std::vector<std::string>& problems) {
  std::vector<ChannelId> ids;
  if (entry.channels.empty()) return ids;
  if (!repository) {
    problems.push_back(entry.at("channels[0]") + "channels: delivery channels are not enabled");
    return ids;
  }
  if (entry.channels.size() > kMaxChannelsPerAlert) {
    problems.push_back(entry.at("channels[0]") + "channels: at most " +
                       std::to_string(kMaxChannelsPerAlert) + " per alert");
    return ids;
  }
  const std::vector<Channel> owned = repository->list_for_user(owner.id);
  for (std::size_t j = 0; j < entry.channels.size(); ++j) {
    const ChannelRef& ref = entry.channels[j];
    const std::string key = "channels[" + std::to_string(j) + "]";
    std::vector<ChannelId> matches;
    for (const Channel& channel : owned) {
      if (ref.id ? channel.id == ref.id : channel.target == ref.target)
        matches.push_back(channel.id);
    }
    const std::string named = ref.id ? "channel " + std::to_string(ref.id) : ref.target;
    if (matches.empty()) {
      problems.push_back(entry.at(key) + key + ": " + owner.name + " has no channel " +
                         (ref.id ? std::to_string(ref.id) : "\"" + ref.target + "\""));
    } else if (matches.size() > 1) {
      problems.push_back(entry.at(key) + key + ": " + owner.name + " has " +
                         std::to_string(matches.size()) + " channels \"" + ref.target +
                         "\"; name one by its id (" + std::to_string(matches.front()) + ")");
    } else {
      ids.push_back(matches.front());
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<std::string> read_small_file(const fs::path& path) {
  std::error_code error;
  const std::uintmax_t size = fs::file_size(path, error);
  if (error) return Error{path.string() + ": cannot read (" + error.message() + ")"};
  if (size > kMaxAlertFileBytes) {
    return Error{path.string() + ": larger than " + std::to_string(kMaxAlertFileBytes >> 20) +
                 " MiB"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string() + ": cannot read"};
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The *.toml files directly in `path`, sorted; empty when it does not exist.
Result<std::vector<fs::path>> alert_files(const std::string& path, bool& exists) {
  std::error_code error;
  exists = fs::is_directory(path, error);
  std::vector<fs::path> files;
  if (!exists) {
    if (fs::exists(path, error)) return Error{path + ": is not a directory"};
    return files;
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
    if (entry.path().extension() != ".toml" || !entry.is_regular_file(error)) continue;
    files.push_back(entry.path());
  }
  if (error) return Error{path + ": cannot list (" + error.message() + ")"};
  if (files.size() > kMaxAlertFiles) {
    return Error{path + ": more than " + std::to_string(kMaxAlertFiles) + " alert files"};
  }
  std::sort(files.begin(), files.end());
  return files;
}

constexpr AlertFileOptions kManagedOptions{true, true};

bool same_definition(const AlertWithChannels& stored, const AlertDefinition& wanted) {
  const Alert& a = stored.alert;
  const Alert& b = wanted.alert;
  return a.symbol == b.symbol && a.name == b.name && a.condition == b.condition &&
         a.trigger == b.trigger && a.expires_at == b.expires_at && a.sessions == b.sessions &&
         stored.channels == wanted.channels;
}

// `row` changed to `wanted`'s definition, its state carried over like PATCH.
Alert updated(const Alert& row, const Alert& wanted, TimestampMs now) {
  Alert alert = row;
  const bool rearms = alert.symbol != wanted.symbol || !(alert.condition == wanted.condition) ||
                      !(alert.trigger == wanted.trigger);
  const bool new_expiry = alert.expires_at != wanted.expires_at;
  alert.symbol = wanted.symbol;
  alert.name = wanted.name;
  alert.condition = wanted.condition;
  alert.trigger = wanted.trigger;
  alert.expires_at = wanted.expires_at;
  alert.sessions = wanted.sessions;
  if (rearms) {
    alert.rearm_wait = RearmWait::none;
    if (alert.state != AlertState::paused) alert.state = AlertState::armed;
  }
  if (new_expiry && alert.state == AlertState::expired) alert.state = AlertState::armed;
  if (alert.expires_at && *alert.expires_at <= now && alert.state != AlertState::triggered)
    alert.state = AlertState::expired;
  alert.revision += 1;
  return alert;
}

Alert fresh(const Alert& wanted, TimestampMs now) {
  Alert alert = wanted;
  if (alert.expires_at && *alert.expires_at <= now) alert.state = AlertState::expired;
  return alert;
}

void bring_engine_in_line(AlertEngine& engine, const std::vector<Alert>& stored,
                          const std::vector<AlertId>& removed) {
  for (AlertId id : removed) engine.disarm(id);
  for (const Alert& alert : stored) {
    if (alert.state == AlertState::armed) {
      engine.arm(alert);
    } else {
      engine.disarm(alert.id);
    }
  }
}

}  // namespace

Result<AlertDirectory> load_alert_directory(const std::string& path, Accounts& accounts,
                                            ChannelRepository* channels) {
  AlertDirectory directory;
  directory.path = path;
  Result<std::vector<fs::path>> files = alert_files(path, directory.exists);
  if (!files) return Error{files.error()};
  std::vector<std::string> problems;
  std::map<std::string, std::optional<User>> users;  // by name, looked up once
  for (const fs::path& file : *files) {
    Result<std::string> text = read_small_file(file);
    if (!text) {
      problems.push_back(text.error());
      continue;
    }
    AlertFileParse parsed = parse_alert_file_partly(*text, file.string(), kManagedOptions);
    problems.insert(problems.end(), parsed.problems.begin(), parsed.problems.end());
    ++directory.files;
    for (const AlertFileEntry& entry : parsed.entries) {
      auto [known, inserted] = users.try_emplace(entry.owner);
      if (inserted) known->second = accounts.find_user(entry.owner);
      if (!known->second) {
        problems.push_back(entry.at("owner") + "owner: no user named \"" + entry.owner + "\"");
        continue;
      }
      AlertDefinition definition{alert_from_draft(entry.draft, known->second->id), {}};
      definition.alert.managed_file = file.filename().string();
      definition.alert.managed_key = entry.id;
      definition.channels = resolve_channels(entry, *known->second, channels, problems);
      directory.alerts.push_back(std::move(definition));
    }
  }
  if (!problems.empty()) return Error{joined(problems)};
  return directory;
}

Result<std::size_t> check_alert_directory(const std::string& path) {
  bool exists = false;
  Result<std::vector<fs::path>> files = alert_files(path, exists);
  if (!files) return Error{files.error()};
  std::vector<std::string> problems;
  std::size_t count = 0;
  for (const fs::path& file : *files) {
    Result<std::string> text = read_small_file(file);
    Result<std::vector<AlertFileEntry>> entries =
        text ? parse_alert_file(*text, file.string(), kManagedOptions)
             : Result<std::vector<AlertFileEntry>>(Error{text.error()});
    if (!entries) {
      problems.push_back(entries.error());
    } else {
      count += entries->size();
    }
  }
  if (!problems.empty()) return Error{joined(problems)};
  return count;
}

Result<SyncReport> sync_managed_alerts(AlertRepository& alerts, AlertEngine& engine,
                                       const AlertDirectory& directory, TimestampMs now) {
  SyncReport report;
  std::vector<AlertId> removed;
  bool refused = false;
  using Key = std::pair<std::string, std::string>;
  auto plan = [&](const std::vector<AlertWithChannels>& managed) {
    std::vector<AlertWrite> writes;
    if (!directory.exists && !managed.empty()) {
      refused = true;
      return writes;
    }
    std::map<Key, const AlertWithChannels*> existing;
    for (const AlertWithChannels& row : managed)
      existing[{row.alert.managed_file, row.alert.managed_key}] = &row;
    for (const AlertDefinition& wanted : directory.alerts) {
      auto it = existing.find({wanted.alert.managed_file, wanted.alert.managed_key});
      const AlertWithChannels* row = it == existing.end() ? nullptr : it->second;
      if (row) existing.erase(it);
      if (row && row->alert.user_id == wanted.alert.user_id) {
        if (same_definition(*row, wanted)) {
          ++report.unchanged;
          continue;
        }
        writes.push_back(
            {AlertWrite::Kind::update, updated(row->alert, wanted.alert, now), wanted.channels});
        ++report.changed;
        continue;
      }
      if (row) {  // a new owner: the old owner's alert goes, a new one comes
        writes.push_back({AlertWrite::Kind::remove, row->alert, {}});
        removed.push_back(row->alert.id);
      }
      writes.push_back({AlertWrite::Kind::insert, fresh(wanted.alert, now), wanted.channels});
      ++(row ? report.changed : report.added);
    }
    for (const auto& [key, row] : existing) {
      writes.push_back({AlertWrite::Kind::remove, row->alert, {}});
      removed.push_back(row->alert.id);
      ++report.removed;
    }
    return writes;
  };
  const std::vector<Alert> stored = alerts.sync_managed(plan, now);
  if (refused) {
    return Error{directory.path +
                 ": alerts directory not found; the managed alerts stay (create the directory, "
                 "even empty, to remove them)"};
  }
  bring_engine_in_line(engine, stored, removed);
  return report;
}

Result<std::vector<Alert>> import_alerts(AlertTransfer target, const User& user,
                                         std::string_view text, const std::string& name,
                                         TimestampMs now) {
  AlertFileParse parsed = parse_alert_file_partly(text, name, {});
  std::vector<std::string> problems = std::move(parsed.problems);
  std::vector<AlertWrite> writes;
  for (const AlertFileEntry& entry : parsed.entries) {
    if (!entry.owner.empty() && entry.owner != user.name) {
      problems.push_back(entry.at("owner") + "owner: is \"" + entry.owner +
                         "\", but these alerts are imported for " + user.name);
    }
    if (entry.draft.expires_at && *entry.draft.expires_at <= now)
      problems.push_back(entry.at("expires_at") + "expires_at: must be in the future");
    std::vector<ChannelId> channels = resolve_channels(entry, user, target.channels, problems);
    writes.push_back({AlertWrite::Kind::insert, alert_from_draft(entry.draft, user.id), channels});
  }
  if (!problems.empty()) return Error{joined(problems)};
  std::vector<Alert> stored = target.alerts.write_batch(writes, now);
  if (target.engine) bring_engine_in_line(*target.engine, stored, {});
  return stored;
}

std::string export_alerts(AlertTransfer source, const User& user, TimestampMs now) {
  std::vector<Channel> owned;
  if (source.channels) owned = source.channels->list_for_user(user.id);
  std::vector<ExportedAlert> exported;
  for (const Alert& alert : source.alerts.list_for_user(user.id)) {
    nlohmann::json fields = encode_alert(alert);
    // What the server keeps about an alert, not what a client sets.
    for (const char* read_only :
         {"id", "state", "created_at", "last_fired_at", "rearm_wait", "managed", "channels"}) {
      fields.erase(read_only);
    }
    nlohmann::json channels = nlohmann::json::array();
    if (source.channels) {
      for (ChannelId id : source.channels->for_alert(alert.id)) {
        auto it =
            std::find_if(owned.begin(), owned.end(), [id](const Channel& c) { return c.id == id; });
        if (it == owned.end()) continue;
        const auto same_target = std::count_if(
            owned.begin(), owned.end(), [&](const Channel& c) { return c.target == it->target; });
        channels.push_back(same_target == 1 ? nlohmann::json(it->target) : nlohmann::json(id));
      }
    }
    fields["channels"] = std::move(channels);
    ExportedAlert out{"alert-" + std::to_string(alert.id), user.name, std::move(fields), ""};
    if (!alert.managed_file.empty()) {
      out.comment = "managed by alerts file " + alert.managed_file + " (id \"" + alert.managed_key +
                    "\"); an imported copy is an ordinary alert";
    }
    exported.push_back(std::move(out));
  }
  const std::string header =
      "# Bellwether alerts of " + user.name + ", exported " + format_rfc3339(now) +
      ".\n# Import: bellwether alerts import --user NAME FILE, or POST /api/v1/alerts/import.\n"
      "# Format: docs/OPERATIONS.md (alerts as code).\n";
  return render_alert_file(exported, header);
}

std::string managed_alert_detail(const Alert& alert) {
  return "alert " + std::to_string(alert.id) + " is managed by alerts file " + alert.managed_file +
         " (id \"" + alert.managed_key +
         "\"); change or remove it in that file and reload the server";
}

}  // namespace bw
