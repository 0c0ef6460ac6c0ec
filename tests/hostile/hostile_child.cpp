// Hostile children for the watchdog (tests/hostile/hostile_children.py):
//   close-stdout     close stdout at once, then write "alive N" to stderr 20 times (every 50 ms)
//                    and sleep
//   fork-loop        ignore SIGTERM and fork forever: every child calls setsid() (leaves the
//                    process group) and forks too; a failed fork is retried after 10 ms. The
//                    first process writes "held by the process limit" to stdout once, at the
//                    first failure (RLIMIT_NPROC).
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

namespace {

void write_text(int fd, const std::string& text) {
  [[maybe_unused]] const auto written = ::write(fd, text.data(), text.size());
}

void sleep_ms(long milliseconds) {
  timespec delay{milliseconds / 1000, (milliseconds % 1000) * 1000000};
  while (::nanosleep(&delay, &delay) != 0 && errno == EINTR) {
  }
}

[[noreturn]] void close_stdout() {
  ::close(STDOUT_FILENO);
  for (int round = 1; round <= 20; ++round) {
    write_text(STDERR_FILENO, "alive " + std::to_string(round) + "\n");
    sleep_ms(50);
  }
  for (;;) ::pause();
}

[[noreturn]] void fork_loop() {
  std::signal(SIGTERM, SIG_IGN);
  bool original = true;
  bool reported = false;
  for (;;) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      original = false;
      ::setsid();
      continue;
    }
    if (pid < 0) {
      if (original && !reported && errno == EAGAIN) {
        write_text(STDOUT_FILENO, "held by the process limit\n");
        reported = true;
      }
      sleep_ms(10);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc >= 2 ? argv[1] : "";
  if (mode == "close-stdout") close_stdout();
  if (mode == "fork-loop") fork_loop();
  std::fprintf(stderr, "usage: hostile_child close-stdout|fork-loop\n");
  return 2;
}
