// `daemonize status FILE|NAME [--json]`: the watchdog's view from its state file.
// (The deploy issue adds the service manager's view.)
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/watchdog/state_file.hpp"

namespace daemonize::cli {
namespace {

struct StatusOptions {
  std::string target;
  bool json = false;
};

std::optional<std::string> environment_value(const std::string& name) {
  if (const char* value = std::getenv(name.c_str())) return std::string(value);
  return std::nullopt;
}

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  std::tm utc{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                  &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis) != 7) {
    return std::nullopt;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(::timegm(&utc)) + std::chrono::milliseconds(millis);
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

int run_status(const StatusOptions& options) {
  // FILE (a manifest, or a state.json) or NAME.
  std::string name = options.target;
  std::vector<std::filesystem::path> files;
  const bool looks_like_path = options.target.find('/') != std::string::npos ||
                               options.target.ends_with(".toml") ||
                               options.target.ends_with(".json");
  if (looks_like_path && options.target.ends_with(".json")) {
    files.emplace_back(options.target);
  } else if (looks_like_path || std::filesystem::is_regular_file(options.target)) {
    const auto loaded = load_manifest_file(options.target, host_os());
    if (!loaded.service) {
      for (const auto& diagnostic : loaded.diagnostics) {
        std::cerr << format_diagnostic(diagnostic) << '\n';
      }
      return loaded.file_unreadable ? exit_code::no_input : exit_code::data_error;
    }
    name = loaded.service->name;
  }
  if (files.empty()) {
    for (const auto& directory :
         state_directory_candidates(name, environment_value, ::geteuid() == 0)) {
      files.push_back(directory / kStateFileName);
    }
    const auto system_file = std::filesystem::path("/run/daemonize") / name / kStateFileName;
    if (std::find(files.begin(), files.end(), system_file) == files.end()) {
      files.push_back(system_file);
    }
  }

  std::optional<StateRecord> record;
  std::filesystem::path found;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    record = state_from_json(text.str(), error);
    if (!record) {
      std::cerr << "daemonize: " << file.string() << ": " << error << '\n';
      return exit_code::data_error;
    }
    found = file;
    break;
  }
  if (!record) {
    if (options.json) {
      std::cout << boost::json::serialize(boost::json::object{
                       {"service", name}, {"running", false}, {"state", nullptr}})
                << '\n';
    } else {
      std::cout << name << ": no watchdog state (looked in";
      for (const auto& file : files) std::cout << ' ' << file.string();
      std::cout << ")\n";
    }
    return exit_code::differs;
  }

  const bool watchdog_alive = process_alive(record->watchdog_pid) && record->state != "stopped" &&
                              record->state != "gave_up";
  const bool running = watchdog_alive && record->state == "running";

  if (options.json) {
    auto value = boost::json::parse(state_to_json(*record));
    auto& object = value.as_object();
    object["state_file"] = found.string();
    object["watchdog_alive"] = watchdog_alive;
    object["running"] = running;
    std::cout << boost::json::serialize(value) << '\n';
    return running ? exit_code::success : exit_code::differs;
  }

  const auto now = std::chrono::system_clock::now();
  std::cout << record->service << ": ";
  if (!watchdog_alive && record->state != "stopped" && record->state != "gave_up") {
    std::cout << "not running (watchdog pid " << record->watchdog_pid
              << " is gone; last recorded state: " << record->state << ")\n";
  } else {
    std::cout << record->state;
    if (record->pid > 0) {
      std::cout << " (pid " << record->pid;
      if (auto since = parse_rfc3339(record->child_started_at)) {
        std::cout << ", up " << describe_uptime(now - *since);
      }
      std::cout << ")";
    }
    if (record->state == "running") std::cout << (record->ready ? ", ready" : ", not ready yet");
    if (record->exit_code) std::cout << ", watchdog exited with " << *record->exit_code;
    std::cout << '\n';
  }
  std::cout << "  watchdog:   pid " << record->watchdog_pid << ", version "
            << record->watchdog_version << ", started " << record->watchdog_started_at << '\n';
  std::cout << "  restarts:   " << record->restarts << " (" << record->restarts_in_window
            << " in the current window)";
  if (!record->last_restart_reason.empty())
    std::cout << ", last reason: " << record->last_restart_reason;
  std::cout << '\n';
  if (!record->last_exit.empty()) {
    std::cout << "  last exit:  " << record->last_exit << " at " << record->last_exit_at << '\n';
  }
  if (record->state == "backing_off") {
    std::cout << "  next start: after "
              << (record->recent_delays_ms.empty() ? 0 : record->recent_delays_ms.back())
              << " ms\n";
  }
  std::cout << "  state file: " << found.string() << " (updated " << record->updated_at << ")\n";
  return running ? exit_code::success : exit_code::differs;
}

}  // namespace

void add_status_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<StatusOptions>();
  auto* command = app.add_subcommand("status", "Show the watchdog's state of a service");
  command
      ->add_option("target", options->target, "The manifest, its state.json, or the service name")
      ->required();
  command->add_flag("--json", options->json, "Print the state as JSON");
  command->callback([options, &context] { context.exit_code = run_status(*options); });
}

}  // namespace daemonize::cli
