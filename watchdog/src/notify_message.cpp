#include "daemonize/watchdog/notify_message.hpp"

#include <charconv>

namespace daemonize {

NotifyMessage parse_notify_message(std::string_view datagram) {
  NotifyMessage message;
  while (!datagram.empty()) {
    const auto end = datagram.find('\n');
    const auto line = datagram.substr(0, end);
    datagram = end == std::string_view::npos ? std::string_view{} : datagram.substr(end + 1);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const auto key = line.substr(0, equals);
    const auto value = line.substr(equals + 1);
    if (key == "READY") {
      message.ready = message.ready || value == "1";
    } else if (key == "STOPPING") {
      message.stopping = message.stopping || value == "1";
    } else if (key == "STATUS") {
      message.status = std::string(value);
    } else if (key == "MAINPID") {
      int pid = 0;
      const auto [rest, error] = std::from_chars(value.data(), value.data() + value.size(), pid);
      if (error == std::errc{} && rest == value.data() + value.size() && pid > 0) {
        message.main_pid = pid;
      }
    }
  }
  return message;
}

}  // namespace daemonize
