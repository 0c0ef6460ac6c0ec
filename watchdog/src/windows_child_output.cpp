// The capturing child output on Windows (windows_child_output.hpp): named pipes read with
// overlapped I/O by one thread per pipe, written through RotatingLogWriter (log_rotation.cpp).
#include "windows_child_output.hpp"

#include <windows.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "daemonize/core/paths.hpp"

namespace daemonize::logs {
namespace {

constexpr DWORD kPipeBuffer = 1024 * 1024;  // a suggestion to the system
constexpr std::size_t kReadBuffer = std::size_t{128} * 1024;
constexpr auto kHousekeepingInterval = std::chrono::seconds(30);
// How long the watchdog waits at exit for readers whose pipe is still open. The child's tree is
// gone by then (its job was closed), so end of file comes at once in practice.
constexpr auto kDrainTimeout = std::chrono::seconds(5);

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

std::string win32_error(const char* what) {
  return std::string(what) + " failed (error " + std::to_string(GetLastError()) + ")";
}

struct Sink {
  std::unique_ptr<CompressionWorker> worker;  // declared first: destroyed after the writer
  std::unique_ptr<RotatingLogWriter> writer;
};

struct Reader {
  HANDLE pipe = INVALID_HANDLE_VALUE;  // the read end (overlapped)
  RotatingLogWriter* writer = nullptr;
  int stream = 0;
  bool done = false;  // guarded by PipeCapture::mutex_
  std::thread thread;
  ~Reader() {
    if (thread.joinable()) thread.join();
    if (pipe != INVALID_HANDLE_VALUE) CloseHandle(pipe);
  }
};

class PipeCapture final : public WindowsChildOutput {
 public:
  PipeCapture(const LogsConfig& logs, LogReporter report)
      : logs_(logs),
        report_(std::move(report)),
        abort_(CreateEventW(nullptr, TRUE, FALSE, nullptr)) {
    const bool to_file = logs.stdout_stream.kind == LogStream::Kind::file ||
                         logs.stderr_stream.kind == LogStream::Kind::file;
    if (!to_file) return;
    if (const int made = windows_log_file_system().make_directory(logs.directory); made != 0) {
      throw std::runtime_error("cannot create log directory " + logs.directory + ": " +
                               std::strerror(-made));
    }
    for (const LogStream* stream : {&logs.stdout_stream, &logs.stderr_stream}) {
      if (stream->kind != LogStream::Kind::file || sinks_.count(stream->file_name)) continue;
      // A file that cannot be opened now would drop every line from the first: refuse to
      // start instead (later failures, a full disk, are reported and survived).
      if (const int error =
              probe_log_file(windows_log_file_system(), logs.directory, stream->file_name)) {
        throw std::runtime_error("cannot open log file " +
                                 join_path(logs.directory, stream->file_name) + ": " +
                                 std::strerror(error));
      }
      const RotationSettings settings = settings_for(logs, stream->file_name);
      Sink& sink = sinks_[stream->file_name];
      if (settings.compress) {
        sink.worker =
            std::make_unique<CompressionWorker>(windows_log_file_system(), settings, report_);
      }
      sink.writer = std::make_unique<RotatingLogWriter>(
          settings, windows_log_file_system(), [] { return std::chrono::system_clock::now(); },
          report_, sink.worker.get());
    }
    housekeeping_ = std::thread([this] { housekeep(); });
  }

  ~PipeCapture() override {
    child_spawned();
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, kDrainTimeout, [this] {
        return std::all_of(readers_.begin(), readers_.end(),
                           [](const std::unique_ptr<Reader>& r) { return r->done; });
      });
      stopping_ = true;
    }
    SetEvent(abort_);  // readers still waiting give up (their partial lines are still written)
    changed_.notify_all();
    readers_.clear();  // joins
    if (housekeeping_.joinable()) housekeeping_.join();
    sinks_.clear();  // writers flush partial lines, workers finish their queue
    CloseHandle(abort_);
  }

  std::string open_for_spawn(ChildHandles& handles) override {
    child_spawned();
    reap_finished();
    std::string error = open_stream(logs_.stdout_stream, stdout_);
    if (error.empty()) error = open_stream(logs_.stderr_stream, stderr_);
    handles.stdout_handle = stdout_;
    handles.stderr_handle = stderr_;
    return error;
  }

  void child_spawned() override {
    for (HANDLE* handle : {&stdout_, &stderr_}) {
      if (*handle != nullptr) CloseHandle(*handle);
      *handle = nullptr;
    }
  }

 private:
  std::string open_stream(const LogStream& stream, HANDLE& handle) {
    switch (stream.kind) {
      case LogStream::Kind::inherit: {
        HANDLE own =
            GetStdHandle(&stream == &logs_.stdout_stream ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
        if (own == nullptr || own == INVALID_HANDLE_VALUE) return "";  // a service has none
        if (!DuplicateHandle(GetCurrentProcess(), own, GetCurrentProcess(), &handle, 0, FALSE,
                             DUPLICATE_SAME_ACCESS)) {
          handle = nullptr;
        }
        return "";
      }
      case LogStream::Kind::null:
        handle = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                             OPEN_EXISTING, 0, nullptr);
        if (handle == INVALID_HANDLE_VALUE) {
          handle = nullptr;
          return win32_error("CreateFileW(NUL)");
        }
        return "";
      case LogStream::Kind::file:
        return open_pipe(*sinks_.at(stream.file_name).writer, handle);
    }
    return "";
  }

  // A named pipe (anonymous pipes cannot be read with overlapped I/O, which is what lets a
  // reader give up at exit): the read end stays here, the write end goes to the child.
  std::string open_pipe(RotatingLogWriter& writer, HANDLE& write_end) {
    static std::atomic<unsigned long> serial{0};
    const std::wstring name = L"\\\\.\\pipe\\daemonize-output-" +
                              std::to_wstring(GetCurrentProcessId()) + L"-" +
                              std::to_wstring(++serial);
    HANDLE read_end = CreateNamedPipeW(
        name.c_str(), PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
        PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT, 1, 0, kPipeBuffer, 0, nullptr);
    if (read_end == INVALID_HANDLE_VALUE) return win32_error("CreateNamedPipeW");
    write_end = CreateFileW(name.c_str(), GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                            FILE_ATTRIBUTE_NORMAL, nullptr);
    if (write_end == INVALID_HANDLE_VALUE) {
      write_end = nullptr;
      const std::string error = win32_error("CreateFileW(pipe)");
      CloseHandle(read_end);
      return error;
    }
    auto reader = std::make_unique<Reader>();
    reader->pipe = read_end;
    reader->writer = &writer;
    reader->stream = next_stream_id_++;
    Reader& started = *reader;
    {
      std::lock_guard lock(mutex_);
      readers_.push_back(std::move(reader));
    }
    started.thread = std::thread([this, &started] { drain(started); });
    return "";
  }

  // Reads until end of file: every process holding the write end (the child and whatever it
  // started) has exited. Nothing the child wrote before it exited is lost.
  void drain(Reader& reader) {
    std::vector<char> buffer(kReadBuffer);
    HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    for (;;) {
      if (WaitForSingleObject(abort_, 0) == WAIT_OBJECT_0) break;
      OVERLAPPED overlapped{};
      overlapped.hEvent = event;
      DWORD got = 0;
      BOOL ok = ReadFile(reader.pipe, buffer.data(), static_cast<DWORD>(buffer.size()), nullptr,
                         &overlapped);
      DWORD error = ok ? ERROR_SUCCESS : GetLastError();
      if (ok || error == ERROR_IO_PENDING) {
        if (!ok) {
          HANDLE waits[2] = {event, abort_};
          if (WaitForMultipleObjects(2, waits, FALSE, INFINITE) != WAIT_OBJECT_0)
            CancelIoEx(reader.pipe, &overlapped);
        }
        ok = GetOverlappedResult(reader.pipe, &overlapped, &got, TRUE);
        error = ok ? ERROR_SUCCESS : GetLastError();
      }
      if (got > 0) {
        std::lock_guard lock(mutex_);
        reader.writer->append(reader.stream, {buffer.data(), got});
      }
      // ERROR_BROKEN_PIPE is the end of file; ERROR_OPERATION_ABORTED the give-up at exit.
      if (!ok && error != ERROR_MORE_DATA) break;
    }
    CloseHandle(event);
    std::lock_guard lock(mutex_);
    reader.writer->finish_stream(reader.stream);
    reader.done = true;
    changed_.notify_all();
  }

  void reap_finished() {
    std::vector<std::unique_ptr<Reader>> finished;
    {
      std::lock_guard lock(mutex_);
      for (auto& reader : readers_) {
        if (reader->done) finished.push_back(std::move(reader));
      }
      std::erase_if(readers_, [](const std::unique_ptr<Reader>& r) { return r == nullptr; });
    }
    finished.clear();  // joins outside the lock
  }

  // Time rotation when the child is quiet, and reopening a file removed under us.
  void housekeep() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(kHousekeepingInterval);
      const auto now = std::chrono::system_clock::now();
      for (auto& [name, sink] : sinks_) {
        if (auto next = sink.writer->next_time_rotation()) {
          const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(
              *next - now + std::chrono::milliseconds(1));
          delay = std::max(std::chrono::milliseconds(0), std::min(delay, until));
        }
      }
      changed_.wait_for(lock, delay, [this] { return stopping_; });
      if (stopping_) break;
      for (auto& [name, sink] : sinks_) sink.writer->tick();
    }
  }

  LogsConfig logs_;
  LogReporter report_;
  HANDLE abort_;
  std::map<std::string, Sink> sinks_;  // by file name: stdout and stderr may share one
  std::mutex mutex_;                   // the writers, readers_ and the done flags
  std::condition_variable changed_;    // a reader finished, or stopping_
  std::vector<std::unique_ptr<Reader>> readers_;
  std::thread housekeeping_;
  bool stopping_ = false;
  int next_stream_id_ = 1;
  HANDLE stdout_ = nullptr;  // the child's ends until child_spawned()
  HANDLE stderr_ = nullptr;
};

}  // namespace

std::unique_ptr<WindowsChildOutput> make_windows_child_output(const LogsConfig& logs,
                                                              LogReporter report) {
  return std::make_unique<PipeCapture>(logs, std::move(report));
}

}  // namespace daemonize::logs
