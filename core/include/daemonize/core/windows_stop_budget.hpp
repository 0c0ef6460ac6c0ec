// The time the SCM grants a stopping windows-service: one figure that the renderer installs
// (backends/windows, SERVICE_PRESHUTDOWN_INFO) and the watchdog's service host reports (the
// STOP_PENDING wait hint), so both live here. No Windows SDK needed.
#pragma once

#include <chrono>

#include "daemonize/core/model.hpp"

namespace daemonize::windows {

// Time the SCM waits for the service after PRESHUTDOWN (SERVICE_PRESHUTDOWN_INFO, set at
// install): stop.timeout plus 15 s for the watchdog's own shutdown. The STOP_PENDING wait hint
// uses the same budget.
[[nodiscard]] inline std::chrono::milliseconds preshutdown_timeout(Duration stop_timeout) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(stop_timeout +
                                                               std::chrono::seconds(15));
}

}  // namespace daemonize::windows
