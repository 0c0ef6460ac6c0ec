// The Windows watchdog's pieces that call the Windows API (compiled only for Windows):
// text conversion, the Job Object that holds the child's tree, the stop steps (console events
// through a helper, window and thread messages), the Event Log and the SCM service host. The
// decisions live in runtime_decisions.hpp.
#pragma once

#include <windows.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/model.hpp"
#include "daemonize/watchdog/runtime_decisions.hpp"

namespace daemonize::windows {

[[nodiscard]] std::wstring widen(std::string_view utf8);
[[nodiscard]] std::string narrow(std::wstring_view utf16);
// A UTF-8 path as std::filesystem::path (mingw's path(std::string) would use the ANSI code page).
[[nodiscard]] std::filesystem::path to_path(const std::string& utf8);
// "FormatMessage text (error N)".
[[nodiscard]] std::string error_text(DWORD error);
[[nodiscard]] std::string last_error_text();

// The watchdog's environment as UTF-8.
[[nodiscard]] std::map<std::string, std::string> current_environment();

// A handle closed on destruction.
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(HANDLE handle) : handle_(handle) {}
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  UniqueHandle(UniqueHandle&& other) noexcept : handle_(other.release()) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept;
  ~UniqueHandle() { reset(); }
  [[nodiscard]] HANDLE get() const { return handle_; }
  [[nodiscard]] bool valid() const { return handle_ != nullptr && handle_ != INVALID_HANDLE_VALUE; }
  HANDLE release();
  void reset(HANDLE handle = nullptr);

 private:
  HANDLE handle_ = nullptr;
};

// The child's process and its Job Object (KILL_ON_JOB_CLOSE plus the [limits]): created
// suspended, assigned to the job, then resumed, so not even its first instruction runs outside
// the job. Only NUL (stdin) and the two output handles (the write ends of the log pipes, or
// NUL/the watchdog's own) are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST).
struct ChildProcess {
  UniqueHandle job;
  UniqueHandle process;
  DWORD pid = 0;
};

struct SpawnRequest {
  std::string executable;
  std::vector<std::string> argv;
  std::map<std::string, std::string> environment;
  std::string working_directory;
  HANDLE stdout_handle = nullptr;  // inheritable or not: duplicated for the child; null = NUL
  HANDLE stderr_handle = nullptr;  // the same as stdout_handle: shared; null = NUL
  std::optional<std::uint64_t> memory_limit;  // bytes (JOB_OBJECT_LIMIT_JOB_MEMORY)
  std::optional<double> cpu_limit;            // cores (JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP)
  // The child gets a console of its own (hidden), so Ctrl+C can reach it and nothing else; the
  // stop helper gets none (DETACHED_PROCESS): it attaches to the child's.
  bool own_console = true;
};

// Returns the child, or std::nullopt with `error` naming the failed step.
[[nodiscard]] std::optional<ChildProcess> spawn_in_job(const SpawnRequest& request,
                                                       std::string& error);
// The creation time of `process` in 100 ns ticks since 1601 (FILETIME), 0 when unknown: with the
// pid it tells the child apart from a later process with the same pid (the state file's
// child_start_ticks, which are clock ticks since boot on POSIX).
[[nodiscard]] std::uint64_t process_creation_ticks(HANDLE process);
// The program's processes in `job` (JobObjectBasicProcessIdList), without console hosts: the
// conhost.exe of a console program's own console ends with that console and is nothing the
// program left behind (it must not be stopped as a leftover). Empty when the query fails.
[[nodiscard]] std::vector<DWORD> job_process_ids(HANDLE job);

// ChildStopControl on a real child (windows_stop.cpp): Ctrl+C / Ctrl+Break through the stop
// helper, WM_CLOSE to the job's top-level windows, WM_QUIT to its threads, TerminateJobObject.
class JobStopControl final : public ChildStopControl {
 public:
  // main_only (stop.kill = "mixed"): the steps reach the main process, not the rest of the job.
  explicit JobStopControl(const ChildProcess& child, bool main_only = false)
      : child_(child), main_only_(main_only) {}
  StopStepResult perform(StopStep step) override;

 private:
  StopStepResult console_event(bool ctrl_break);
  StopStepResult close_windows();
  StopStepResult quit_threads();
  StopStepResult terminate_job();
  const ChildProcess& child_;
  bool main_only_ = false;
};

// The stop helper's body (`daemonize.exe internal-ctrl-c PID [--break]`): CTRL_C_EVENT cannot be
// sent to a process group, only to every process of the caller's console, so a separate process
// leaves its own console, attaches to the program's and generates the event there, ignoring it
// itself. Returns 0 when the event was generated; otherwise writes the failed call to stderr.
[[nodiscard]] int console_ctrl_helper(DWORD pid, bool ctrl_break);

// Event Log entries of the watchdog's own start, stop and give-up (event source = service name,
// registered at install; unregistered sources still log, with a generic description).
class EventLog {
 public:
  explicit EventLog(const std::string& source);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  void info(const std::string& message) { report(EVENTLOG_INFORMATION_TYPE, message); }
  void warning(const std::string& message) { report(EVENTLOG_WARNING_TYPE, message); }
  void error(const std::string& message) { report(EVENTLOG_ERROR_TYPE, message); }

 private:
  void report(WORD type, const std::string& message);
  HANDLE source_ = nullptr;
};

// What the watchdog loop tells the SCM (nothing when not running as a service).
class ServiceStatusSink {
 public:
  virtual ~ServiceStatusSink() = default;
  virtual void starting() = 0;
  virtual void running() = 0;
  virtual void stopping() = 0;
  virtual void tick() = 0;  // next checkpoint while pending
};

// The body of the service: gets the stop event (set on STOP, PRESHUTDOWN, SHUTDOWN), the reload
// event (set on windows_control::reload) and the sink; returns the watchdog's exit code, reported
// as SERVICE_STOPPED.
using ServiceBody =
    std::function<int(HANDLE stop_event, HANDLE reload_event, ServiceStatusSink& status)>;

// StartServiceCtrlDispatcherW on the calling thread; ServiceMain runs `body` on the SCM's thread.
// Returns the body's exit code, or 69 when the process was not started by the SCM.
[[nodiscard]] int run_service_host(Duration stop_timeout, ServiceBody body);

}  // namespace daemonize::windows
