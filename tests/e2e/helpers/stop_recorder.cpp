// A program that will not stop on its own, for the e2e tests of stop.timeout: it appends
// "started <pid>" to the file named by its first argument, then "signal <N>" from the handler of
// every catchable stop signal it gets, and keeps running; only SIGKILL ends it.
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <initializer_list>

namespace {

int log_fd = -1;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables): the handler's

void write_line(const char* text) {
  // write(2) only: this runs in a signal handler.
  const auto length = std::strlen(text);
  if (::write(log_fd, text, length) != static_cast<ssize_t>(length)) _exit(3);
}

extern "C" void on_signal(int signal_number) {
  char line[32] = "signal ";
  // Two digits at most (signal numbers < 65), without snprintf in a handler.
  std::size_t at = 7;
  if (signal_number >= 10) line[at++] = static_cast<char>('0' + signal_number / 10);
  line[at++] = static_cast<char>('0' + signal_number % 10);
  line[at++] = '\n';
  line[at] = '\0';
  write_line(line);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    (void)std::fprintf(stderr, "usage: stop_recorder LOG_FILE\n");
    return 2;
  }
  log_fd = ::open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    std::perror(argv[1]);
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
    if (::sigaction(signal_number, &action, nullptr) != 0) return 2;
  }
  char started[64];
  (void)std::snprintf(started, sizeof started, "started %d\n", static_cast<int>(::getpid()));
  write_line(started);
  for (;;) ::pause();
}
