// DirectoryOperations on POSIX: mkdir, chmod, lchown, remove_all.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "daemonize/watchdog/service_directories.hpp"

namespace daemonize {
namespace {

class PosixDirectoryOperations final : public DirectoryOperations {
 public:
  [[nodiscard]] bool exists(const std::string& path) const override {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
  }
  std::string make_directory(const std::string& path) override {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return std::strerror(errno);
    return "";
  }
  std::string set_mode(const std::string& path, std::uint32_t mode) override {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) return std::strerror(errno);
    if (!S_ISDIR(info.st_mode)) return "not a directory";
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) return std::strerror(errno);
    return "";
  }
  std::string set_owner(const std::string& path, unsigned uid, unsigned gid) override {
    if (::lchown(path.c_str(), uid, gid) != 0) return std::strerror(errno);
    return "";
  }
  std::string remove_tree(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    return ec ? ec.message() : "";
  }
};

}  // namespace

DirectoryOperations& system_directory_operations() {
  static PosixDirectoryOperations operations;
  return operations;
}

}  // namespace daemonize
