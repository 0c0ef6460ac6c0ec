// `daemonize logs FILE|NAME [-n N] [-f] [--stdout|--stderr] [--since TIME] [--events]`: the
// program's output wherever the manifest sends it — the watchdog's log files (rotated and
// gzipped ones included), the journal for "inherit" streams of a systemd unit, a detached
// watchdog's own log — or, with --events, the watchdog's own events.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "daemonize/watchdog/log_reading.hpp"
#include "deploy_support.hpp"
#include "host_facts.hpp"
#include "manifest_loading.hpp"
#include "service_overview.hpp"

namespace daemonize::cli {
namespace {

using Clock = std::chrono::system_clock;

struct LogsOptions {
  std::string target;
  std::optional<std::size_t> lines;
  bool follow = false;
  bool only_stdout = false;
  bool only_stderr = false;
  std::string since;
  bool events = false;
};

// One place output is read from: a log file (with its rotated predecessors) or a journal.
struct Source {
  std::string label;  // the header: the path, or the journal command
  std::optional<LogSource> file;
  std::vector<std::string> journal;  // journalctl argv (without -n/--since/-f)
};

std::vector<std::string> journal_argv(const deploy::Receipt& receipt,
                                      const std::vector<std::string>& matches) {
  std::vector<std::string> argv{"journalctl", "--no-pager", "--output", "short-iso"};
  if (receipt.scope == Scope::user) {
    argv.insert(argv.end(), {"--user", "--user-unit", receipt.service_id});
  } else {
    argv.insert(argv.end(), {"-u", receipt.service_id});
  }
  argv.insert(argv.end(), matches.begin(), matches.end());
  return argv;
}

std::string journal_since(Clock::time_point since) {
  return "@" + std::to_string(Clock::to_time_t(since));
}

int run_logs(const LogsOptions& options) {
  std::optional<Clock::time_point> since;
  if (!options.since.empty()) {
    std::string error;
    since = logs::parse_since(options.since, Clock::now(), error);
    if (!since) {
      std::cerr << "daemonize: " << error << '\n';
      return exit_code::usage;
    }
  }
  // Without -n, --since shows everything since TIME; otherwise the last 10 lines.
  const std::size_t count = options.lines.value_or(since ? SIZE_MAX : 10);

  // FILE (a manifest) or NAME: the manifest, the watchdog's state and deploy's receipt.
  std::string name = options.target;
  std::optional<Service> service;
  const bool looks_like_file =
      options.target.find_first_of("/\\") != std::string::npos || options.target.ends_with(".toml");
  if (looks_like_file) {
    const auto loaded = load_manifest_file(options.target, host_os());
    if (!loaded.service) {
      print_diagnostics(loaded.diagnostics);
      return load_failure_exit_code(loaded);
    }
    service = *loaded.service;
    name = service->name;
  }
  std::string state_error;
  const auto state = read_watchdog_state(watchdog_state_files(name), state_error);
  const auto ops = make_host_system_ops();
  const auto receipt = find_receipt(*ops, name);
  if (!service) {
    service = service_manifest(state ? &state->record : nullptr, receipt ? &*receipt : nullptr);
  }
  const auto detached_log = detached_log_file(name);
  std::error_code missing;
  const bool detached = detached_log && std::filesystem::exists(*detached_log, missing);
  const bool journal = receipt && receipt->target == "systemd";
  const auto watchdog_output =
      watchdog_output_file(name, receipt ? &*receipt : nullptr, service ? &*service : nullptr);
  bool inherit_unreadable = false;  // "inherit" output that only the service manager shows
  if (!service && !detached && !receipt) {
    std::cerr << "daemonize: " << name
              << ": no such service (no manifest, watchdog state, receipt or detached watchdog "
                 "log found; give the manifest: daemonize logs FILE)\n";
    return exit_code::no_input;
  }

  std::vector<Source> sources;
  if (options.events) {
    // The watchdog logs its events to its stderr: a detached watchdog's own log or a launchd
    // job's watchdog.log, the journal under systemd (its lines, not the program's: _COMM), the
    // Event Log on Windows.
    if (watchdog_output) {
      sources.push_back({watchdog_output->string(),
                         LogSource{"events", watchdog_output->parent_path(),
                                   watchdog_output->filename().string()},
                         {}});
    } else if (journal) {
      sources.push_back({"", std::nullopt, journal_argv(*receipt, {"_COMM=daemonize"})});
    } else if (host_os() == TargetOs::windows) {
      std::cerr << "daemonize: " << name
                << ": the watchdog's events are in the Windows Application event log, source "
                << name << " (Event Viewer, or: Get-WinEvent -ProviderName " << name << ")\n";
      return exit_code::unavailable;
    } else {
      std::cerr << "daemonize: " << name
                << ": the watchdog's events went to the stderr of whoever started it (no "
                   "detached watchdog log, no journal)\n";
      return exit_code::no_input;
    }
  } else {
    const bool want_out = !options.only_stderr;
    const bool want_err = !options.only_stdout;
    if (service) {
      for (auto& source : log_sources(service->logs)) {
        const bool has_out = source.streams.find("stdout") != std::string::npos;
        const bool has_err = source.streams.find("stderr") != std::string::npos;
        if ((has_out && want_out) || (has_err && want_err)) {
          sources.push_back({source.path().string(), source, {}});
        }
      }
      const auto inherits = [&](const LogStream& stream, bool wanted) {
        return wanted && stream.kind == LogStream::Kind::inherit;
      };
      if (inherits(service->logs.stdout_stream, want_out) ||
          inherits(service->logs.stderr_stream, want_err)) {
        // "inherit": where the watchdog's own output goes.
        if (journal) {
          sources.push_back({"", std::nullopt, journal_argv(*receipt, {})});
        } else if (watchdog_output) {
          sources.push_back({watchdog_output->string(),
                             LogSource{"inherit", watchdog_output->parent_path(),
                                       watchdog_output->filename().string()},
                             {}});
        } else {
          inherit_unreadable = true;
          std::cerr << "daemonize: " << name
                    << ": output with \"inherit\" goes where the watchdog's own output goes "
                       "(the service manager's log), which daemonize cannot read\n";
        }
      }
    } else if (detached) {
      sources.push_back(
          {detached_log->string(),
           LogSource{"inherit", detached_log->parent_path(), detached_log->filename().string()},
           {}});
    }
    if (sources.empty()) {
      if (!inherit_unreadable) {
        std::cerr << "daemonize: " << name << ": the selected output is not kept (\"null\")\n";
      }
      return exit_code::no_input;
    }
  }
  for (auto& source : sources) {
    if (!source.journal.empty()) source.label = "journal (" + shell_join(source.journal) + ")";
  }

  // The last lines of each source (a header each when there are several, like tail).
  const bool headers = sources.size() > 1;
  int status = exit_code::success;
  // -f: each file's follower starts right after the lines printed here.
  std::vector<std::pair<const Source*, logs::LogFollower>> followers;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& source = sources[i];
    if (headers) std::cout << (i > 0 ? "\n" : "") << "==> " << source.label << " <==\n";
    if (source.file && options.follow) {
      auto start = logs::LogFollower::after_last_lines(source.file->directory,
                                                       source.file->file_name, count, since);
      for (const auto& line : start.last_lines) std::cout << line << '\n';
      followers.emplace_back(&source, std::move(start.follower));
    } else if (source.file) {
      for (const auto& line : logs::last_log_lines(
               logs::log_file_chain(source.file->directory, source.file->file_name), count,
               since)) {
        std::cout << line << '\n';
      }
    } else {
      auto argv = source.journal;
      if (count != SIZE_MAX) argv.insert(argv.end(), {"-n", std::to_string(count)});
      if (since) argv.insert(argv.end(), {"--since", journal_since(*since)});
      // Only the journal: journalctl follows it itself.
      if (options.follow && sources.size() == 1) argv.emplace_back("--follow");
      std::cout << std::flush;
      status = run_in_foreground(argv);
      if (options.follow && sources.size() == 1) return status;
    }
  }
  std::cout << std::flush;
  if (!options.follow) return status;

  // -f: poll the files; a rotation is read through to its end before the new live file.
  for (const auto& source : sources) {
    if (!source.file) {
      std::cerr << "daemonize: not following the journal together with files; run: "
                << shell_join(source.journal) << " --follow\n";
    }
  }
  const Source* last_printed = sources.size() > 1 ? nullptr : &sources.front();
  for (;;) {
    for (auto& [source, follower] : followers) {
      const auto lines = follower.poll();
      if (lines.empty()) continue;
      if (headers && source != last_printed) std::cout << "\n==> " << source->label << " <==\n";
      last_printed = source;
      for (const auto& line : lines) std::cout << line << '\n';
      std::cout << std::flush;
    }
    if (!std::cout) return exit_code::success;  // the reader went away
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

void add_logs_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<LogsOptions>();
  auto* command = app.add_subcommand("logs", "Show a service's output and the watchdog's events");
  command->add_option("target", options->target, "The manifest or the service name")->required();
  command->add_option("-n,--lines", options->lines,
                      "Show the last N lines (default 10; all since TIME with --since)");
  command->add_flag("-f,--follow", options->follow,
                    "Keep printing new lines, across rotations, until interrupted");
  auto* out = command->add_flag("--stdout", options->only_stdout, "Only the program's stdout");
  auto* err = command->add_flag("--stderr", options->only_stderr, "Only the program's stderr");
  out->excludes(err);
  command->add_option("--since", options->since,
                      "Only lines since TIME: a duration (10m, 2h, 1d) or an ISO 8601 date and "
                      "time (2026-12-07T06:00:00Z)");
  command->add_flag("--events", options->events,
                    "The watchdog's own events (starts, exits, restarts) instead of the output");
  command->callback([options, &context] {
    (void)context.registry;
    context.exit_code = run_logs(*options);
  });
}

}  // namespace daemonize::cli
