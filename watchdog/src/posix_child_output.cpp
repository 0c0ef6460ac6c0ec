// The simple ChildOutput: append to files, inherit, or /dev/null. No rotation (issue 7).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "daemonize/watchdog/child_output.hpp"
#include "daemonize/watchdog/log_rotation.hpp"
#include "logging.hpp"

namespace daemonize {
namespace {

class AppendingOutput final : public ChildOutput {
 public:
  explicit AppendingOutput(const LogsConfig& logs) : logs_(logs) {
    const bool needs_directory = logs.stdout_stream.kind == LogStream::Kind::file ||
                                 logs.stderr_stream.kind == LogStream::Kind::file;
    if (needs_directory) {
      std::error_code ec;
      std::filesystem::create_directories(logs.directory, ec);
      if (ec) {
        throw std::runtime_error("cannot create log directory " + logs.directory + ": " +
                                 ec.message());
      }
      ::chmod(logs.directory.c_str(), 0750);
    }
  }

  std::string open_for_spawn(ChildStdio& stdio) override {
    child_spawned();
    std::string error = open_stream(logs_.stdout_stream, stdout_fd_);
    if (error.empty()) {
      if (logs_.stderr_stream == logs_.stdout_stream &&
          logs_.stdout_stream.kind == LogStream::Kind::file) {
        stderr_fd_ = ::dup(stdout_fd_);  // one open file description: appends never overlap
        ::fcntl(stderr_fd_, F_SETFD, FD_CLOEXEC);
      } else {
        error = open_stream(logs_.stderr_stream, stderr_fd_);
      }
    }
    stdio.stdout_fd = stdout_fd_;
    stdio.stderr_fd = stderr_fd_;
    return error;
  }

  void child_spawned() override {
    close_fd(stdout_fd_);
    close_fd(stderr_fd_);
  }

  void reopen() override {}  // files are opened anew for every spawn

  ~AppendingOutput() override { child_spawned(); }

 private:
  std::string open_stream(const LogStream& stream, int& fd) {
    switch (stream.kind) {
      case LogStream::Kind::inherit:
        fd = -1;
        return "";
      case LogStream::Kind::null:
        fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        return fd < 0 ? std::string("/dev/null: ") + std::strerror(errno) : "";
      case LogStream::Kind::file: {
        const std::string path =
            (std::filesystem::path(logs_.directory) / stream.file_name).string();
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
        return fd < 0 ? path + ": " + std::strerror(errno) : "";
      }
    }
    return "";
  }
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  LogsConfig logs_;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
};

}  // namespace

// Files go through pipes into rotating writers (log_rotation.hpp, docs/logs.md); the writers'
// problems (disk full, ...) reach the watchdog's log at most once a minute.
std::unique_ptr<ChildOutput> make_child_output(const LogsConfig& logs,
                                               boost::asio::io_context& io) {
  return logs::make_rotating_child_output(
      logs, io, [](const std::string& message) { watchdog_log::warning(message); });
}

}  // namespace daemonize
