// The Windows watchdog's decisions, kept free of <windows.h> so they compile and are unit-tested
// on every host (tests/windows-runtime): what the SCM is told in each phase (state, checkpoint,
// wait hint, accepted controls, exit codes), the stop sequence (Ctrl+C, WM_CLOSE, WM_QUIT, then
// TerminateJobObject) and the Job Object's limits. The code that calls the
// Windows API (watchdog/src/windows_*.cpp) only carries these decisions out.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/model.hpp"
#include "daemonize/core/windows_stop_budget.hpp"  // preshutdown_timeout(): the STOP_PENDING wait hint

namespace daemonize::windows {

// winsvc.h / winerror.h values, spelled out so this header needs no Windows SDK.
namespace scm {
inline constexpr std::uint32_t kStopped = 1;                  // SERVICE_STOPPED
inline constexpr std::uint32_t kStartPending = 2;             // SERVICE_START_PENDING
inline constexpr std::uint32_t kStopPending = 3;              // SERVICE_STOP_PENDING
inline constexpr std::uint32_t kRunning = 4;                  // SERVICE_RUNNING
inline constexpr std::uint32_t kAcceptStop = 0x1;             // SERVICE_ACCEPT_STOP
inline constexpr std::uint32_t kAcceptShutdown = 0x4;         // SERVICE_ACCEPT_SHUTDOWN
inline constexpr std::uint32_t kAcceptPreshutdown = 0x100;    // SERVICE_ACCEPT_PRESHUTDOWN
inline constexpr std::uint32_t kNoError = 0;                  // NO_ERROR
inline constexpr std::uint32_t kServiceSpecificError = 1066;  // ERROR_SERVICE_SPECIFIC_ERROR
}  // namespace scm

// One SetServiceStatus call's worth of SERVICE_STATUS fields.
struct ServiceStatusReport {
  std::uint32_t state = scm::kStopped;
  std::uint32_t controls_accepted = 0;
  std::uint32_t win32_exit_code = scm::kNoError;
  std::uint32_t service_specific_exit_code = 0;
  std::uint32_t checkpoint = 0;
  std::uint32_t wait_hint_ms = 0;
  friend bool operator==(const ServiceStatusReport&, const ServiceStatusReport&) = default;
};

// The SCM's view of the watchdog, phase by phase. Pending states carry a checkpoint that grows
// with every report (the SCM treats a checkpoint that stops moving past the wait hint as a hung
// service); RUNNING and STOPPED carry checkpoint 0, as the SCM requires.
class ServiceStatusTracker {
 public:
  explicit ServiceStatusTracker(Duration stop_timeout);

  ServiceStatusReport starting();  // START_PENDING, next checkpoint
  ServiceStatusReport running();   // RUNNING: accepts STOP, PRESHUTDOWN, SHUTDOWN
  ServiceStatusReport stopping();  // STOP_PENDING, next checkpoint, wait hint = stop budget
  // STOPPED. 0 → NO_ERROR; any other code → ERROR_SERVICE_SPECIFIC_ERROR with that code, so a
  // give-up (75) is visible in `sc query` and, with failure flag 0, final (no recovery action).
  ServiceStatusReport stopped(int exit_code);
  // A heartbeat while pending (the same state, next checkpoint); the last report otherwise.
  ServiceStatusReport tick();
  // INTERROGATE: the last report, unchanged.
  [[nodiscard]] const ServiceStatusReport& current() const { return current_; }

 private:
  ServiceStatusReport pending(std::uint32_t state, std::uint32_t wait_hint_ms);
  std::uint32_t stop_wait_hint_ms_;
  ServiceStatusReport current_;
};

// One step of a stop on Windows, in the order NSSM taught operators to expect.
enum class StopStep {
  ctrl_c,         // Ctrl+C to the program's console (a helper attaches to it and generates it)
  ctrl_break,     // Ctrl+Break the same way (stop.signal QUIT)
  close_windows,  // WM_CLOSE to the top-level windows of the job's processes
  quit_threads,   // WM_QUIT to the job's threads that have a message queue
  terminate_job,  // TerminateJobObject: the whole tree ends at once
};
[[nodiscard]] std::string_view to_string(StopStep step);

// A step and the time, counted from the start of the stop, until which the program may react to
// it before the next step follows.
struct TimedStopStep {
  StopStep step = StopStep::terminate_job;
  Duration until{0};
  friend bool operator==(const TimedStopStep&, const TimedStopStep&) = default;
};

// stop.signal mapped onto the sequence (docs/targets/windows-runtime.md): KILL, or a timeout of
// 0, terminates the job at once; QUIT starts with Ctrl+Break; every other signal with Ctrl+C.
// The console step may use the first half of stop.timeout, WM_CLOSE the third quarter, WM_QUIT
// the last; then the Supervisor's stop.timeout terminates the job.
[[nodiscard]] std::vector<TimedStopStep> stop_steps(Signal signal, Duration timeout);

// What one step did: `reached` when it got to at least one process (the console event was
// generated, a window or thread took the message, the job was terminated).
struct StopStepResult {
  bool reached = false;
  std::string detail;  // "sent to the console of pid 12", "AttachConsole(12): ..." ...
};

// The seam between the stop sequence and the Windows calls (JobStopControl in the runtime).
class ChildStopControl {
 public:
  virtual ~ChildStopControl() = default;
  virtual StopStepResult perform(StopStep step) = 0;
};

struct StopProgress {
  std::vector<std::string> log;     // one line per step taken, for the watchdog's log
  std::optional<Duration> next_at;  // call advance() again then (from the stop's start)
  bool terminated = false;          // the job was terminated (nothing more will follow)
};

// The stop sequence of one stop. advance() takes every step that is due at `elapsed`: a step
// that reaches nothing hands over to the next one at once (it passes its time on), so a program
// without a console gets WM_CLOSE immediately. When no step reached anything the job is
// terminated at once rather than after a pointless wait; otherwise, after the last step, the
// Supervisor's stop.timeout timer ends the job (KillTree).
class StopSequence {
 public:
  StopSequence(Signal signal, Duration timeout);
  StopProgress advance(Duration elapsed, ChildStopControl& control);
  [[nodiscard]] const std::vector<TimedStopStep>& steps() const { return steps_; }

 private:
  std::vector<TimedStopStep> steps_;
  std::size_t next_ = 0;
  Duration due_at_{0};
  bool reached_any_ = false;
  bool finished_ = false;  // every step taken: later calls do nothing
};

// JOBOBJECT_CPU_RATE_CONTROL_INFORMATION.CpuRate for `cores` on a machine with `processors`
// logical processors: the share of the whole machine in 1/100 of a percent, 1..10000, or
// std::nullopt when the limit would not limit anything (cores >= processors).
[[nodiscard]] std::optional<std::uint32_t> cpu_rate_for(double cores, unsigned processors);

}  // namespace daemonize::windows
