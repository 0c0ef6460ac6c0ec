// The time the SCM grants a stopping windows-service: one figure that the renderer installs
// (backends/windows, SERVICE_PRESHUTDOWN_INFO) and the watchdog's service host reports (the
// STOP_PENDING wait hint), so both live here. No Windows SDK needed.
#pragma once

#include <chrono>

#include "daemonize/core/model.hpp"

namespace daemonize::windows {

// stop.timeout = "infinity" on Windows: the SCM needs a wait hint and a pre-shutdown time, so
// the watchdog waits this long (Windows' own default pre-shutdown time) and validate warns.
inline constexpr std::chrono::milliseconds kInfiniteStopTimeout = std::chrono::minutes(3);

// stop.timeout as Windows carries it out.
[[nodiscard]] inline Duration stop_timeout(Duration timeout) {
  return is_infinite(timeout) ? kInfiniteStopTimeout : timeout;
}

// Time the SCM waits for the service after PRESHUTDOWN (SERVICE_PRESHUTDOWN_INFO, set at
// install): stop.timeout plus 15 s for the watchdog's own shutdown. The STOP_PENDING wait hint
// uses the same budget.
[[nodiscard]] inline std::chrono::milliseconds preshutdown_timeout(Duration stop_timeout) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(windows::stop_timeout(stop_timeout) +
                                                               std::chrono::seconds(15));
}

}  // namespace daemonize::windows
