// `daemonize status FILE|NAME [--json]`: the watchdog's view from its state file, and the service
// manager's: asked directly where the CLI can (Windows: the SCM, host_facts_windows.cpp),
// otherwise through the installer of the receipt deploy left (systemd, launchd, cron); and where
// the program's output goes (the log files and their last lines).
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
#include "daemonize/watchdog/log_reading.hpp"
#include "daemonize/watchdog/state_file.hpp"
#include "deploy_support.hpp"  // make_host_system_ops()
#include "host_facts.hpp"
#include "service_overview.hpp"

namespace daemonize::cli {
namespace {

struct StatusOptions {
  std::string target;
  bool json = false;
};

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

// How many last lines of each log file status shows.
constexpr std::size_t kStatusLogLines = 5;

// One stream of the program, or one file both streams share.
struct OutputView {
  std::string streams;  // "stdout", "stderr", "stdout+stderr"
  std::string kind;     // "file", "inherit", "null"
  std::string file;     // the live file, or where "inherit" output goes ("" for "null")
  std::vector<std::string> rotated;  // its rotated files, oldest first
  std::vector<std::string> last_lines;
};

std::vector<OutputView> describe_output(const LogsConfig& logs, const std::string& inherited_to) {
  std::vector<OutputView> views;
  for (const auto& source : log_sources(logs)) {
    OutputView view{source.streams, "file", source.path().string(), {}, {}};
    auto chain = logs::log_file_chain(source.directory, source.file_name);
    for (const auto& file : chain) {
      if (file != source.path()) view.rotated.push_back(file.string());
    }
    view.last_lines = logs::last_log_lines(chain, kStatusLogLines);
    views.push_back(std::move(view));
  }
  for (const auto& [stream, config] :
       {std::pair{"stdout", logs.stdout_stream}, std::pair{"stderr", logs.stderr_stream}}) {
    if (config.kind == LogStream::Kind::inherit)
      views.push_back({stream, "inherit", inherited_to, {}, {}});
    if (config.kind == LogStream::Kind::null) views.push_back({stream, "null", "", {}, {}});
  }
  return views;
}

boost::json::array output_json(const std::vector<OutputView>& views) {
  boost::json::array array;
  for (const auto& view : views) {
    boost::json::object object{{"streams", view.streams}, {"kind", view.kind}};
    if (view.kind == "inherit") object["destination"] = view.file;
    if (view.kind == "file") {
      object["file"] = view.file;
      boost::json::array rotated(view.rotated.begin(), view.rotated.end());
      object["rotated"] = std::move(rotated);
      boost::json::array lines(view.last_lines.begin(), view.last_lines.end());
      object["last_lines"] = std::move(lines);
    }
    array.push_back(std::move(object));
  }
  return array;
}

void print_output(const std::vector<OutputView>& views, std::ostream& out) {
  for (const auto& view : views) {
    std::string label =
        (view.streams == "stdout+stderr" ? std::string("output") : view.streams) + ":";
    label.resize(12, ' ');
    out << "  " << label;
    if (view.kind == "inherit") {
      out << "inherit: " << view.file << '\n';
    } else if (view.kind == "null") {
      out << "discarded (null)\n";
    } else {
      out << view.file;
      if (!view.rotated.empty()) out << " (+" << view.rotated.size() << " rotated)";
      out << '\n';
    }
  }
  for (const auto& view : views) {
    if (view.kind != "file" || view.last_lines.empty()) continue;
    out << "  last lines of " << view.file << ":\n";
    for (const auto& line : view.last_lines) out << "    " << line << '\n';
  }
}

int run_status(const StatusOptions& options, const BackendRegistry& registry) {
  // FILE (a manifest, or a state.json) or NAME.
  std::string name = options.target;
  std::vector<std::filesystem::path> files;
  std::optional<Service> manifest;
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
    manifest = *loaded.service;
  }
  if (files.empty()) files = watchdog_state_files(name);

  std::string state_error;
  const auto state = read_watchdog_state(files, state_error);
  if (!state && !state_error.empty()) {
    std::cerr << "daemonize: " << state_error << '\n';
    return exit_code::data_error;
  }
  const std::optional<StateRecord> record =
      state ? std::optional<StateRecord>(state->record) : std::nullopt;
  const std::filesystem::path found = state ? state->file : std::filesystem::path();
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
  // Where the program's output goes, and its last lines.
  const auto receipt = find_receipt(*make_host_system_ops(), record ? record->service : name);
  if (!manifest) {
    manifest = service_manifest(record ? &*record : nullptr, receipt ? &*receipt : nullptr);
  }
  const auto output =
      manifest ? describe_output(manifest->logs,
                                 inherited_output_destination(record ? record->service : name,
                                                              receipt ? &*receipt : nullptr))
               : std::vector<OutputView>{};
  if (!record) {
    const bool manager_running =
        (manager && manager->state == "RUNNING") || deployed_active.value_or(false);
    if (options.json) {
      boost::json::object object{
          {"service", name}, {"running", manager_running}, {"state", nullptr}};
      if (manager) object["service_manager"] = manager_json(*manager);
      add_deployed(object);
      if (manifest) object["logs"] = output_json(output);
      std::cout << boost::json::serialize(object) << '\n';
    } else {
      std::cout << name << ": no watchdog state (looked in";
      for (const auto& file : files) std::cout << ' ' << file.string();
      std::cout << ")\n";
      if (manager) print_manager_line(*manager);
      std::cout << deployed_lines.str();
      print_output(output, std::cout);
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
  // A oneshot that remained after its success ("exited") is active, like systemd's.
  const bool running = watchdog_alive && (record->state == "running" || record->state == "exited");

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
    if (manifest) object["logs"] = output_json(output);
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
  print_output(output, std::cout);
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
