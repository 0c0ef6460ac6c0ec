#include "daemonize/deploy/posix_system_ops.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "daemonize/core/installer.hpp"

namespace daemonize::deploy {
namespace {

[[noreturn]] void fail(const std::string& operation, const std::string& path, int error) {
  throw SystemError(errno_error(operation, path, error));
}

// Closes a descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

void write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    const auto written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write", path, errno);
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
}

void fsync_directory(const std::string& directory) {
  FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) fail("open", directory, errno);
  if (::fsync(fd.get()) != 0 && errno != EINVAL) fail("fsync", directory, errno);
}

void create_parents(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) fail("mkdir", path.string(), error.value());
}

constexpr std::string_view kTemporaryMarker = ".daemonize-";

// ".<name>.daemonize-<pid>-<random>": the pid lets a later write tell a crashed writer's
// leftover (its pid is gone) from a concurrent writer's file in progress.
std::string temporary_name(const std::string& file_name) {
  std::random_device random;
  return "." + file_name + std::string(kTemporaryMarker) + std::to_string(::getpid()) + "-" +
         std::to_string(random());
}

// Whether `name` is a temporary of ours whose writer is gone: ".<name>.daemonize-<pid>-<n>"
// with no such process, or the pid-less ".<name>.daemonize-<n>" of earlier versions.
bool is_stale_temporary(const std::string& name) {
  if (!name.starts_with('.')) return false;
  const auto marker = name.rfind(kTemporaryMarker);
  if (marker == std::string::npos || marker < 2) return false;
  const auto suffix = name.substr(marker + kTemporaryMarker.size());
  const auto dash = suffix.find('-');
  const auto pid_digits = suffix.substr(0, dash);
  const auto rest = dash == std::string::npos ? std::string() : suffix.substr(dash + 1);
  auto all_digits = [](const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!all_digits(pid_digits)) return false;
  if (dash == std::string::npos) return true;  // an earlier version's: no pid to ask
  if (!all_digits(rest) || pid_digits.size() > 9) return false;
  const auto pid = static_cast<pid_t>(std::stol(pid_digits));
  return pid > 0 && pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
}

// Deletes temporaries left in `directory` by writers that were killed between creating and
// renaming them (SIGKILL, power loss): they are never installed, but they would pile up.
void remove_stale_temporaries(const std::string& directory) {
  std::error_code error;  // best effort: a directory we cannot list keeps its leftovers
  for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    if (is_stale_temporary(it->path().filename().string())) ::unlink(it->path().c_str());
  }
}

// Test-only fault injection (tests/deploy/crash_safe_deploy.py, docs/security.md): with
// DAEMONIZE_FAULT_KILL_AT=N in the environment the process SIGKILLs itself at the Nth step of
// a host change (each write, chmod, fsync and rename of an atomic write, each directory creation
// and removal), to prove that a deploy killed anywhere leaves every file old or new.
unsigned long fault_kill_at_from_environment() {
  const char* value = std::getenv("DAEMONIZE_FAULT_KILL_AT");
  if (!value || !*value) return 0;
  char* end = nullptr;
  const auto step = std::strtoul(value, &end, 10);
  return *end == '\0' ? step : 0;
}

}  // namespace

PosixSystemOps::PosixSystemOps(std::string root)
    : root_(std::move(root)), fault_kill_at_(fault_kill_at_from_environment()) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  if (root_ == "/") root_.clear();
}

void PosixSystemOps::fault_point() {
  if (fault_kill_at_ != 0 && ++fault_steps_ == fault_kill_at_) static_cast<void>(::raise(SIGKILL));
}

std::string PosixSystemOps::host_path(const std::string& path) const {
  if (root_.empty()) return path;
  return root_ + (path.starts_with("/") ? "" : "/") + path;
}

std::optional<std::string> PosixSystemOps::read_file(const std::string& path) const {
  const auto real = host_path(path);
  FileDescriptor fd(::open(real.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    fail("open", real, errno);
  }
  std::string content;
  std::array<char, 65536> buffer{};
  for (;;) {
    const auto got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("read", real, errno);
    }
    if (got == 0) break;
    content.append(buffer.data(), static_cast<std::size_t>(got));
  }
  return content;
}

bool PosixSystemOps::exists(const std::string& path) const {
  struct stat info {};
  return ::lstat(host_path(path).c_str(), &info) == 0;
}

std::optional<unsigned> PosixSystemOps::file_mode(const std::string& path) const {
  struct stat info {};
  if (::stat(host_path(path).c_str(), &info) != 0) return std::nullopt;
  return static_cast<unsigned>(info.st_mode) & 07777U;
}

std::optional<FileOwner> PosixSystemOps::file_owner(const std::string& path) const {
  struct stat info {};
  if (::stat(host_path(path).c_str(), &info) != 0) return std::nullopt;
  std::array<char, 16384> buffer{};
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(info.st_uid, &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return std::nullopt;
  }
  return FileOwner{found->pw_name, std::to_string(info.st_gid)};
}

void PosixSystemOps::apply_owner(int fd, const std::string& path, const FileOwner& owner) const {
  // Under --root the accounts live in the host's database, not DIR's: keep our own ownership.
  if (!root_.empty() || (owner.user.empty() && owner.group.empty())) return;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (!owner.user.empty()) {
    const auto account = find_user(owner.user);
    if (!account) throw SystemError("chown " + path + ": no user '" + owner.user + "'");
    uid = account->uid;
    if (owner.group.empty()) gid = account->gid;
  }
  if (!owner.group.empty()) {
    const auto group = find_group(owner.group);
    if (!group) throw SystemError("chown " + path + ": no group '" + owner.group + "'");
    gid = *group;
  }
  if (::fchown(fd, uid, gid) != 0) fail("chown", path, errno);
}

void PosixSystemOps::write_file_atomic(const std::string& path, std::string_view content,
                                       unsigned mode, const FileOwner& owner) {
  const std::filesystem::path real = host_path(path);
  const auto directory = real.parent_path().string();
  fault_point();
  create_parents(real.parent_path());
  remove_stale_temporaries(directory);
  // The temporary file sits next to the target so that rename() stays on one file system.
  // Created 0600: the bytes are never readable by others before their mode is set.
  const auto temporary = directory + "/" + temporary_name(real.filename().string());
  FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                           static_cast<mode_t>(0600)));
  if (fd.get() < 0) fail("create", temporary, errno);
  try {
    fault_point();
    const auto half = content.size() / 2;
    write_all(fd.get(), content.substr(0, half), temporary);
    fault_point();  // a partly written temporary
    write_all(fd.get(), content.substr(half), temporary);
    fault_point();
    apply_owner(fd.get(), real.string(), owner);
    // fchmod after fchown: chown clears set-id bits, and the umask must not narrow `mode`.
    if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) fail("chmod", temporary, errno);
    fault_point();
    if (::fsync(fd.get()) != 0) fail("fsync", temporary, errno);
    fault_point();
    if (::rename(temporary.c_str(), real.c_str()) != 0) fail("rename", real.string(), errno);
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
  fault_point();
  fsync_directory(directory);
}

void PosixSystemOps::create_directory(const std::string& path, unsigned mode,
                                      const FileOwner& owner) {
  const auto real = host_path(path);
  fault_point();
  create_parents(real);
  FileDescriptor fd(::open(real.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) fail("open", real, errno);
  apply_owner(fd.get(), real, owner);
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) fail("chmod", real, errno);
}

bool PosixSystemOps::remove(const std::string& path, bool recursive) {
  const auto real = host_path(path);
  fault_point();
  std::error_code error;
  if (recursive) {
    const auto removed = std::filesystem::remove_all(real, error);
    if (error) fail("remove", real, error.value());
    return removed > 0;
  }
  const bool removed = std::filesystem::remove(real, error);
  if (error) fail("remove", real, error.value());
  return removed;
}

CommandResult PosixSystemOps::run(const std::vector<std::string>& argv) {
  CommandResult result;
  if (argv.empty()) return {127, "empty command"};
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0)
    return {127, errno_error("pipe", "", errno).message()};
  std::vector<char*> arguments;
  arguments.reserve(argv.size() + 1);
  for (const auto& word : argv) arguments.push_back(const_cast<char*>(word.c_str()));
  arguments.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return {127, errno_error("fork", "", errno).message()};
  }
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::execvp(arguments[0], arguments.data());
    const std::string message = errno_error(argv[0], "", errno).message() + "\n";
    (void)!::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::array<char, 4096> buffer{};
  for (;;) {
    const auto got = ::read(pipe_fds[0], buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    result.output.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return {127, result.output + errno_error("waitpid", "", errno).message()};
  }
  if (WIFEXITED(status)) {
    result.exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_status = 128 + WTERMSIG(status);
  }
  return result;
}

std::optional<AccountInfo> PosixSystemOps::find_user(const std::string& name) const {
  std::array<char, 16384> buffer{};
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return std::nullopt;
  }
  return AccountInfo{found->pw_name, found->pw_uid, found->pw_gid, found->pw_dir};
}

std::optional<unsigned> PosixSystemOps::find_group(const std::string& name) const {
  std::array<char, 16384> buffer{};
  struct group entry {};
  struct group* found = nullptr;
  // A numeric name is a gid (a user's primary group, known only by number).
  const bool numeric = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
  const int error = numeric
                        ? ::getgrgid_r(static_cast<gid_t>(std::stoul(name)), &entry, buffer.data(),
                                       buffer.size(), &found)
                        : ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0 || !found) return std::nullopt;
  return found->gr_gid;
}

void PosixSystemOps::run_account_tool(const std::vector<std::string>& argv) {
  if (!root_.empty()) {
    throw SystemError(argv[0] + ": accounts are not changed under --root");
  }
  const auto result = run(argv);
  if (!result.ok()) {
    throw SystemError(shell_join(argv) + " exited with " + std::to_string(result.exit_status) +
                      (result.output.empty() ? "" : ": " + result.output));
  }
}

void PosixSystemOps::create_system_group(const std::string& name) {
  run_account_tool({"groupadd", "--system", name});
}

void PosixSystemOps::create_system_user(const std::string& name, const std::string& group) {
  std::vector<std::string> argv{"useradd",      "--system", "--no-create-home", "--home-dir",
                                "/nonexistent", "--shell",  "/usr/sbin/nologin"};
  if (group.empty()) {
    argv.emplace_back("--user-group");
  } else {
    argv.emplace_back("--gid");
    argv.push_back(group);
  }
  argv.push_back(name);
  run_account_tool(argv);
}

void PosixSystemOps::delete_user(const std::string& name) { run_account_tool({"userdel", name}); }

void PosixSystemOps::delete_group(const std::string& name) { run_account_tool({"groupdel", name}); }

}  // namespace daemonize::deploy
