// The Windows runtime's pieces that call the Windows API (compiled only for Windows):
// text conversion, the Job Object that holds the child's tree, the console used for CTRL_BREAK,
// the Event Log and the SCM service host. The decisions live in runtime_decisions.hpp.
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
#include "daemonize/windows/runtime_decisions.hpp"

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
  bool has_console = false;  // shares a console with the watchdog (CTRL_BREAK can reach it)
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
};

// Returns the child, or std::nullopt with `error` naming the failed step.
[[nodiscard]] std::optional<ChildProcess> spawn_in_job(const SpawnRequest& request,
                                                       std::string& error);
// Processes still alive in the job (JobObjectBasicAccountingInformation.ActiveProcesses).
[[nodiscard]] DWORD active_processes(HANDLE job);

// ChildStopControl on a real child: CTRL_BREAK through the console it shares with the watchdog,
// TerminateJobObject on its job.
class JobStopControl final : public ChildStopControl {
 public:
  explicit JobStopControl(const ChildProcess& child) : child_(child) {}
  [[nodiscard]] bool child_has_console() const override { return child_.has_console; }
  bool send_ctrl_break(std::uint32_t process_group, std::string& error) override;
  bool terminate_job(std::string& error) override;

 private:
  const ChildProcess& child_;
};

// Gives the watchdog a console its children can share when it has none (service host,
// daemonizew.exe): AllocConsole with the window hidden at once. Returns false when none exists.
bool ensure_hidden_console();

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

// The body of the service: gets the stop event (set on STOP, PRESHUTDOWN, SHUTDOWN) and the sink;
// returns the watchdog's exit code, reported as SERVICE_STOPPED.
using ServiceBody = std::function<int(HANDLE stop_event, ServiceStatusSink& status)>;

// StartServiceCtrlDispatcherW on the calling thread; ServiceMain runs `body` on the SCM's thread.
// Returns the body's exit code, or 69 when the process was not started by the SCM.
[[nodiscard]] int run_service_host(Duration stop_timeout, ServiceBody body);

}  // namespace daemonize::windows
