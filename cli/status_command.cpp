// `daemonize status FILE|NAME [--json]`: the watchdog's view from its state file, and the service
// manager's: asked directly where the CLI can (Windows: the SCM, host_facts_windows.cpp),
// otherwise through the installer of the receipt deploy left (systemd, launchd, cron).
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "daemonize/watchdog/final_marker.hpp"
#include "daemonize/watchdog/state_file.hpp"
#include "deploy_support.hpp"  // make_host_system_ops()
#include "host_facts.hpp"

namespace daemonize::cli {
namespace {

struct StatusOptions {
  std::string target;
  bool json = false;
};

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

// ERROR_SERVICE_SPECIFIC_ERROR: the service's own exit code is in service_exit_code.
constexpr unsigned kServiceSpecificError = 1066;

boost::json::object manager_json(const ServiceManagerView& view) {
  return {{"manager", view.manager},
          {"state", view.state},
          {"pid", view.pid},
          {"win32_exit_code", view.win32_exit_code},
          {"service_exit_code", view.service_exit_code}};
}

void print_manager_line(const ServiceManagerView& view) {
  std::string label = view.manager + ":";
  label.resize(std::max<std::size_t>(label.size() + 1, 12), ' ');  // aligned with "watchdog:"
  std::cout << "  " << label << view.state;
  if (view.pid > 0) std::cout << " (pid " << view.pid << ")";
  if (view.win32_exit_code != 0) {
    std::cout << " (exit " << view.win32_exit_code;
    if (view.win32_exit_code == kServiceSpecificError) {
      std::cout << ", service exit code " << view.service_exit_code;
    }
    std::cout << ")";
  }
  std::cout << '\n';
}

int run_status(const StatusOptions& options, const BackendRegistry& registry) {
  // FILE (a manifest, or a state.json) or NAME.
  std::string name = options.target;
  std::vector<std::filesystem::path> files;
  const bool looks_like_path = options.target.find_first_of("/\\") != std::string::npos ||
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
  if (files.empty()) files = watchdog_state_files(name);

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
  // The service manager's own view, where the CLI can ask it (Windows: the SCM).
  std::string manager_note;
  const auto manager = service_manager_view(record ? record->service : name, manager_note);
  // Otherwise the one of the manager deploy installed the service with (its receipt), rendered
  // now and printed after the watchdog's lines.
  std::ostringstream deployed_lines;
  std::string deployed_json;
  std::optional<bool> deployed_active;
  if (!manager) {
    const auto ops = make_host_system_ops();
    deployed_active = deploy::print_service_manager_view(
        registry, record ? record->service : name, record ? record->watchdog_version : "", *ops,
        invoking_home(), effective_user_id(), deployed_lines, &deployed_json);
  }
  auto add_deployed = [&](boost::json::object& object) {
    if (deployed_active) object["deployed"] = boost::json::parse(deployed_json);
  };
  if (!record) {
    const bool manager_running =
        (manager && manager->state == "RUNNING") || deployed_active.value_or(false);
    if (options.json) {
      boost::json::object object{
          {"service", name}, {"running", manager_running}, {"state", nullptr}};
      if (manager) object["service_manager"] = manager_json(*manager);
      add_deployed(object);
      std::cout << boost::json::serialize(object) << '\n';
    } else {
      std::cout << name << ": no watchdog state (looked in";
      for (const auto& file : files) std::cout << ' ' << file.string();
      std::cout << ")\n";
      if (manager) print_manager_line(*manager);
      std::cout << deployed_lines.str();
    }
    return manager_running ? exit_code::success : exit_code::differs;
  }

  const bool watchdog_alive = process_alive(record->watchdog_pid) && record->state != "stopped" &&
                              record->state != "gave_up";
  // A detached watchdog's final state (gave up, ended, stopped), when it still holds.
  std::optional<FinalMarker> final_marker;
  if (!watchdog_alive) {
    if (auto marker = read_final_marker(found.parent_path());
        marker &&
        final_marker_holds(*marker, current_boot_id(), manifest_file_digest(marker->manifest))) {
      final_marker = std::move(marker);
    }
  }
  const bool running = watchdog_alive && record->state == "running";

  if (options.json) {
    auto value = boost::json::parse(state_to_json(*record));
    auto& object = value.as_object();
    object["state_file"] = found.string();
    object["watchdog_alive"] = watchdog_alive;
    object["running"] = running;
    if (final_marker) {
      object["final"] = boost::json::parse(final_marker_to_json(*final_marker));
      object["final"].as_object()["file"] = (found.parent_path() / kFinalMarkerName).string();
    }
    if (manager) object["service_manager"] = manager_json(*manager);
    add_deployed(object);
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
  if (manager) print_manager_line(*manager);
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
  if (final_marker) {
    std::cout << "  final:      " << describe_final_marker(*final_marker)
              << "; `run --detach` (the crontab) does not start it again until `daemonize start "
              << record->service << "`, a changed manifest or a reboot ("
              << (found.parent_path() / kFinalMarkerName).string() << ")\n";
  }
  std::cout << deployed_lines.str();
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
  command->callback(
      [options, &context] { context.exit_code = run_status(*options, context.registry); });
}

}  // namespace daemonize::cli
