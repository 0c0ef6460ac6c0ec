// Windows has no `run --detach` (the SCM or Task Scheduler own the process): the pidfile given
// with --pidfile is used as is, and start/stop always go to the service manager.
#include "daemonize/watchdog/detached.hpp"

#include "daemonize/core/exit_codes.hpp"

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

}  // namespace daemonize
