#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>

#include "logging.hpp"
#include "notifier.hpp"

namespace daemonize {

ServiceManagerNotifier::ServiceManagerNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  if (enabled_ && ::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec);
  }
}

void ServiceManagerNotifier::send(const std::string& state) {
  if (!enabled_) return;
  const int result = ::sd_notify(0, state.c_str());
  // Said once: a service manager that stopped listening must not flood the log.
  if (result < 0 && !failure_reported_) {
    failure_reported_ = true;
    watchdog_log::warning("sd_notify(" + state + ") failed: " + std::strerror(-result));
  }
}

}  // namespace daemonize
