// Windows has no `run --detach` (the SCM or Task Scheduler own the process): the pidfile given
// with --pidfile is used as is, and start/stop always go to the service manager.
#include "daemonize/watchdog/detached.hpp"

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

}  // namespace daemonize
