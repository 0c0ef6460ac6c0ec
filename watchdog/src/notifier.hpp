// The service-manager handshake (sd_notify): READY=1, STATUS=, STOPPING=1, WATCHDOG=1.
// Does nothing when NOTIFY_SOCKET is absent.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace daemonize {

class ServiceManagerNotifier {
 public:
  ServiceManagerNotifier();
  [[nodiscard]] bool enabled() const { return enabled_; }
  void send(const std::string& state);
  // WATCHDOG_USEC when it applies to this process (WATCHDOG_PID unset or ours).
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const {
    return watchdog_interval_;
  }

 private:
  std::string socket_;  // $NOTIFY_SOCKET as read at start-up
  bool enabled_ = false;
  bool failure_reported_ = false;
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

}  // namespace daemonize
