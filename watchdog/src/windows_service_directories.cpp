// DirectoryOperations on Windows: the directories inherit the ACL of their parent (the
// watchdog runs as the service's account, so they are its own); `mode` and owners are POSIX.
#include <filesystem>

#include "daemonize/core/windows_text.hpp"
#include "daemonize/watchdog/service_directories.hpp"

namespace daemonize {
namespace {

std::filesystem::path path_of(const std::string& text) {
  return std::filesystem::path(windows_text::widen(text));
}

class WindowsDirectoryOperations final : public DirectoryOperations {
 public:
  [[nodiscard]] bool exists(const std::string& path) const override {
    std::error_code ec;
    return std::filesystem::exists(path_of(path), ec);
  }
  std::string make_directory(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directory(path_of(path), ec);
    return ec ? ec.message() : "";
  }
  std::string set_mode(const std::string& path, std::uint32_t /*mode*/) override {
    std::error_code ec;
    if (!std::filesystem::is_directory(path_of(path), ec)) return "not a directory";
    return "";
  }
  std::string set_owner(const std::string&, unsigned, unsigned) override { return ""; }
  std::string remove_tree(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path_of(path), ec);
    return ec ? ec.message() : "";
  }
};

}  // namespace

DirectoryOperations& system_directory_operations() {
  static WindowsDirectoryOperations operations;
  return operations;
}

}  // namespace daemonize
