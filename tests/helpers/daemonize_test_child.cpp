// One small program, several behaviours, for the watchdog's integration tests:
//   exit N                  exit with code N at once
//   crash                   raise SIGSEGV at start
//   sleep                   sleep until signalled
//   ignore-term [N]         ignore SIGTERM; with N, first fork N grandchildren that each call
//                           setsid() and ignore SIGTERM too; then sleep forever
//   double-fork             fork, the child forks a sleeping grandchild (setsid) and both
//                           intermediate processes exit; the main process then sleeps
//   print FILE              write argv and the environment to FILE, NUL-separated:
//                           "argc\0arg0\0...\0", "env\0K=V\0...", "fds\0N\0...", then sleep
//   slow-stop MS            on SIGTERM wait MS milliseconds, then exit 0
//   write-pid FILE          append "PID\n" to FILE, then sleep (counts spawns, gives pids)
//   log-exit FILE N         append "PID CLOCK_MONOTONIC_NS\n" to FILE, then exit N (timing)
//   fork-group N            fork N sleeping children that stay in the process group, then sleep
//   listen-after MS PORT    sleep MS milliseconds, then listen on 127.0.0.1:PORT (a slow starter)
// Every mode that sleeps may first record its pid: set DZ_PID_FILE to a path.
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

extern char** environ;

namespace {

[[noreturn]] void sleep_forever() {
  for (;;) ::pause();
}

void append_line(const char* path, const std::string& line) {
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) std::_Exit(90);
  const std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) < 0) std::_Exit(91);
  ::close(fd);
}

void record_pid() {
  const char* path = std::getenv("DZ_PID_FILE");
  if (path && *path) append_line(path, std::to_string(::getpid()));
}

long slow_stop_ms = 0;
volatile std::sig_atomic_t stop_requested = 0;
void on_term(int) { stop_requested = 1; }

int usage() {
  std::fprintf(stderr,
               "usage: daemonize_test_child exit N|crash|sleep|ignore-term [N]|"
               "double-fork|print FILE|slow-stop MS|write-pid FILE\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  if (mode == "exit" && argc == 3) return std::atoi(argv[2]);
  if (mode == "crash") {
    std::raise(SIGSEGV);
    return 1;
  }
  if (mode == "sleep") {
    record_pid();
    sleep_forever();
  }
  if (mode == "ignore-term") {
    std::signal(SIGTERM, SIG_IGN);
    const int grandchildren = argc >= 3 ? std::atoi(argv[2]) : 0;
    for (int i = 0; i < grandchildren; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::setsid();
        record_pid();
        sleep_forever();  // SIGTERM stays ignored across fork
      }
    }
    record_pid();
    sleep_forever();
  }
  if (mode == "double-fork") {
    const pid_t first = ::fork();
    if (first == 0) {
      if (::fork() == 0) {
        ::setsid();
        std::signal(SIGTERM, SIG_IGN);
        record_pid();
        sleep_forever();
      }
      std::_Exit(0);
    }
    record_pid();
    sleep_forever();
  }
  if (mode == "print" && argc >= 3) {
    std::string out = std::to_string(argc) + '\0';
    for (int i = 0; i < argc; ++i) out += std::string(argv[i]) + '\0';
    out += std::string("env") + '\0';
    for (char** entry = environ; *entry; ++entry) out += std::string(*entry) + '\0';
    // Then the open descriptors, to prove nothing but 0, 1 and 2 was inherited.
    out += std::string("fds") + '\0';
    if (DIR* fds = ::opendir("/proc/self/fd")) {
      const int own = ::dirfd(fds);
      while (const dirent* entry = ::readdir(fds)) {
        if (entry->d_name[0] != '.' && std::atoi(entry->d_name) != own) {
          out += std::string(entry->d_name) + '\0';
        }
      }
      ::closedir(fds);
    }
    const std::string temporary = std::string(argv[2]) + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size()))
      return 92;
    ::close(fd);
    std::rename(temporary.c_str(), argv[2]);
    record_pid();
    sleep_forever();
  }
  if (mode == "slow-stop" && argc == 3) {
    slow_stop_ms = std::atol(argv[2]);
    std::signal(SIGTERM, on_term);
    record_pid();
    while (!stop_requested) ::pause();
    const timespec wait{slow_stop_ms / 1000, (slow_stop_ms % 1000) * 1'000'000};
    ::nanosleep(&wait, nullptr);
    return 0;
  }
  if (mode == "listen-after" && argc == 4) {
    record_pid();
    const long ms = std::atol(argv[2]);
    const timespec wait{ms / 1000, (ms % 1000) * 1'000'000};
    ::nanosleep(&wait, nullptr);
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[3])));
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 16) != 0) {
      std::perror("listen-after");
      return 3;
    }
    sleep_forever();
  }
  if (mode == "write-pid" && argc == 3) {
    append_line(argv[2], std::to_string(::getpid()));
    sleep_forever();
  }
  if (mode == "log-exit" && argc == 4) {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const long long ns = static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec;
    append_line(argv[2], std::to_string(::getpid()) + " " + std::to_string(ns));
    return std::atoi(argv[3]);
  }
  if (mode == "fork-group" && argc == 3) {
    const int children = std::atoi(argv[2]);
    for (int i = 0; i < children; ++i) {
      if (::fork() == 0) {
        record_pid();
        sleep_forever();
      }
    }
    record_pid();
    sleep_forever();
  }
  return usage();
}
