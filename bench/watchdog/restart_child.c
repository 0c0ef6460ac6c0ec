/* Benchmark child: appends "S <CLOCK_MONOTONIC ns>" at start, lives LIVE_MS milliseconds, appends
 * "E <ns>" and exits 1. Restart latency = S of the next child - E of the previous one.
 * Built static by run.sh so that dynamic loading does not blur the figure.
 * Usage: restart_child FILE LIVE_MS, or restart_child --sleep (sleeps forever: idle runs). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void stamp(const char *file, char kind) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char line[64];
  int n = snprintf(line, sizeof line, "%c %lld\n", kind,
                   (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
  int fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0 || write(fd, line, (size_t)n) != n) _exit(90);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--sleep") == 0) {
    for (;;) pause();
  }
  if (argc != 3) return 2;
  stamp(argv[1], 'S');
  long live_ms = atol(argv[2]);
  struct timespec wait = {live_ms / 1000, (live_ms % 1000) * 1000000L};
  nanosleep(&wait, NULL);
  stamp(argv[1], 'E');
  return 1;
}
