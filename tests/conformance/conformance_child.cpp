// The program every conformance row supervises (POSIX). Its behaviour comes from its arguments,
// and it reports what happened to it as lines appended to an events file, which the suite reads
// from whichever runtime ran it (host, container, launchd model):
//
//   conformance_child --events FILE [--plan SECS:OUTCOME,...] [--stop exit|ignore]
//                     [--env NAME]... [--print] [--listen PORT --listen-after SECS]
//                     [--grandchild | --grandchild-records] [--pid-file FILE [--launcher-exit CODE]
//                     [--pid-file-after SECS] [--launcher-no-wait]] [--notify-after SECS]
//
// --plan gives, per start (the n-th entry for the n-th start, the last one repeating), how long
// to run and how to end: an exit code, `kill` (SIGKILL itself: "killed by a signal") or `run`
// (keep running). Events: `start PID N`, `env NAME=VALUE|NAME unset`, `uid N`,
// `signal NAME PID`, `grandchild PID`, `listening PORT`, `exit OUTCOME`.
//
// --pid-file makes it a classic self-daemonizing program: the launcher forks, the child calls
// setsid() and forks the daemon, which writes its pid to FILE (after --pid-file-after seconds)
// and runs the plan; the launcher exits with --launcher-exit (default 0) once the file is
// written, or at once with --launcher-no-wait (`launcher PID`, `daemon PID`). --notify-after sends
// READY=1 and a STATUS= to $NOTIFY_SOCKET after SECS (`notified READY=1`, or `notify-socket
// unset`).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "conformance_child_options.hpp"

namespace {

std::string events_path;
bool ignore_stop = false;
volatile sig_atomic_t stop_requested = 0;

// Each line ends with the wall-clock time (` t=SECONDS.MICROS`), comparable across processes.
void append_event(const std::string& line) {
  const int fd = ::open(events_path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0666);
  if (fd < 0) return;
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  char stamp[48];
  const int length = std::snprintf(stamp, sizeof stamp, " t=%lld.%06ld\n",
                                   static_cast<long long>(now.tv_sec), now.tv_nsec / 1000);
  const std::string text = line + std::string(stamp, static_cast<std::size_t>(length));
  // One write of a short line to an O_APPEND file: never interleaved with another process's.
  [[maybe_unused]] const auto written = ::write(fd, text.data(), text.size());
  ::close(fd);
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGTERM:
      return "TERM";
    case SIGINT:
      return "INT";
    case SIGHUP:
      return "HUP";
    case SIGQUIT:
      return "QUIT";
    case SIGUSR1:
      return "USR1";
    case SIGUSR2:
      return "USR2";
    default:
      return "OTHER";
  }
}

void on_signal(int signal) {
  // Async-signal-safe: open/write/close only.
  char line[64];
  const int length = std::snprintf(line, sizeof line, "signal %s %d", signal_name(signal),
                                   static_cast<int>(::getpid()));
  if (length > 0) append_event(std::string(line, static_cast<std::size_t>(length)));
  if (!ignore_stop) stop_requested = 1;
}

int listen_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 16) != 0) {
    append_event("listen-failed " + std::to_string(port) + " " + std::strerror(errno));
    return -1;
  }
  return fd;
}

// Sleeps in small steps so that a stop request ends the wait.
bool sleep_unless_stopped(double seconds) {
  for (double slept = 0; seconds < 0 || slept < seconds; slept += 0.05) {
    if (stop_requested) return false;
    ::usleep(50 * 1000);
  }
  return true;
}

// The launcher's part of --pid-file: returns in the daemon (with its new pid written), exits in
// the launcher and in the intermediate process.
void become_daemon(const conformance::ChildOptions& options) {
  int ready[2];
  if (::pipe(ready) != 0) std::exit(70);
  const pid_t child = ::fork();
  if (child < 0) std::exit(71);
  if (child > 0) {
    ::close(ready[1]);
    char byte = 0;
    // The daemon writes one byte once the pid file exists.
    if (!options.launcher_no_wait) [[maybe_unused]]
      const auto got = ::read(ready[0], &byte, 1);
    append_event("launcher " + std::to_string(::getpid()) + " exit " +
                 std::to_string(options.launcher_exit));
    std::_Exit(options.launcher_exit);
  }
  ::close(ready[0]);
  ::setsid();
  const pid_t daemon = ::fork();
  if (daemon < 0) std::_Exit(72);
  if (daemon > 0) std::_Exit(0);
  sleep_unless_stopped(options.pid_file_after);
  const std::string text = std::to_string(::getpid()) + "\n";
  const std::string temporary = options.pid_file + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    [[maybe_unused]] const auto written = ::write(fd, text.data(), text.size());
    ::close(fd);
    ::rename(temporary.c_str(), options.pid_file.c_str());
  }
  append_event("daemon " + std::to_string(::getpid()));
  ::signal(SIGPIPE, SIG_IGN);  // with --launcher-no-wait nobody reads the pipe any more
  [[maybe_unused]] const auto wrote = ::write(ready[1], "x", 1);
  ::close(ready[1]);
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::close(null);
  }
}

// sd_notify without libsystemd: one datagram to $NOTIFY_SOCKET ('@' = abstract namespace).
void notify_ready() {
  const char* socket_path = std::getenv("NOTIFY_SOCKET");
  if (socket_path == nullptr || *socket_path == '\0') {
    append_event("notify-socket unset");
    return;
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = socket_path;
  std::memcpy(address.sun_path, path.data(), std::min(path.size(), sizeof address.sun_path - 1));
  if (path.front() == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  const std::string message = "STATUS=warming up done\nREADY=1\n";
  const auto sent = ::sendto(fd, message.data(), message.size(), 0,
                             reinterpret_cast<sockaddr*>(&address), length);
  ::close(fd);
  append_event(sent >= 0 ? "notified READY=1"
                         : std::string("notify-failed ") + std::strerror(errno));
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = conformance::parse_options(argc, argv);
  events_path = options.events_path;
  ignore_stop = options.ignore_stop;
  if (events_path.empty()) {
    std::fputs("conformance_child: --events FILE is required\n", stderr);
    return 64;
  }
  if (!options.hook.empty()) {  // a [hooks] command: no start of the program
    append_event("hook " + options.hook);
    return 0;
  }
  for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
  }
  const int start = conformance::count_starts(events_path) + 1;
  append_event("start " + std::to_string(::getpid()) + " " + std::to_string(start));
  if (!options.pid_file.empty()) become_daemon(options);
  append_event("uid " + std::to_string(::getuid()));
  for (const auto& name : options.env_names) {
    const char* value = std::getenv(name.c_str());
    append_event(value ? "env " + name + "=" + value : "env " + name + " unset");
  }
  if (options.print) {
    std::printf("stdout-line %d\n", start);
    std::fflush(stdout);
    std::fprintf(stderr, "stderr-line %d\n", start);
  }
  if (options.grandchild) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      // Stays in the process group and ignores the stop signals: only a tree kill ends it.
      // With --grandchild-records it records each one (`signal NAME PID`) and still runs.
      ignore_stop = true;
      for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
        if (options.grandchild_records) continue;  // on_signal stays installed
        ::signal(signal, SIG_IGN);
      }
      for (;;) ::pause();
    }
    append_event("grandchild " + std::to_string(pid));
  }
  if (options.notify_after >= 0) {
    if (!sleep_unless_stopped(options.notify_after)) return 0;
    notify_ready();
  }
  const auto step = conformance::step_for_start(options.plan, start);
  int listener = -1;
  if (options.port > 0) {
    if (!sleep_unless_stopped(options.listen_after)) return 0;
    listener = listen_on(options.port);
    if (listener >= 0) append_event("listening " + std::to_string(options.port));
  }
  if (!sleep_unless_stopped(step.outcome == "run" ? -1 : step.seconds)) {
    return 0;
  }
  if (listener >= 0) ::close(listener);
  if (step.outcome == "kill") ::raise(SIGKILL);
  append_event("exit " + step.outcome);
  return std::atoi(step.outcome.c_str());
}
