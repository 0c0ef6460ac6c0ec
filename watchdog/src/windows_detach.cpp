// Windows has no `run --detach` (the SCM or Task Scheduler own the process): the pidfile given
// with --pidfile is used as is.
#include "daemonize/watchdog/detached.hpp"

namespace daemonize {

RunProcessPlan plan_run_process(const std::string& manifest_path, const std::string& pidfile,
                                bool /*detach*/) {
  return {manifest_path, pidfile};
}

}  // namespace daemonize
