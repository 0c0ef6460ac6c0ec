// Log capture for `daemonize run` (issue 7): a writer that appends the child's output to a file
// at line boundaries, rotates it by size and by time, keeps max_files rotated files, optionally
// gzips them on a worker thread, and survives write errors without ever blocking the reader.
//
// Everything that touches the disk or the clock goes through LogFileSystem and LogClock so the
// unit tests can drive the writer event by event. Naming scheme, rules: docs/logs.md.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "daemonize/core/model.hpp"
#include "daemonize/watchdog/child_output.hpp"

namespace daemonize::logs {

using TimePoint = std::chrono::system_clock::time_point;
using LogClock = std::function<TimePoint()>;
// Receives the writer's own diagnostics (disk full, resumed, ...); the watchdog sends them to
// Boost.Log. Called at most once a minute for a continuing failure.
using LogReporter = std::function<void(const std::string&)>;

// The file operations the writer needs. Return values: descriptors / byte counts, or -errno.
class LogFileSystem {
 public:
  virtual ~LogFileSystem() = default;
  // O_WRONLY|O_CREAT|O_APPEND|O_NOFOLLOW|O_CLOEXEC, mode 0640.
  virtual int open_append(const std::string& path) = 0;
  virtual long write(int fd, const char* data, std::size_t size) = 0;
  virtual void close(int fd) = 0;
  virtual std::uint64_t size(int fd) = 0;
  virtual int rename(const std::string& from, const std::string& to) = 0;  // 0 or -errno
  virtual void remove(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual std::vector<std::string> list(const std::string& directory) = 0;  // file names
  virtual int make_directory(const std::string& directory) = 0;             // 0750; 0 or -errno
};

// The real POSIX implementation (stateless, safe to share between threads).
[[nodiscard]] LogFileSystem& posix_log_file_system();

struct RotationSettings {
  std::string directory;
  std::string file_name;
  std::uint64_t max_size = 10ULL * 1024 * 1024;  // 0 = no size rotation
  std::uint32_t max_files = 5;
  RotateEvery rotate_every = RotateEvery::none;
  LogTimezone timezone = LogTimezone::utc;
  bool compress = false;
  bool timestamps = false;
};

// The first rotation boundary strictly after `now` (hour / day / ISO week starting Monday 00:00)
// in UTC or in the local time zone (TZ rules through localtime_r/mktime), or nullopt for none.
[[nodiscard]] std::optional<TimePoint> next_rotation_boundary(TimePoint now, RotateEvery every,
                                                              LogTimezone timezone);

// "<file_name>.YYYYMMDDTHHMMSS.uuuuuuZ" for the UTC instant `at`: fixed width, so the names of
// one file sort by time; a compressed file adds ".gz".
[[nodiscard]] std::string rotated_file_name(const std::string& file_name, TimePoint at);
// True for names rotated_file_name() produces for `file_name` (with or without ".gz").
[[nodiscard]] bool is_rotated_file_name(const std::string& file_name, const std::string& name);
// Deletes the oldest rotated files of `file_name` so that at most max_files remain. A file and
// its ".gz" (an interrupted compression) count once.
void enforce_retention(LogFileSystem& files, const std::string& directory,
                       const std::string& file_name, std::uint32_t max_files);

// "2026-11-28T06:15:00.123456Z " (utc) or "...+01:00 " (local): the `timestamps = true` prefix.
[[nodiscard]] std::string format_line_timestamp(TimePoint at, LogTimezone timezone);

// gzips `path` into `path.gz` (through `path.gz.tmp`, O_NOFOLLOW|O_EXCL, 0640) and removes
// `path`; on failure removes the partial output, keeps `path` and returns the error text.
[[nodiscard]] std::string gzip_file(const std::string& path);

// What happens to a freshly rotated file: retention, and gzip when `compress` is set.
class RotatedFileHandler {
 public:
  virtual ~RotatedFileHandler() = default;
  virtual void rotated(const std::string& path) = 0;
};

// Compression off the reading path: one worker thread gzips rotated files in order and then
// applies retention (so retention never races a compression). The destructor finishes the queue.
class CompressionWorker final : public RotatedFileHandler {
 public:
  CompressionWorker(LogFileSystem& files, RotationSettings settings, LogReporter report);
  ~CompressionWorker() override;
  CompressionWorker(const CompressionWorker&) = delete;
  CompressionWorker& operator=(const CompressionWorker&) = delete;
  void rotated(const std::string& path) override;
  void wait_idle();  // for tests and shutdown

 private:
  void run();
  LogFileSystem& files_;
  RotationSettings settings_;
  LogReporter report_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::string> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

// Opens `directory/file_name` for appending as the writer will (making the directory), then
// closes it: 0, or the errno it cannot be opened with. The watchdog calls it before the program
// starts, so a file it cannot write refuses the start instead of dropping every line.
[[nodiscard]] int probe_log_file(LogFileSystem& files, const std::string& directory,
                                 const std::string& file_name);

// One log file, fed by one or more streams (stdout and stderr share it when configured so).
class RotatingLogWriter {
 public:
  // Partial lines longer than this are written in chunks instead of being held in memory.
  static constexpr std::size_t kMaxPendingLine = std::size_t{64} * 1024;

  // `handler` may be null: retention then runs inline after each rotation (no compression).
  RotatingLogWriter(RotationSettings settings, LogFileSystem& files, LogClock clock,
                    LogReporter report, RotatedFileHandler* handler = nullptr);
  ~RotatingLogWriter();
  RotatingLogWriter(const RotatingLogWriter&) = delete;
  RotatingLogWriter& operator=(const RotatingLogWriter&) = delete;

  // Bytes read from stream `stream` (any small integer). Complete lines are written; a trailing
  // partial line waits for its end (or is written in chunks beyond kMaxPendingLine).
  void append(int stream, std::string_view bytes);
  // The stream reached end of file: its pending partial line is written as it is.
  void finish_stream(int stream);
  // SIGUSR1: close and reopen the file by name (after an external logrotate moved it).
  void reopen();
  // Rotates when a time boundary has passed even though no output arrived.
  void tick();
  [[nodiscard]] std::optional<TimePoint> next_time_rotation() const { return next_boundary_; }

  [[nodiscard]] std::uint64_t dropped_bytes() const { return dropped_total_; }
  [[nodiscard]] std::uint64_t rotations() const { return rotations_; }
  [[nodiscard]] std::string path() const;

 private:
  struct Pending {
    std::string partial;      // bytes after the stream's last newline
    bool continuing = false;  // a chunk of this stream's current line is already in the file
  };
  void write_block(int stream, std::string_view block, bool ends_line);
  void write_sized(std::string_view data);
  void maybe_rotate_by_time(TimePoint now);
  bool rotate(TimePoint now);
  bool ensure_open(TimePoint now);
  void close_file();
  // count_drops=false for the newline the writer adds itself (not the child's bytes).
  void write_raw(std::string_view bytes, bool count_drops = true);
  void record_failure(int error, std::uint64_t lost);
  void append_timestamp(std::string& out);

  RotationSettings settings_;
  LogFileSystem& files_;
  LogClock clock_;
  LogReporter report_;
  RotatedFileHandler* handler_;
  std::map<int, Pending> pending_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool file_mid_line_ = false;  // the file does not end with a newline
  int line_owner_ = -1;         // stream whose long line is open in the file
  std::optional<TimePoint> next_boundary_;
  TimePoint last_rotation_name_{};
  TimePoint now_{};  // the time of the current append
  std::uint64_t rotations_ = 0;
  // Failure state: dropped bytes since the last report, and rate limits.
  std::uint64_t dropped_total_ = 0;
  std::uint64_t dropped_unreported_ = 0;
  int last_error_ = 0;
  bool failing_ = false;
  std::optional<TimePoint> last_report_;
  std::optional<TimePoint> last_open_attempt_;
  std::string out_;     // scratch buffer for one append
  std::string prefix_;  // the timestamp prefix of the current append
  std::int64_t cached_second_ = -1;
  std::string cached_date_time_;  // "2026-11-28T06:15:00" of cached_second_
  std::string cached_zone_;       // "Z " or "+01:00 "
  bool resume_pending_report_ = false;
};

// The ChildOutput of `daemonize run` with capture (POSIX): every spawn gets fresh pipes whose
// read ends are drained on `io` into one RotatingLogWriter per file (one shared writer when
// stdout and stderr name the same file); "inherit" and "null" streams bypass the pipes. A timer
// rotates at time boundaries without output and notices a removed file. The destructor drains
// what the pipes still hold. Throws std::runtime_error when the directory cannot be created.
[[nodiscard]] std::unique_ptr<ChildOutput> make_rotating_child_output(const LogsConfig& logs,
                                                                      boost::asio::io_context& io,
                                                                      LogReporter report);

}  // namespace daemonize::logs
