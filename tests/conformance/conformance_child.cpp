// The program every conformance row supervises (POSIX). Its behaviour comes from its arguments,
// and it reports what happened to it as lines appended to an events file, which the suite reads
// from whichever runtime ran it (host, container, launchd model):
//
//   conformance_child --events FILE [--plan SECS:OUTCOME,...] [--stop exit|ignore]
//                     [--env NAME]... [--print] [--listen PORT --listen-after SECS]
//                     [--grandchild]
//
// --plan gives, per start (the n-th entry for the n-th start, the last one repeating), how long
// to run and how to end: an exit code, `kill` (SIGKILL itself: "killed by a signal") or `run`
// (keep running). Events: `start PID N`, `env NAME=VALUE|NAME unset`, `uid N`,
// `signal NAME PID`, `grandchild PID`, `listening PORT`, `exit OUTCOME`.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
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
      for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2})
        ::signal(signal, SIG_IGN);
      for (;;) ::pause();
    }
    append_event("grandchild " + std::to_string(pid));
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
