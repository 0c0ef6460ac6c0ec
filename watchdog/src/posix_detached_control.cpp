// The POSIX side of detached watchdogs: the default pidfile of `run --detach`, the lock probe,
// and start/stop/restart/reload through the pidfile when no service manager owns the service.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "daemonize/core/diagnostics.hpp"
#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/loader.hpp"
#include "daemonize/watchdog/detached.hpp"
#include "daemonize/watchdog/final_marker.hpp"

namespace daemonize {
namespace {

// Beyond stop.timeout: the watchdog's own exit after the child's (final state, logs).
constexpr auto kStopMargin = std::chrono::seconds(5);
constexpr auto kDefaultStopTimeout = std::chrono::seconds(30);
constexpr auto kPollInterval = std::chrono::milliseconds(50);

std::optional<std::string> environment_value(const std::string& name) {
  if (const char* value = std::getenv(name.c_str())) return std::string(value);
  return std::nullopt;
}

bool names_a_file(const std::string& argument) {
  return argument.find('/') != std::string::npos || argument.ends_with(".toml") ||
         std::filesystem::is_regular_file(argument);
}

// Where `stop NAME` looks: the invoking user's default pidfiles. Cron sets no XDG_STATE_HOME,
// so a watchdog started by the crontab uses ~/.local/state even when this shell sets it.
std::vector<std::filesystem::path> pidfile_candidates(const std::string& name) {
  std::vector<std::filesystem::path> candidates;
  const bool root = ::geteuid() == 0;
  if (auto paths = detached_paths(name, environment_value, root)) {
    candidates.push_back(paths->pidfile);
  }
  if (!root) {
    auto without_state_home = [](const std::string& variable) -> std::optional<std::string> {
      if (variable == "XDG_STATE_HOME") return std::nullopt;
      return environment_value(variable);
    };
    if (auto paths = detached_paths(name, without_state_home, false);
        paths && paths->pidfile != candidates.front()) {
      candidates.push_back(paths->pidfile);
    }
  }
  return candidates;
}

bool wait_until_unlocked(const std::filesystem::path& pidfile, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (probe_pidfile(pidfile).locked) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

// `daemonize run MANIFEST --detach [--pidfile PIDFILE]` with this very binary; its exit status.
int run_detached_again(const std::string& manifest_path, const std::string& pidfile = "") {
  std::cout.flush();
  std::cerr.flush();
  const pid_t child = ::fork();
  if (child < 0) return exit_code::software;
  if (child == 0) {
    std::vector<const char*> argv{"daemonize", "run", manifest_path.c_str(), "--detach"};
    if (!pidfile.empty()) {
      argv.push_back("--pidfile");
      argv.push_back(pidfile.c_str());
    }
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", const_cast<char* const*>(argv.data()));
    std::_Exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : exit_code::software;
}

}  // namespace

RunProcessPlan plan_run_process(const std::string& manifest_path, const std::string& pidfile,
                                bool detach) {
  RunProcessPlan plan{manifest_path, pidfile};
  if (!detach) return plan;
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(manifest_path, ec);
  if (!ec) plan.manifest_path = absolute.lexically_normal().string();
  if (!pidfile.empty()) return plan;
  const auto loaded = load_manifest_file(plan.manifest_path, host_os());
  if (!loaded.service) {
    for (const auto& diagnostic : loaded.diagnostics) {
      std::cerr << format_diagnostic(diagnostic) << '\n';
    }
    return plan;
  }
  if (auto paths = detached_paths(loaded.service->name, environment_value, ::geteuid() == 0)) {
    plan.pidfile = paths->pidfile.string();
  }
  return plan;
}

PidfileProbe probe_pidfile(const std::filesystem::path& pidfile) {
  PidfileProbe probe;
  const int fd = ::open(pidfile.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    probe.exists = errno != ENOENT;
    return probe;
  }
  probe.exists = true;
  char text[32] = {};
  if (::read(fd, text, sizeof text - 1) > 0) probe.pid = std::atoi(text);
  // A shared lock conflicts with the watchdog's exclusive one; released at close at once.
  probe.locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return probe;
}

std::optional<int> control_detached_watchdog(const std::string& file_or_name, ControlAction action,
                                             std::ostream& out, std::ostream& err) {
  std::string name = file_or_name;
  std::string manifest_path;
  std::optional<std::chrono::milliseconds> stop_timeout;
  if (names_a_file(file_or_name)) {
    const auto loaded = load_manifest_file(file_or_name, host_os());
    if (!loaded.service) return std::nullopt;  // the caller reports the manifest's problems
    name = loaded.service->name;
    std::error_code ec;
    manifest_path = std::filesystem::absolute(file_or_name, ec).lexically_normal().string();
    stop_timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(loaded.service->stop.timeout);
  }
  std::filesystem::path pidfile;
  PidfileProbe probe;
  for (const auto& candidate : pidfile_candidates(name)) {
    probe = probe_pidfile(candidate);
    if (probe.locked) {
      pidfile = candidate;
      break;
    }
  }
  if (pidfile.empty()) return std::nullopt;

  const auto paths = paths_for_pidfile(pidfile, environment_value, ::geteuid() == 0);
  const auto state = read_state_file_in(paths.state_directory);
  if (manifest_path.empty() && state && state->watchdog_pid == probe.pid) {
    manifest_path = state->manifest;
  }
  if (!stop_timeout && !manifest_path.empty()) {
    const auto loaded = load_manifest_file(manifest_path, host_os());
    if (loaded.service) {
      stop_timeout =
          std::chrono::duration_cast<std::chrono::milliseconds>(loaded.service->stop.timeout);
    }
  }
  // stop.timeout = "infinity": the watchdog never kills, so the wait is as long as it takes.
  const bool wait_forever = stop_timeout && is_infinite(*stop_timeout);
  const auto wait_limit = wait_forever ? std::chrono::milliseconds(std::chrono::hours(24 * 366))
                                       : stop_timeout.value_or(kDefaultStopTimeout) + kStopMargin;
  const std::string who =
      name + " (detached watchdog pid " + std::to_string(probe.pid) + ", " + pidfile.string() + ")";
  if (probe.pid <= 0) {
    err << "daemonize: " << pidfile.string() << " is locked but names no pid\n";
    return exit_code::unavailable;
  }

  // `keep_down`: a stop (not a restart) leaves a final marker, written before the signal so
  // that the crontab's next line finds it as soon as the lock is free.
  auto stop = [&](bool keep_down) -> int {
    if (keep_down) {
      FinalMarker marker;
      marker.reason = "stopped";
      marker.at = format_rfc3339(std::chrono::system_clock::now());
      marker.boot_id = current_boot_id();
      marker.manifest = manifest_path;
      marker.manifest_digest = manifest_path.empty() ? "" : manifest_file_digest(manifest_path);
      if (auto error = write_final_marker(paths.state_directory, marker); !error.empty()) {
        err << "daemonize: warning: " << error << "; the crontab may start " << name << " again\n";
      }
    }
    if (::kill(probe.pid, SIGTERM) != 0 && errno != ESRCH) {
      const int error = errno;
      if (keep_down) remove_final_marker(paths.state_directory);
      err << "daemonize: cannot signal " << who << ": " << std::strerror(error) << '\n';
      return error == EPERM ? exit_code::no_permission : exit_code::unavailable;
    }
    if (!wait_until_unlocked(pidfile, wait_limit)) {
      err << "daemonize: " << who << " did not exit within "
          << std::chrono::duration_cast<std::chrono::seconds>(wait_limit).count()
          << " s (stop.timeout + 5 s); it still holds its pidfile lock\n";
      return exit_code::unavailable;
    }
    out << name << ": stopped (watchdog pid " << probe.pid << ")\n";
    return exit_code::success;
  };

  switch (action) {
    case ControlAction::start:
      out << name << ": already running (pid " << probe.pid << ")\n";
      return exit_code::success;
    case ControlAction::stop:
      return stop(/*keep_down=*/true);
    case ControlAction::reload:
      if (::kill(probe.pid, SIGHUP) != 0) {
        err << "daemonize: cannot signal " << who << ": " << std::strerror(errno) << '\n';
        return exit_code::unavailable;
      }
      out << name << ": reload requested (SIGHUP to watchdog pid " << probe.pid << ")\n";
      return exit_code::success;
    case ControlAction::restart: {
      if (manifest_path.empty()) {
        err << "daemonize: cannot restart " << who
            << ": its manifest is unknown (no state file); stop it and run it again\n";
        return exit_code::unavailable;
      }
      if (const int code = stop(/*keep_down=*/false); code != exit_code::success) return code;
      return run_detached_again(manifest_path);
    }
  }
  return std::nullopt;
}

std::optional<ClearedFinalMarker> clear_detached_final_marker(const std::string& file_or_name) {
  std::string name = file_or_name;
  if (names_a_file(file_or_name)) {
    const auto loaded = load_manifest_file(file_or_name, host_os());
    if (!loaded.service) return std::nullopt;
    name = loaded.service->name;
  }
  std::optional<ClearedFinalMarker> cleared;
  for (const auto& candidate : pidfile_candidates(name)) {
    const auto directory =
        paths_for_pidfile(candidate, environment_value, ::geteuid() == 0).state_directory;
    auto marker = read_final_marker(directory);
    if (!marker || !remove_final_marker(directory)) continue;
    if (!cleared) cleared = ClearedFinalMarker{name, candidate, std::move(*marker)};
  }
  return cleared;
}

int start_detached_watchdog(const std::string& manifest_path,
                            const std::filesystem::path& pidfile) {
  return run_detached_again(manifest_path, pidfile.string());
}

}  // namespace daemonize
