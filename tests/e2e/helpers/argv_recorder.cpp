// Records what a service manager started it with, for the e2e tests: its argv and its
// environment, each entry NUL-terminated, into /run/e2e-recorder/{argv,environ}, then a `done`
// marker. Linked statically: the container rootfs has none of the host's shared libraries.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

extern char** environ;

namespace {

constexpr const char* kDirectory = "/run/e2e-recorder";

bool write_entries(const std::string& path, char** entries) {
  const std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) return false;
  for (char** entry = entries; *entry != nullptr; ++entry) {
    std::fwrite(*entry, 1, std::strlen(*entry) + 1, file);  // with its NUL
  }
  const bool ok = std::fflush(file) == 0 && std::fclose(file) == 0;
  return ok && std::rename(temporary.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int /*argc*/, char** argv) {
  if (::mkdir(kDirectory, 0755) != 0 && errno != EEXIST) {
    std::perror("e2e-argv-recorder: mkdir /run/e2e-recorder");
    return 2;
  }
  const std::string directory = kDirectory;
  if (!write_entries(directory + "/argv", argv) ||
      !write_entries(directory + "/environ", environ)) {
    std::perror("e2e-argv-recorder: write");
    return 2;
  }
  std::FILE* done = std::fopen((directory + "/done").c_str(), "wb");
  if (done == nullptr) return 2;
  std::fclose(done);
  return 0;
}
