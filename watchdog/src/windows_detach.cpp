// Windows has no `run --detach` (the SCM or Task Scheduler own the process): the pidfile given
// with --pidfile is written as is (no lock), and start/stop always go to the service manager.
#include <windows.h>

#include <fstream>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/watchdog/detached.hpp"
#include "daemonize/watchdog/run.hpp"
#include "windows_runtime.hpp"

namespace daemonize {

RunProcessPlan plan_run_process(const std::string& manifest_path, const std::string& pidfile,
                                bool /*detach*/) {
  return {manifest_path, pidfile};
}

std::optional<int> control_detached_watchdog(const std::string& /*file_or_name*/,
                                             ControlAction /*action*/, std::ostream& /*out*/,
                                             std::ostream& /*err*/) {
  return std::nullopt;
}

std::optional<ClearedFinalMarker> clear_detached_final_marker(const std::string& /*file_or_name*/) {
  return std::nullopt;
}

int start_detached_watchdog(const std::string& /*manifest_path*/,
                            const std::filesystem::path& /*pidfile*/) {
  return exit_code::usage;
}

void report_detached_exit(int /*code*/) {}  // --detach is refused on Windows

int prepare_process(const std::string& pidfile, bool detach, const std::string& /*manifest_path*/,
                    std::string& error) {
  if (detach) {
    error =
        "--detach is not available on Windows: install the service with `daemonize deploy` "
        "(the SCM runs `daemonize.exe run --service`)";
    return exit_code::usage;
  }
  if (!pidfile.empty()) {
    std::ofstream out(windows::to_path(pidfile), std::ios::trunc);
    out << GetCurrentProcessId() << '\n';
    if (!out) {
      error = "cannot write pidfile " + pidfile;
      return exit_code::cannot_create;
    }
  }
  return 0;
}

}  // namespace daemonize
