/* Start-up benchmark launcher: appends "T <CLOCK_MONOTONIC ns>" to FILE, then forks and execs
 * PROGRAM ARGS... and waits for it. With the benchmark child as PROGRAM this is a bare
 * fork + exec; with `daemonize run MANIFEST` it is the watchdog's whole path to the child's exec.
 * The child (bench/watchdog/restart_child.c) appends "S <ns>" as its first action.
 * Usage: timed_fork_exec FILE PROGRAM [ARGS...] */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char line[64];
  int n = snprintf(line, sizeof line, "T %lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0 || write(fd, line, (size_t)n) != n) return 90;
  close(fd);
  pid_t pid = fork();
  if (pid < 0) return 91;
  if (pid == 0) {
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
