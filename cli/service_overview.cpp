#include "service_overview.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include "daemonize/core/loader.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "deploy_support.hpp"
#include "host_facts.hpp"

namespace daemonize::cli {
namespace {

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The names of the entries of `directory` ending in `suffix` (without it).
std::vector<std::string> names_with_suffix(const std::filesystem::path& directory,
                                           const std::string& suffix) {
  std::vector<std::string> names;
  std::error_code error;
  for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    const auto name = it->path().filename().string();
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      names.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  return names;
}

}  // namespace

std::optional<WatchdogState> read_watchdog_state(const std::vector<std::filesystem::path>& files,
                                                 std::string& error) {
  for (const auto& file : files) {
    const auto text = read_text(file);
    if (!text) continue;
    auto record = state_from_json(*text, error);
    if (!record) {
      error = file.string() + ": " + error;
      return std::nullopt;
    }
    WatchdogState state;
    state.alive = process_alive(record->watchdog_pid) && record->state != "stopped" &&
                  record->state != "gave_up";
    state.record = std::move(*record);
    state.file = file;
    return state;
  }
  return std::nullopt;
}

std::optional<deploy::Receipt> find_receipt(SystemOps& ops, const std::string& name) {
  for (const auto scope : {Scope::system, Scope::user}) {
    std::optional<std::string> text;
    try {
      text = ops.read_file(deploy::receipt_path(name, scope, invoking_home()));
    } catch (const SystemError&) {
      continue;  // unreadable (another user's): as if absent
    }
    if (!text) continue;
    std::string error;
    if (auto receipt = deploy::receipt_from_json(*text, error)) return receipt;
  }
  return std::nullopt;
}

std::optional<Service> service_manifest(const StateRecord* record, const deploy::Receipt* receipt) {
  std::vector<std::string> candidates;
  if (record != nullptr && !record->manifest.empty()) candidates.push_back(record->manifest);
  if (receipt != nullptr) {
    for (const auto& file : receipt->files) {
      if (file.kind == "manifest") candidates.push_back(file.path);
    }
  }
  for (const auto& candidate : candidates) {
    auto loaded = load_manifest_file(candidate, host_os());
    if (loaded.service) return std::move(*loaded.service);
  }
  return std::nullopt;
}

std::vector<LogSource> log_sources(const LogsConfig& logs) {
  std::vector<LogSource> sources;
  const std::filesystem::path directory = expand_path_variables(logs.directory);
  const bool out_file = logs.stdout_stream.kind == LogStream::Kind::file;
  const bool err_file = logs.stderr_stream.kind == LogStream::Kind::file;
  if (out_file && err_file && logs.stdout_stream.file_name == logs.stderr_stream.file_name) {
    sources.push_back({"stdout+stderr", directory, logs.stdout_stream.file_name});
    return sources;
  }
  if (out_file) sources.push_back({"stdout", directory, logs.stdout_stream.file_name});
  if (err_file) sources.push_back({"stderr", directory, logs.stderr_stream.file_name});
  return sources;
}

std::optional<std::filesystem::path> watchdog_output_file(const std::string& name,
                                                          const deploy::Receipt* receipt,
                                                          const Service* service) {
  std::error_code missing;
  if (auto log = detached_log_file(name); log && std::filesystem::exists(*log, missing)) {
    return log;
  }
  if (receipt != nullptr && receipt->target == "launchd" && service != nullptr) {
    return std::filesystem::path(expand_path_variables(service->logs.directory)) / "watchdog.log";
  }
  return std::nullopt;
}

std::string inherited_output_destination(const std::string& name, const deploy::Receipt* receipt) {
  if (receipt != nullptr && receipt->target == "systemd") {
    return receipt->scope == Scope::user
               ? "the journal (journalctl --user --user-unit " + receipt->service_id + ")"
               : "the journal (journalctl -u " + receipt->service_id + ")";
  }
  std::error_code missing;
  if (const auto log = detached_log_file(name); log && std::filesystem::exists(*log, missing)) {
    return log->string();
  }
  return "where the watchdog's own output goes (the service manager's log)";
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  std::tm utc{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                  &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis) != 7) {
    return std::nullopt;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(utc_to_time_t(utc)) +
         std::chrono::milliseconds(millis);
}

std::string describe_uptime(std::chrono::system_clock::duration uptime) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(uptime).count();
  if (seconds < 0) seconds = 0;
  std::string text;
  if (seconds >= 86400) text += std::to_string(seconds / 86400) + "d";
  if (seconds >= 3600) text += std::to_string(seconds % 86400 / 3600) + "h";
  if (seconds >= 60) text += std::to_string(seconds % 3600 / 60) + "m";
  return text + std::to_string(seconds % 60) + "s";
}

std::string describe_memory(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"K", "M", "G", "T"};
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  if (unit == 0 || value >= 100.0) {
    (void)std::snprintf(text, sizeof text, "%.0f%s", value, kUnits[unit]);
  } else {
    (void)std::snprintf(text, sizeof text, "%.1f%s", value, kUnits[unit]);
  }
  return text;
}

std::vector<ServiceRow> collect_services(const BackendRegistry& registry) {
  const auto ops = make_host_system_ops();
  const auto home = invoking_home();
  struct Found {
    std::optional<deploy::Receipt> receipt;
    std::string receipt_file;
    bool detached = false;
    std::vector<std::filesystem::path> state_files;
  };
  std::map<std::string, Found> found;

  // Deployed services: the receipts of both scopes (one directory on Windows).
  std::vector<std::filesystem::path> receipt_directories;
  for (const auto scope : {Scope::system, Scope::user}) {
    const auto directory =
        std::filesystem::path(deploy::receipt_path("x", scope, home)).parent_path();
    if (std::find(receipt_directories.begin(), receipt_directories.end(), directory) ==
        receipt_directories.end()) {
      receipt_directories.push_back(directory);
    }
  }
  for (const auto& directory : receipt_directories) {
    for (const auto& name : names_with_suffix(directory, ".json")) {
      const auto file = directory / (name + ".json");
      std::optional<std::string> text;
      try {
        text = ops->read_file(file.string());
      } catch (const SystemError&) {
        continue;
      }
      std::string error;
      auto receipt = text ? deploy::receipt_from_json(*text, error) : std::nullopt;
      if (!receipt || receipt->service != name || found[name].receipt) continue;
      found[name].receipt = std::move(receipt);
      found[name].receipt_file = file.string();
    }
  }
  // `run --detach` watchdogs: their pidfiles.
  for (const auto& directory : detached_pidfile_directories()) {  // root's first
    for (const auto& name : names_with_suffix(directory, ".pid")) found[name].detached = true;
  }
  // Any other watchdog (a unit written by hand, `daemonize run` in a terminal): its state file.
  for (const auto& root : watchdog_state_roots()) {
    std::error_code error;
    for (std::filesystem::directory_iterator it(root, error), end; !error && it != end;
         it.increment(error)) {
      const auto file = it->path() / kStateFileName;
      std::error_code missing;
      if (std::filesystem::is_regular_file(file, missing)) {
        found[it->path().filename().string()].state_files.push_back(file);
      }
    }
  }

  std::vector<ServiceRow> rows;
  const auto now = std::chrono::system_clock::now();
  const auto state_roots = watchdog_state_roots();
  const auto pidfile_directories = detached_pidfile_directories();
  std::error_code missing;
  for (auto& [name, service] : found) {
    ServiceRow row;
    row.name = name;
    row.target = service.detached ? "detached" : "-";
    auto files = watchdog_state_files(name);
    for (const auto& file : service.state_files) {
      if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
    }
    std::string error;
    const auto state = read_watchdog_state(files, error);
    std::optional<ServiceStatus> manager;
    if (service.receipt) {
      row.target = service.receipt->target;
      row.receipt_file = service.receipt_file;
      if (auto installer = installer_for(registry, *service.receipt)) {
        try {
          manager = installer->status(*ops);
        } catch (const std::exception&) {
          manager = std::nullopt;  // the manager cannot be asked: the watchdog's view only
        }
      }
    }
    // Without a receipt: system scope when the files are the system's (the first roots).
    row.scope = "user";
    if (state && !state_roots.empty() &&
        state->file.parent_path().parent_path() == state_roots.front()) {
      row.scope = "system";
    }
    if (!state && service.detached && !pidfile_directories.empty() &&
        std::filesystem::exists(pidfile_directories.front() / (name + ".pid"), missing)) {
      row.scope = "system";
    }
    if (service.receipt) row.scope = service.receipt->scope == Scope::user ? "user" : "system";
    if (state) {
      const auto& record = state->record;
      row.state_file = state->file.string();
      row.restarts = record.restarts;
      if (state->alive) {
        row.state = record.state;
        row.pid = record.pid;
        if (const auto started = parse_rfc3339(record.child_started_at);
            started && record.pid > 0) {
          row.uptime_seconds =
              std::chrono::duration_cast<std::chrono::seconds>(now - *started).count();
        }
        row.memory_bytes = process_tree_memory(record.watchdog_pid);
      } else {
        row.state =
            record.state == "stopped" || record.state == "gave_up" ? record.state : "not running";
      }
    } else if (manager) {
      row.state =
          manager->state.empty() ? (manager->active ? "active" : "inactive") : manager->state;
      if (manager->active && manager->main_pid > 0) {
        row.pid = manager->main_pid;
        row.memory_bytes = process_tree_memory(manager->main_pid);
      }
      row.restarts = static_cast<std::uint64_t>(std::max(manager->restarts, 0));
    } else {
      row.state = service.detached ? "not running" : "unknown";
    }
    row.health = "-";
    if (state && state->alive && state->record.state == "running") {
      const auto manifest =
          service_manifest(&state->record, service.receipt ? &*service.receipt : nullptr);
      if (manifest && manifest->health) row.health = state->record.ready ? "healthy" : "not ready";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string format_service_table(const std::vector<ServiceRow>& rows) {
  std::vector<std::vector<std::string>> cells{
      {"NAME", "TARGET", "SCOPE", "STATE", "PID", "UPTIME", "RESTARTS", "MEMORY", "HEALTH"}};
  for (const auto& row : rows) {
    // A manager's "unknown (why)" can be a sentence: the table says "unknown", `list --json`
    // and `status` keep the reason.
    const std::string state = row.state.starts_with("unknown (") ? "unknown" : row.state;
    cells.push_back(
        {row.name, row.target, row.scope, state, row.pid > 0 ? std::to_string(row.pid) : "-",
         row.uptime_seconds ? describe_uptime(std::chrono::seconds(*row.uptime_seconds)) : "-",
         row.restarts ? std::to_string(*row.restarts) : "-",
         row.memory_bytes ? describe_memory(*row.memory_bytes) : "-", row.health});
  }
  std::vector<std::size_t> widths(cells.front().size(), 0);
  for (const auto& line : cells) {
    for (std::size_t column = 0; column < line.size(); ++column) {
      widths[column] = std::max(widths[column], line[column].size());
    }
  }
  std::string text;
  for (const auto& line : cells) {
    std::string out;
    for (std::size_t column = 0; column < line.size(); ++column) {
      out += line[column];
      if (column + 1 < line.size()) out.append(widths[column] - line[column].size() + 2, ' ');
    }
    text += out + '\n';
  }
  return text;
}

std::string services_to_json(const std::vector<ServiceRow>& rows) {
  boost::json::array array;
  for (const auto& row : rows) {
    auto optional_number = [](const auto& value) -> boost::json::value {
      if (value) return boost::json::value(*value);
      return nullptr;
    };
    array.push_back(boost::json::object{
        {"name", row.name},
        {"target", row.target},
        {"scope", row.scope},
        {"state", row.state},
        {"pid", row.pid},
        {"uptime_seconds", optional_number(row.uptime_seconds)},
        {"restarts", optional_number(row.restarts)},
        {"memory_bytes", optional_number(row.memory_bytes)},
        {"health", row.health},
        {"state_file",
         row.state_file.empty() ? boost::json::value(nullptr) : boost::json::value(row.state_file)},
        {"receipt", row.receipt_file.empty() ? boost::json::value(nullptr)
                                             : boost::json::value(row.receipt_file)}});
  }
  return boost::json::serialize(array);
}

}  // namespace daemonize::cli
