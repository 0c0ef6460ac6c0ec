// `daemonize run --detach --pidfile PATH`: the classic double fork, and a locked pidfile.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/watchdog/run.hpp"

namespace daemonize {

int prepare_process(const std::string& pidfile, bool detach, std::string& error) {
  int pid_fd = -1;
  if (!pidfile.empty()) {
    // CLOEXEC: the child never inherits it, so the lock ends with the watchdog.
    pid_fd = ::open(pidfile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (pid_fd < 0) {
      error = "cannot open pidfile " + pidfile + ": " + std::strerror(errno);
      return exit_code::cannot_create;
    }
    if (::flock(pid_fd, LOCK_EX | LOCK_NB) != 0) {
      error = "pidfile " + pidfile + " is locked: the service is already running";
      return exit_code::unavailable;
    }
  }
  int ready[2] = {-1, -1};
  if (detach) {
    if (::pipe2(ready, O_CLOEXEC) != 0) {
      error = std::string("pipe: ") + std::strerror(errno);
      return exit_code::software;
    }
    const pid_t first = ::fork();
    if (first < 0) {
      error = std::string("fork: ") + std::strerror(errno);
      return exit_code::software;
    }
    if (first > 0) {
      // The caller: leave once the daemon has written its pidfile.
      ::close(ready[1]);
      char byte = 0;
      const auto n = ::read(ready[0], &byte, 1);
      std::_Exit(n == 1 ? exit_code::success : exit_code::software);
    }
    ::close(ready[0]);
    ::setsid();
    const pid_t second = ::fork();
    if (second < 0) std::_Exit(exit_code::software);
    if (second > 0) std::_Exit(exit_code::success);
    if (::chdir("/") != 0) std::_Exit(exit_code::software);
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      ::dup2(null_fd, 0);
      ::dup2(null_fd, 1);
      ::dup2(null_fd, 2);
      if (null_fd > 2) ::close(null_fd);
    }
  }
  if (pid_fd >= 0) {
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(pid_fd, 0) != 0 || ::pwrite(pid_fd, text.data(), text.size(), 0) < 0) {
      error = "cannot write pidfile " + pidfile + ": " + std::strerror(errno);
      if (detach) std::_Exit(exit_code::cannot_create);
      return exit_code::cannot_create;
    }
  }
  if (detach) {
    const char byte = 1;
    [[maybe_unused]] auto written = ::write(ready[1], &byte, 1);
    ::close(ready[1]);
  }
  return exit_code::success;
}

}  // namespace daemonize
