// Records the argv and environment a systemd unit started it with, for the injection matrix:
// NUL-terminated entries into /run/inj/<unit>.argv and <unit>.environ, where <unit> is the
// service's cgroup name (so one container boot can run many units at once), then <unit>.done.
// Linked statically: the container rootfs has none of the host's shared libraries.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

extern char** environ;

namespace {

std::string own_unit() {
  std::ifstream cgroup("/proc/self/cgroup");
  std::string line;
  std::string unit = "unknown";
  while (std::getline(cgroup, line)) {
    const auto slash = line.rfind('/');
    if (slash != std::string::npos && line.size() > slash + 1) unit = line.substr(slash + 1);
  }
  return unit;
}

bool write_entries(const std::string& path, char** entries) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  for (char** entry = entries; *entry != nullptr; ++entry) {
    std::fwrite(*entry, 1, std::strlen(*entry) + 1, file);
  }
  return std::fclose(file) == 0;
}

}  // namespace

int main(int /*argc*/, char** argv) {
  if (::mkdir("/run/inj", 0755) != 0 && errno != EEXIST) return 2;
  const std::string base = "/run/inj/" + own_unit();
  if (!write_entries(base + ".argv", argv) || !write_entries(base + ".environ", environ)) return 2;
  std::FILE* done = std::fopen((base + ".done").c_str(), "wb");
  if (done == nullptr) return 2;
  std::fclose(done);
  return 0;
}
