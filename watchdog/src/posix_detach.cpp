// `daemonize run FILE --detach [--pidfile PATH]`: the classic double fork around a locked
// pidfile. The caller returns once the daemon holds the lock and its child has started (exit 0),
// or says why not; a second `run --detach` while the lock is held exits 0, starting nothing, and
// so does one after the watchdog ended for good (its final marker holds, final_marker.hpp).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/watchdog/detached.hpp"
#include "daemonize/watchdog/final_marker.hpp"
#include "daemonize/watchdog/run.hpp"

namespace daemonize {
namespace {

// The daemon's end of the socket its starter waits on (-1 once reported, or not detached).
int g_start_report_fd = -1;

// How long the caller waits for the daemon's first child before returning anyway.
constexpr auto kChildStartWait = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(20);

std::optional<std::string> environment_value(const std::string& name) {
  if (const char* value = std::getenv(name.c_str())) return std::string(value);
  return std::nullopt;
}

int read_pid(int fd) {
  char text[32] = {};
  const auto n = ::pread(fd, text, sizeof text - 1, 0);
  return n > 0 ? std::atoi(text) : 0;
}

// Every descriptor except stdio and `keep` (the pidfile lock, the readiness pipe).
void close_inherited_descriptors(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned first = 3;
  for (const int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > first) ::close_range(first, static_cast<unsigned>(fd) - 1, 0);
    first = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(first, UINT_MAX, 0);
}

// What the daemon wrote to its log since `offset`, the last `max_lines` lines of it.
std::string log_tail(const std::filesystem::path& log_file, std::streamoff offset, int max_lines) {
  std::ifstream in(log_file, std::ios::binary);
  if (!in) return "";
  in.seekg(offset);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string text;
  const auto begin =
      lines.size() > static_cast<std::size_t>(max_lines) ? lines.end() - max_lines : lines.begin();
  for (auto it = begin; it != lines.end(); ++it) text += "daemonize:   " + *it + "\n";
  return text;
}

// The original process: wait for the daemon's pid (sent once it holds the pidfile), then for
// its first child in the state file. Never returns.
[[noreturn]] void report_daemon_start(int ready_fd, const DetachedPaths& paths,
                                      std::streamoff log_offset) {
  const std::string name = paths.pidfile.stem().string();
  int daemon_pid = 0;
  const auto n = ::read(ready_fd, &daemon_pid, sizeof daemon_pid);
  if (n != static_cast<ssize_t>(sizeof daemon_pid)) {
    std::cerr << "daemonize: the detached watchdog of " << name << " did not start; its log "
              << paths.log_file.string() << " says:\n"
              << log_tail(paths.log_file, log_offset, 20) << std::flush;
    std::_Exit(exit_code::unavailable);
  }
  const auto deadline = std::chrono::steady_clock::now() + kChildStartWait;
  std::string last_state = "none yet";
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto record = read_state_file_in(paths.state_directory);
        record && record->watchdog_pid == daemon_pid) {
      last_state = record->state;
      if (record->pid > 0) {
        std::cout << name << ": started (watchdog pid " << daemon_pid << ", child pid "
                  << record->pid << ")" << std::endl;
        std::_Exit(exit_code::success);
      }
    }
    if (!probe_pidfile(paths.pidfile).locked) {
      // The daemon sent its exit code before it let go of the lock (report_detached_exit).
      int code = 0;
      const bool told = ::read(ready_fd, &code, sizeof code) == static_cast<ssize_t>(sizeof code);
      if (!told || code <= 0 || code > 255) code = exit_code::unavailable;
      std::cerr << "daemonize: the detached watchdog of " << name << " (pid " << daemon_pid
                << ") exited during start-up with " << code << " (last state: " << last_state
                << "); its log " << paths.log_file.string() << " says:\n"
                << log_tail(paths.log_file, log_offset, 20) << std::flush;
      std::_Exit(code);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  std::cout << name << ": started (watchdog pid " << daemon_pid << "); no child yet after "
            << kChildStartWait.count() << " s (state: " << last_state << ", see "
            << paths.state_directory.string() << ")" << std::endl;
  std::_Exit(exit_code::success);
}

}  // namespace

int prepare_process(const std::string& pidfile, bool detach, const std::string& manifest_path,
                    std::string& error) {
  if (detach && pidfile.empty()) {
    error =
        "run --detach: no pidfile to lock (the manifest does not load, or neither HOME nor "
        "XDG_STATE_HOME is set); fix the manifest or pass --pidfile PATH";
    return exit_code::data_error;
  }
  const auto paths = paths_for_pidfile(pidfile, environment_value, ::geteuid() == 0);
  int pid_fd = -1;
  if (!pidfile.empty()) {
    std::error_code ignored;
    std::filesystem::create_directories(paths.pidfile.parent_path(), ignored);
    // CLOEXEC: the child never inherits it, so the lock ends with the watchdog.
    pid_fd = ::open(pidfile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (pid_fd < 0) {
      error = "cannot open pidfile " + pidfile + ": " + std::strerror(errno);
      return exit_code::cannot_create;
    }
    if (::flock(pid_fd, LOCK_EX | LOCK_NB) != 0) {
      const int holder = read_pid(pid_fd);
      if (detach) {
        // The cron line runs every minute: an instance that holds the lock is success.
        std::cout << paths.pidfile.stem().string() << ": already running (pid " << holder << ")"
                  << std::endl;
        std::_Exit(exit_code::success);
      }
      error = "pidfile " + pidfile + " is locked: the service is already running (pid " +
              std::to_string(holder) + ")";
      return exit_code::unavailable;
    }
  }
  if (detach) {
    // Checked under the lock. Quiet like "already running": the crontab's lines discard stdout.
    if (const auto marker = holding_final_marker(paths.state_directory, manifest_path)) {
      const std::string name = paths.pidfile.stem().string();
      std::cout << name << ": not started: " << describe_final_marker(*marker) << " (see "
                << (paths.state_directory / kFinalMarkerName).string() << "); `daemonize start "
                << name << "` starts it" << std::endl;
      std::_Exit(exit_code::success);
    }
  }
  if (!detach) {
    if (pid_fd < 0) return exit_code::success;
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(pid_fd, 0) != 0 || ::pwrite(pid_fd, text.data(), text.size(), 0) < 0) {
      error = "cannot write pidfile " + pidfile + ": " + std::strerror(errno);
      return exit_code::cannot_create;
    }
    return exit_code::success;
  }

  std::error_code ec;
  std::filesystem::create_directories(paths.log_file.parent_path(), ec);
  const int log_fd =
      ::open(paths.log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (log_fd < 0) {
    error = "cannot open the watchdog log " + paths.log_file.string() + ": " + std::strerror(errno);
    return exit_code::cannot_create;
  }
  const std::streamoff log_offset = ::lseek(log_fd, 0, SEEK_END);
  // A socket, not a pipe: the daemon's late report must not raise SIGPIPE once nobody reads.
  int ready[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ready) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    return exit_code::software;
  }
  std::cout.flush();
  std::cerr.flush();
  const pid_t first = ::fork();
  if (first < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return exit_code::software;
  }
  if (first > 0) {
    // The caller only waits for the report: a stop (Ctrl-C) ends it at once, as always.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGHUP);
    ::pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    // The daemon's copies keep the lock and the pipe's write end.
    ::close(ready[1]);
    ::close(pid_fd);
    ::close(log_fd);
    int ignored_status = 0;
    ::waitpid(first, &ignored_status, 0);  // the intermediate process exits at once
    report_daemon_start(ready[0], paths, log_offset);
  }
  ::close(ready[0]);
  ::setsid();  // no controlling terminal: a closed terminal or session sends it no SIGHUP
  const pid_t second = ::fork();
  if (second < 0) std::_Exit(exit_code::software);
  if (second > 0) std::_Exit(exit_code::success);
  // The daemon: not a session leader, so it can never acquire a terminal again.
  if (::chdir("/") != 0) std::_Exit(exit_code::software);
  ::umask(022);  // the program gets the manifest's umask at spawn (launch plan)
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) {
    std::_Exit(exit_code::software);
  }
  close_inherited_descriptors({pid_fd, ready[1]});
  // The state directory must not depend on the login session either.
  if (!environment_value("RUNTIME_DIRECTORY")) {
    ::setenv("RUNTIME_DIRECTORY", paths.state_directory.c_str(), 1);
  }
  const int self = ::getpid();
  const std::string text = std::to_string(self) + "\n";
  if (::ftruncate(pid_fd, 0) != 0 || ::pwrite(pid_fd, text.data(), text.size(), 0) < 0) {
    std::cerr << "daemonize: cannot write pidfile " << pidfile << ": " << std::strerror(errno)
              << std::endl;
    std::_Exit(exit_code::cannot_create);
  }
  [[maybe_unused]] const auto sent = ::send(ready[1], &self, sizeof self, MSG_NOSIGNAL);
  g_start_report_fd = ready[1];  // kept for report_detached_exit
  return exit_code::success;
}

void report_detached_exit(int code) {
  if (g_start_report_fd < 0) return;
  [[maybe_unused]] const auto sent =
      ::send(g_start_report_fd, &code, sizeof code, MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(g_start_report_fd);
  g_start_report_fd = -1;
}

}  // namespace daemonize
