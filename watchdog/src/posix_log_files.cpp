// The POSIX LogFileSystem (plain system calls, no state: shared by the writer and the worker),
// the POSIX side of log_platform.hpp, and the capturing ChildOutput that feeds the child's pipes
// into RotatingLogWriters.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemonize/core/paths.hpp"
#include "daemonize/watchdog/log_rotation.hpp"
#include "log_platform.hpp"

namespace daemonize::logs::platform {

bool local_time(std::time_t at, std::tm& out) { return ::localtime_r(&at, &out) != nullptr; }
bool utc_time(std::time_t at, std::tm& out) { return ::gmtime_r(&at, &out) != nullptr; }
long utc_offset(std::time_t /*at*/, const std::tm& local) { return local.tm_gmtoff; }
bool is_retryable_write_error(int error) {
  return error == ENOSPC || error == EDQUOT || error == EAGAIN;
}

int open_for_reading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}
int create_exclusive(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
  return fd < 0 ? -errno : fd;
}
long read(int fd, char* buffer, std::size_t size) {
  const ssize_t got = ::read(fd, buffer, size);
  return got < 0 ? -errno : static_cast<long>(got);
}
void close(int fd) { ::close(fd); }
void remove(const std::string& path) { ::unlink(path.c_str()); }
int rename(const std::string& from, const std::string& to) {
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : -errno;
}

}  // namespace daemonize::logs::platform

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

// ---------------------------------------------------------------------------------------------
// The capturing ChildOutput.

namespace daemonize::logs {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kReadBuffer = std::size_t{128} * 1024;
constexpr int kPipeCapacity = 1024 * 1024;  // fewer wake-ups; the kernel caps it if needed
constexpr auto kHousekeepingInterval = std::chrono::seconds(30);

RotationSettings settings_for(const LogsConfig& logs, const std::string& file_name) {
  RotationSettings s;
  s.directory = logs.directory;
  s.file_name = file_name;
  s.max_size = logs.max_size;
  s.max_files = logs.max_files;
  s.rotate_every = logs.rotate_every;
  s.timezone = logs.timezone;
  s.compress = logs.compress;
  s.timestamps = logs.timestamps;
  return s;
}

struct Sink {
  std::unique_ptr<CompressionWorker> worker;  // declared first: destroyed after the writer
  std::unique_ptr<RotatingLogWriter> writer;
};

// One pipe read end, drained into a writer under its own stream id.
struct PipeReader {
  PipeReader(asio::io_context& io, int fd, RotatingLogWriter& sink, int stream_id)
      : descriptor(io, fd), writer(sink), stream(stream_id), buffer(kReadBuffer) {}
  asio::posix::stream_descriptor descriptor;
  RotatingLogWriter& writer;
  int stream;
  std::vector<char> buffer;
  bool done = false;
};

class CapturingOutput final : public ChildOutput {
 public:
  CapturingOutput(const LogsConfig& logs, asio::io_context& io, LogReporter report)
      : logs_(logs), io_(io), report_(std::move(report)), timer_(io) {
    const bool to_file = logs.stdout_stream.kind == LogStream::Kind::file ||
                         logs.stderr_stream.kind == LogStream::Kind::file;
    if (!to_file) return;
    if (const int made = posix_log_file_system().make_directory(logs.directory); made != 0) {
      throw std::runtime_error("cannot create log directory " + logs.directory + ": " +
                               std::strerror(-made));
    }
    for (const LogStream* stream : {&logs.stdout_stream, &logs.stderr_stream}) {
      if (stream->kind != LogStream::Kind::file || sinks_.count(stream->file_name)) continue;
      // A file that cannot be opened now would drop every line from the first: refuse to
      // start instead (later failures, a full disk, are reported and survived).
      if (const int error =
              probe_log_file(posix_log_file_system(), logs.directory, stream->file_name)) {
        throw std::runtime_error("cannot open log file " +
                                 join_path(logs.directory, stream->file_name) + ": " +
                                 std::strerror(error));
      }
      const RotationSettings settings = settings_for(logs, stream->file_name);
      Sink& sink = sinks_[stream->file_name];
      if (settings.compress) {
        sink.worker =
            std::make_unique<CompressionWorker>(posix_log_file_system(), settings, report_);
      }
      sink.writer = std::make_unique<RotatingLogWriter>(
          settings, posix_log_file_system(), [] { return std::chrono::system_clock::now(); },
          report_, sink.worker.get());
    }
    schedule_housekeeping();
  }

  ~CapturingOutput() override {
    *alive_ = false;
    close_child_ends();
    for (auto& reader : readers_) {
      if (reader->done) continue;
      drain_now(*reader);
      boost::system::error_code ignored;
      reader->descriptor.close(ignored);
    }
    readers_.clear();
    sinks_.clear();  // writers flush partial lines, workers finish their queue
  }

  std::string open_for_spawn(ChildStdio& stdio) override {
    close_child_ends();
    std::erase_if(readers_, [](const std::unique_ptr<PipeReader>& r) { return r->done; });
    std::string error = open_stream(logs_.stdout_stream, stdout_fd_);
    if (error.empty()) error = open_stream(logs_.stderr_stream, stderr_fd_);
    stdio.stdout_fd = stdout_fd_;
    stdio.stderr_fd = stderr_fd_;
    return error;
  }

  void child_spawned() override { close_child_ends(); }

  void reopen() override {
    for (auto& [name, sink] : sinks_) sink.writer->reopen();
  }

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
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
        ::fcntl(ends[0], F_SETPIPE_SZ, kPipeCapacity);
        ::fcntl(ends[0], F_SETFL, ::fcntl(ends[0], F_GETFL) | O_NONBLOCK);
        fd = ends[1];
        auto reader = std::make_unique<PipeReader>(
            io_, ends[0], *sinks_.at(stream.file_name).writer, next_stream_id_++);
        start_read(*reader);
        readers_.push_back(std::move(reader));
        return "";
      }
    }
    return "";
  }

  // Waits until the pipe is readable and reads in the handler. Not async_read_some: asio
  // performs that read in the reactor and queues the handler with the bytes; when the loop
  // stops first (the watchdog exits after the child's last exit), that handler is destroyed
  // unrun and up to kReadBuffer bytes of the child's last output were lost. Unread bytes stay
  // in the pipe, where drain_now() takes them.
  void start_read(PipeReader& reader) {
    reader.descriptor.async_wait(
        asio::posix::stream_descriptor::wait_read,
        [this, alive = alive_, &reader](const boost::system::error_code& ec) {
          if (!*alive) return;
          if (!ec) {
            const ssize_t got = ::read(reader.descriptor.native_handle(), reader.buffer.data(),
                                       reader.buffer.size());
            if (got > 0) {
              reader.writer.append(reader.stream,
                                   {reader.buffer.data(), static_cast<std::size_t>(got)});
            }
            if (got > 0 || (got < 0 && (errno == EAGAIN || errno == EINTR))) {
              start_read(reader);
              return;
            }
          }
          // EOF: every holder of the write end has exited (or the pipe failed).
          reader.writer.finish_stream(reader.stream);
          boost::system::error_code ignored;
          reader.descriptor.close(ignored);
          reader.done = true;
        });
  }

  // Shutdown: take what the pipe still holds (bounded: an orphan may keep writing forever)
  // without waiting for writers that remain.
  static void drain_now(PipeReader& reader) {
    const int fd = reader.descriptor.native_handle();
    std::size_t budget = 2 * static_cast<std::size_t>(kPipeCapacity);
    while (budget > 0) {
      const ssize_t got = ::read(fd, reader.buffer.data(), reader.buffer.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      const auto size = static_cast<std::size_t>(got);
      reader.writer.append(reader.stream, {reader.buffer.data(), size});
      budget -= std::min(budget, size);
    }
    reader.writer.finish_stream(reader.stream);
  }

  // Time rotation when the child is quiet, and reopening a file removed under us.
  void schedule_housekeeping() {
    auto delay =
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(kHousekeepingInterval);
    const auto now = std::chrono::system_clock::now();
    for (auto& [name, sink] : sinks_) {
      if (auto next = sink.writer->next_time_rotation()) {
        const auto until = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            *next - now + std::chrono::milliseconds(1));
        delay = std::max(std::chrono::steady_clock::duration::zero(), std::min(delay, until));
      }
    }
    timer_.expires_after(delay);
    timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
      if (ec || !*alive) return;
      for (auto& [name, sink] : sinks_) sink.writer->tick();
      schedule_housekeeping();
    });
  }

  void close_child_ends() {
    for (int* fd : {&stdout_fd_, &stderr_fd_}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
  }

  LogsConfig logs_;
  asio::io_context& io_;
  LogReporter report_;
  asio::steady_timer timer_;
  std::map<std::string, Sink> sinks_;  // by file name: stdout and stderr may share one
  std::vector<std::unique_ptr<PipeReader>> readers_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  int next_stream_id_ = 1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
};

}  // namespace

std::unique_ptr<ChildOutput> make_rotating_child_output(const LogsConfig& logs,
                                                        boost::asio::io_context& io,
                                                        LogReporter report) {
  return std::make_unique<CapturingOutput>(logs, io, std::move(report));
}

}  // namespace daemonize::logs
