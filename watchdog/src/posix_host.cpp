// HostQueries on POSIX: files, accounts, groups.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "daemonize/watchdog/launch_plan.hpp"

namespace daemonize {
namespace {

class PosixHost final : public HostQueries {
 public:
  HostResult<std::string> read_file(const std::string& path) const override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return errno_error("open", path, errno);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string executable_problem(const std::string& path) const override {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return std::strerror(errno);
    if (!S_ISREG(info.st_mode)) return "not a regular file";
    if (::access(path.c_str(), X_OK) != 0) return "not executable";
    return "";
  }

  bool is_directory(const std::string& path) const override {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
  }

  std::optional<UserAccount> find_user(const std::string& name) const override {
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
      return std::nullopt;
    }
    return UserAccount{found->pw_name, found->pw_uid, found->pw_gid,
                       found->pw_dir ? found->pw_dir : "", found->pw_shell ? found->pw_shell : ""};
  }

  std::optional<std::string> own_home() const override {
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found ||
        !found->pw_dir || found->pw_dir[0] == '\0') {
      return std::nullopt;
    }
    return std::string(found->pw_dir);
  }

  std::optional<unsigned> find_group(const std::string& name) const override {
    std::vector<char> buffer(16384);
    struct group entry {};
    struct group* found = nullptr;
    if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
      return std::nullopt;
    }
    return found->gr_gid;
  }

  std::vector<unsigned> supplementary_groups(const UserAccount& user, unsigned gid) const override {
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    while (::getgrouplist(user.name.c_str(), gid, groups.data(), &count) == -1) {
      groups.resize(static_cast<std::size_t>(count) + 64);
      count = static_cast<int>(groups.size());
    }
    groups.resize(static_cast<std::size_t>(count));
    return {groups.begin(), groups.end()};
  }

  unsigned effective_uid() const override { return ::geteuid(); }
};

}  // namespace

const HostQueries& system_host() {
  static const PosixHost host;
  return host;
}

}  // namespace daemonize
