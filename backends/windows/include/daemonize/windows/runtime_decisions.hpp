// The Windows runtime's decisions, kept free of <windows.h> so they compile and are unit-tested
// on every host (tests/windows-runtime): what the SCM is told in each phase (state, checkpoint,
// wait hint, accepted controls, exit codes), how a stop reaches the child (CTRL_BREAK through a
// shared console, or TerminateJobObject), and the Job Object's limits. The code that calls the
// Windows API (backends/windows/src/runtime/windows_*.cpp) only carries these decisions out.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "daemonize/core/model.hpp"

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

// Time the SCM waits for the service after PRESHUTDOWN (SERVICE_PRESHUTDOWN_INFO, set at
// install): stop.timeout plus 15 s for the watchdog's own shutdown. The STOP_PENDING wait hint
// uses the same budget.
[[nodiscard]] std::chrono::milliseconds preshutdown_timeout(Duration stop_timeout);

// How the stop signal reaches the child: the seam between the decision and the Windows calls.
class ChildStopControl {
 public:
  virtual ~ChildStopControl() = default;
  // True when the child shares a console with the watchdog (created without DETACHED_PROCESS),
  // the only way a console control event can reach it.
  [[nodiscard]] virtual bool child_has_console() const = 0;
  // GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, process_group). False with `error` on failure.
  virtual bool send_ctrl_break(std::uint32_t process_group, std::string& error) = 0;
  // TerminateJobObject on the child's job: the whole tree ends at once.
  virtual bool terminate_job(std::string& error) = 0;
};

struct StopDelivery {
  bool ctrl_break_sent = false;  // the child got CTRL_BREAK: wait up to stop.timeout
  bool terminated = false;       // the job was terminated right away
  std::string message;           // one line for the watchdog's log
};

// stop.signal on Windows (manifest.md): KILL terminates the job; every other signal becomes
// CTRL_BREAK to the child's process group (CTRL_C cannot target a group). When no console event
// can be delivered (no shared console, or the call fails, as under Wine), waiting stop.timeout
// would only delay the inevitable, so the job is terminated at once and the log says why.
StopDelivery deliver_stop(Signal signal, std::uint32_t process_group, ChildStopControl& control);

// JOBOBJECT_CPU_RATE_CONTROL_INFORMATION.CpuRate for `cores` on a machine with `processors`
// logical processors: the share of the whole machine in 1/100 of a percent, 1..10000, or
// std::nullopt when the limit would not limit anything (cores >= processors).
[[nodiscard]] std::optional<std::uint32_t> cpu_rate_for(double cores, unsigned processors);

}  // namespace daemonize::windows
