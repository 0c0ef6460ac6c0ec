// The POSIX LogFileSystem: plain system calls, no state (shared by the writer and the worker).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "daemonize/watchdog/log_rotation.hpp"

namespace daemonize::logs {
namespace {

class PosixLogFileSystem final : public LogFileSystem {
 public:
  int open_append(const std::string& path) override {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0640);
    return fd < 0 ? -errno : fd;
  }
  long write(int fd, const char* data, std::size_t size) override {
    const ssize_t written = ::write(fd, data, size);
    return written < 0 ? -errno : static_cast<long>(written);
  }
  void close(int fd) override { ::close(fd); }
  std::uint64_t size(int fd) override {
    struct stat info {};
    return ::fstat(fd, &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
  }
  int rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : -errno;
  }
  void remove(const std::string& path) override { ::unlink(path.c_str()); }
  bool exists(const std::string& path) override {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
  }
  std::vector<std::string> list(const std::string& directory) override {
    std::vector<std::string> names;
    DIR* dir = ::opendir(directory.c_str());
    if (dir == nullptr) return names;
    while (const dirent* entry = ::readdir(dir)) names.emplace_back(entry->d_name);
    ::closedir(dir);
    return names;
  }
  int make_directory(const std::string& directory) override {
    struct stat info {};
    if (::stat(directory.c_str(), &info) == 0) return S_ISDIR(info.st_mode) ? 0 : -ENOTDIR;
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec) return -ec.value();
    ::chmod(directory.c_str(), 0750);
    return 0;
  }
};

}  // namespace

LogFileSystem& posix_log_file_system() {
  static PosixLogFileSystem files;
  return files;
}

}  // namespace daemonize::logs
