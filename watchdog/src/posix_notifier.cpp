// sd_notify written directly: one datagram to $NOTIFY_SOCKET. The protocol is documented as
// stable (sd_notify(3), "Notes"), and doing it here keeps libsystemd, and the compression and
// crypto libraries it pulls in, out of every watchdog's address space.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "logging.hpp"
#include "notifier.hpp"

namespace daemonize {
namespace {

// A decimal environment variable, nullopt when absent or not a whole number.
std::optional<unsigned long long> unsigned_from_environment(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  const std::string_view view(text);
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error != std::errc{} || end != view.data() + view.size()) return std::nullopt;
  return value;
}

// 0 on success, else an errno value, as sd_notify's negative result.
int send_datagram(std::string_view socket_path, const std::string& state) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // An absolute path, or "@name" for the abstract namespace (a leading NUL, no terminator).
  if (socket_path.size() < 2 || (socket_path[0] != '/' && socket_path[0] != '@'))
    return EAFNOSUPPORT;
  if (socket_path.size() >= sizeof(address.sun_path)) return ENAMETOOLONG;
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  if (socket_path[0] == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size() +
                                             (socket_path[0] == '/' ? 1 : 0));
  const int descriptor = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (descriptor < 0) return errno;
  const ssize_t sent = ::sendto(descriptor, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  const int error = sent < 0 ? errno : 0;
  ::close(descriptor);
  return error;
}

}  // namespace

ServiceManagerNotifier::ServiceManagerNotifier() {
  if (const char* socket = std::getenv("NOTIFY_SOCKET")) socket_ = socket;
  enabled_ = !socket_.empty();
  if (!enabled_) return;
  // WATCHDOG_USEC applies to us only when WATCHDOG_PID is unset or names this process.
  const auto pid = unsigned_from_environment("WATCHDOG_PID");
  if (std::getenv("WATCHDOG_PID") != nullptr &&
      (!pid || *pid != static_cast<unsigned long long>(::getpid()))) {
    return;
  }
  const auto usec = unsigned_from_environment("WATCHDOG_USEC");
  if (usec && *usec > 0) watchdog_interval_ = std::chrono::microseconds(*usec);
}

void ServiceManagerNotifier::send(const std::string& state) {
  if (!enabled_) return;
  const int error = send_datagram(socket_, state);
  // Said once: a service manager that stopped listening must not flood the log.
  if (error != 0 && !failure_reported_) {
    failure_reported_ = true;
    watchdog_log::warning("sd_notify(" + state + ") to " + socket_ +
                          " failed: " + std::strerror(error));
  }
}

}  // namespace daemonize
