// [service] type = "notify": one datagram of the sd_notify protocol, as the program sends it to
// the NOTIFY_SOCKET the watchdog gives it ("READY=1\nSTATUS=serving\n"). Newline-separated
// KEY=VALUE assignments; the watchdog reads READY=1, STATUS=, MAINPID= and STOPPING=1 and
// ignores the rest (WATCHDOG=1, RELOADING=1, ERRNO=, FDSTORE=...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace daemonize {

struct NotifyMessage {
  bool ready = false;
  bool stopping = false;
  std::optional<std::string> status;
  std::optional<int> main_pid;  // a valid pid (> 0), else not set
};

[[nodiscard]] NotifyMessage parse_notify_message(std::string_view datagram);

}  // namespace daemonize
