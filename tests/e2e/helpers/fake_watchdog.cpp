// A stand-in for `daemonize run` in the e2e tests of the unit's restart policy: named
// `fake-watchdog-<N>`, it records each start in /run/fake-watchdog/<name>.starts and exits N;
// named `fake-watchdog-sig<N>`, it dies of signal N instead (a crashed watchdog).
// (The real watchdog's give-up path ends in exit 75; this isolates what systemd does with it.)
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int /*argc*/, char** argv) {
  std::string name = argv[0];
  if (const auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  const std::string prefix = "fake-watchdog-";
  if (name.rfind(prefix, 0) != 0) {
    (void)std::fprintf(stderr, "fake-watchdog: my name must be fake-watchdog-<exit code>, got %s\n",
                       name.c_str());
    return 2;
  }
  const char* suffix = name.c_str() + prefix.size();
  const bool by_signal = std::strncmp(suffix, "sig", 3) == 0;
  const int code = std::atoi(by_signal ? suffix + 3 : suffix);
  if (::mkdir("/run/fake-watchdog", 0755) != 0 && errno != EEXIST) return 2;
  std::FILE* starts = std::fopen(("/run/fake-watchdog/" + name + ".starts").c_str(), "ab");
  if (starts == nullptr) return 2;
  (void)std::fprintf(starts, "start\n");
  (void)std::fclose(starts);
  if (by_signal) {
    (void)std::fprintf(stderr, "fake-watchdog: dying of signal %d\n", code);
    (void)std::signal(code, SIG_DFL);
    (void)std::raise(code);
    return 2;  // not reached for a fatal signal
  }
  (void)std::fprintf(stderr, "fake-watchdog: exiting %d\n", code);
  return code;
}
