// The watchdog's decisions as a pure state machine: Supervisor::on(Event) -> Actions.
//
// The supervisor never touches the host. The driver (watchdog/) turns OS happenings (a child
// reaped, a signal to the watchdog, a timer) into events and carries out the returned actions
// (spawn, signal, arm the single timer, notify the service manager, write the state file, exit).
// Time comes from an injected clock, so tests step through it event by event without sleeping.
//
//   idle --Start--> starting --Spawned--> running --ChildExited--> backing_off --Timer--> starting
//                      |                     |                         |
//                      +--SpawnFailed--------+--StopRequested--> stopping --TreeEmpty--> stopped
//                                            +-- too many restarts in window ----------> gave_up
//
// `stopping` is also used after an unrequested exit when the child left descendants behind:
// they get stop.signal, then SIGKILL after stop.timeout, and only then the restart decision
// is carried out, so two generations of the service never overlap.
//
// [hooks] run one command at a time (RunHook, answered by HookFinished; the driver enforces each
// command's timeout): pre_start in `starting` before SpawnChild (a failure is a failed start),
// post_start in `running` before READY=1, stop in `stopping` before stop.signal (the signal is
// the fallback for a program still running when they end), post_stop in `stopping` once the
// tree is empty and before the restart or exit decision is carried out, reload in `running`
// instead of the reload signal. A hook sequence that is overtaken (the child exits during
// post_start, a stop during pre_start) is cancelled (CancelHook).
//
// stop.kill = "main": stop.signal and the final kill reach the main process only; what it
// started is never waited for or stopped (ChildExited is handled as if the tree were empty).
// stop.kill = "mixed": stop.signal reaches the main process only; once it is gone (or at
// stop.timeout) everything left is killed, as systemd's KillMode=mixed. stop.timeout infinite:
// no timer, the stop waits for the processes. restart.prevent_exit_codes: such an exit is a
// failure (the watchdog exits with it) and is never restarted. [hooks] reload with
// reload.signal_after_hooks: the signal follows the hooks when none failed.
// [service] type changes what "started" means (docs/watchdog.md, "Service types"):
//   forking  the launcher runs while `starting`; its exit 0 starts the reading of pid_file
//            (ReadPidFile, answered by MainPidFound or PidFileUnusable, polled with the timer
//            until start_timeout); the verified pid is adopted (AdoptMain) and is the program
//            from then on. A non-zero launcher exit or no usable pid in time is a failed start.
//   notify   `running` but not ready until the program's own READY=1 (ProgramReady); none
//            within start_timeout is a failed start. MAINPID= moves the main process.
//   oneshot  ready only when the program exits with a success code; then `exited` (with
//            remain_after_exit, until a stop) or the watchdog exits 0. Success never restarts.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemonize/core/model.hpp"

namespace daemonize {

// exited: a oneshot with remain_after_exit that succeeded (active, nothing runs).
// clang-format off
enum class SupervisorState { idle, starting, running, stopping, backing_off, stopped, gave_up, exited };
// clang-format on

[[nodiscard]] const char* to_string(SupervisorState state);

// How a child ended: exit code, killed by a signal, or never started (exec failed).
struct ExitStatus {
  enum class Kind { exited, signaled, spawn_failed, pre_start_failed };
  Kind kind = Kind::exited;
  int value = 0;  // exit code (exited) or signal number (signaled); 0 for spawn_failed

  [[nodiscard]] static ExitStatus exited(int code) { return {Kind::exited, code}; }
  [[nodiscard]] static ExitStatus signaled(int signal) { return {Kind::signaled, signal}; }
  [[nodiscard]] static ExitStatus spawn_failed() { return {Kind::spawn_failed, 0}; }
  // A pre_start hook failed (value: its exit code, or 1 when it was killed or timed out).
  [[nodiscard]] static ExitStatus pre_start_failed(int code) {
    return {Kind::pre_start_failed, code};
  }
  // "exit code 3", "signal 9 (KILL)", "spawn failed".
  [[nodiscard]] std::string describe() const;
  friend bool operator==(const ExitStatus&, const ExitStatus&) = default;
};

// Time source of the supervisor. steady_now() drives every decision; system_now() only
// timestamps what the state file shows.
class SupervisorClock {
 public:
  virtual ~SupervisorClock() = default;
  [[nodiscard]] virtual std::chrono::steady_clock::time_point steady_now() const = 0;
  [[nodiscard]] virtual std::chrono::system_clock::time_point system_now() const = 0;
};

// The real clocks.
class SystemSupervisorClock final : public SupervisorClock {
 public:
  [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override;
  [[nodiscard]] std::chrono::system_clock::time_point system_now() const override;
};

namespace supervisor_event {
struct Start {};  // the watchdog finished its start-up checks
struct Spawned {
  int pid = 0;
  int process_group = 0;
};  // the child exec'd successfully
struct SpawnFailed {
  std::string reason;
};  // fork/exec or child-side setup failed
// The main child was reaped. tree_empty: no other supervised process (adopted descendant) is left.
struct ChildExited {
  ExitStatus status;
  bool tree_empty = true;
};
struct TreeEmpty {};     // the last supervised process is gone
struct TimerExpired {};  // the single timer armed by StartTimer fired
struct StopRequested {
  std::string reason;
};                          // SIGTERM/SIGINT to the watchdog, SCM stop...
struct ReloadRequested {};  // SIGHUP to the watchdog
struct Ready {};            // first healthy probe ([health])
// Restart the running child (e.g. health: retries failed probes); counted by the restart policy.
struct RestartRequested {
  std::string reason;
};
// The hook started by RunHook `id` ended (timed_out: the driver killed it at its timeout).
struct HookFinished {
  std::uint64_t id = 0;
  ExitStatus status;
  bool timed_out = false;
};
// [service] type = "notify": the program sent READY=1 on its NOTIFY_SOCKET.
struct ProgramReady {};
// A verified pid of the service: read from pid_file (forking) or sent as MAINPID= (notify).
struct MainPidFound {
  int pid = 0;
};
// forking: pid_file is missing, unreadable or names no process of the service (yet).
struct PidFileUnusable {
  std::string reason;
};
}  // namespace supervisor_event

using SupervisorEvent =
    std::variant<supervisor_event::Start, supervisor_event::Spawned, supervisor_event::SpawnFailed,
                 supervisor_event::ChildExited, supervisor_event::TreeEmpty,
                 supervisor_event::TimerExpired, supervisor_event::StopRequested,
                 supervisor_event::ReloadRequested, supervisor_event::Ready,
                 supervisor_event::RestartRequested, supervisor_event::HookFinished,
                 supervisor_event::ProgramReady, supervisor_event::MainPidFound,
                 supervisor_event::PidFileUnusable>;

enum class SupervisorLogLevel { debug, info, notice, warning, error };

namespace supervisor_action {
struct SpawnChild {};  // answer with Spawned or SpawnFailed
// Send `signal` to the child's process group and to every adopted descendant outside it
// (main_only, stop.kill = "main": to the main process alone).
struct SignalTree {
  Signal signal = Signal::term;
  bool main_only = false;
};
struct SignalMainChild {
  Signal signal = Signal::hangup;
};  // reload: the main process only
// SIGKILL to every supervised process left (main_only: to the main process); TreeEmpty follows.
struct KillTree {
  bool main_only = false;
};
// Run hooks.<phase>[index] (answer with HookFinished{id}); kill its process tree after `timeout`.
struct RunHook {
  std::uint64_t id = 0;
  HookPhase phase = HookPhase::pre_start;
  std::size_t index = 0;
  Duration timeout{0};
};
struct CancelHook {};  // kill the running hook's tree; no HookFinished is expected for it
struct StartTimer {
  Duration after{0};
};  // (re)arms the single timer
struct CancelTimer {};
struct NotifyReady {};  // READY=1 (sent at most once)
struct NotifyStatus {
  std::string text;
};                         // STATUS=...
struct NotifyStopping {};  // STOPPING=1
struct Log {
  SupervisorLogLevel level = SupervisorLogLevel::info;
  std::string message;
};
struct PersistState {};  // write the state file from snapshot()
struct Exit {
  int code = 0;
};  // the watchdog exits with this code
// forking: read pid_file now; answer with MainPidFound or PidFileUnusable.
struct ReadPidFile {};
// From now on `pid` is the main process: its exit is the program's exit.
struct AdoptMain {
  int pid = 0;
};
}  // namespace supervisor_action

using SupervisorAction = std::variant<
    supervisor_action::SpawnChild, supervisor_action::SignalTree,
    supervisor_action::SignalMainChild, supervisor_action::KillTree, supervisor_action::StartTimer,
    supervisor_action::CancelTimer, supervisor_action::NotifyReady, supervisor_action::NotifyStatus,
    supervisor_action::NotifyStopping, supervisor_action::Log, supervisor_action::PersistState,
    supervisor_action::Exit, supervisor_action::RunHook, supervisor_action::CancelHook,
    supervisor_action::ReadPidFile, supervisor_action::AdoptMain>;

using SupervisorActions = std::vector<SupervisorAction>;

struct SupervisorOptions {
  RestartConfig restart;
  StopConfig stop;
  ReloadConfig reload;
  HooksConfig hooks;  // effective_hooks(): [reload] command is hooks.reload
  // false: READY=1 as soon as the child exec'd; true: wait for a Ready event (health checks).
  bool ready_requires_event = false;
  // [service] type and its companions.
  ServiceType type = ServiceType::simple;
  bool remain_after_exit = false;
  // forking: the launcher's exit and a usable pid_file; notify: READY=1. systemd's default
  // TimeoutStartSec.
  Duration start_timeout = std::chrono::seconds(90);
  Duration pid_file_poll = std::chrono::milliseconds(100);  // forking: re-read pid_file this often
};

// The supervisor options of `service` (restart, stop, reload, type); `health`: [health] probes.
[[nodiscard]] SupervisorOptions supervisor_options(const Service& service, bool health);

// Everything the state file shows, as of the last event.
struct SupervisorSnapshot {
  SupervisorState state = SupervisorState::idle;
  int pid = 0;            // main child, 0 when none
  int process_group = 0;  // of the current/last child, 0 when none
  bool ready = false;
  std::uint64_t restarts = 0;            // restarts scheduled since the watchdog started
  std::uint64_t restarts_in_window = 0;  // those inside restart.window, as of the last decision
  std::optional<ExitStatus> last_exit;
  std::string last_restart_reason;      // "exit code 1", "signal 11 (SEGV)", "health"...
  Duration next_delay{0};               // the delay the next restart would wait
  std::vector<Duration> recent_delays;  // the last backoff delays, oldest first (at most 32)
  std::optional<std::chrono::system_clock::time_point> child_started_at;
  std::optional<std::chrono::system_clock::time_point> last_exit_at;
  std::chrono::system_clock::time_point changed_at{};
  std::optional<int> exit_code;  // set once the supervisor decided to exit
};

class Supervisor {
 public:
  Supervisor(SupervisorOptions options, const SupervisorClock& clock);

  // Feeds one event; returns what the driver must do, in order.
  [[nodiscard]] SupervisorActions on(const SupervisorEvent& event);

  [[nodiscard]] SupervisorState state() const { return state_; }
  [[nodiscard]] const SupervisorSnapshot& snapshot() const { return snapshot_; }

 private:
  enum class After { restart, exit };

  void handle(const supervisor_event::Start&, SupervisorActions& out);
  void handle(const supervisor_event::Spawned& event, SupervisorActions& out);
  void handle(const supervisor_event::SpawnFailed& event, SupervisorActions& out);
  void handle(const supervisor_event::ChildExited& event, SupervisorActions& out);
  void handle(const supervisor_event::TreeEmpty&, SupervisorActions& out);
  void handle(const supervisor_event::TimerExpired&, SupervisorActions& out);
  void handle(const supervisor_event::StopRequested& event, SupervisorActions& out);
  void handle(const supervisor_event::ReloadRequested&, SupervisorActions& out);
  void handle(const supervisor_event::Ready&, SupervisorActions& out);
  void handle(const supervisor_event::RestartRequested& event, SupervisorActions& out);
  void handle(const supervisor_event::HookFinished& event, SupervisorActions& out);

  // [hooks]
  void begin_start(SupervisorActions& out);
  void started(bool log, SupervisorActions& out);  // the program runs and passed its gates
  void become_ready(bool log, SupervisorActions& out);
  void stop_running(SupervisorActions& out);
  void after_stop_hooks(SupervisorActions& out);
  bool run_hooks(HookPhase phase, SupervisorActions& out);  // false when there are none
  void run_current_hook(SupervisorActions& out);
  void hooks_done(HookPhase phase, SupervisorActions& out);
  void hook_failed(HookPhase phase, const std::string& detail, int code, SupervisorActions& out);
  void cancel_hook(SupervisorActions& out);
  [[nodiscard]] bool hook_running(HookPhase phase) const {
    return hook_phase_ && *hook_phase_ == phase;
  }
  void finish_decided(SupervisorActions& out);
  void handle(const supervisor_event::ProgramReady&, SupervisorActions& out);
  void handle(const supervisor_event::MainPidFound& event, SupervisorActions& out);
  void handle(const supervisor_event::PidFileUnusable& event, SupervisorActions& out);

  // [service] type.
  void launcher_exited(const ExitStatus& status, bool tree_empty, SupervisorActions& out);
  void adopt(int pid, SupervisorActions& out);
  void fail_start(const std::string& reason, SupervisorActions& out);
  void update_ready(bool by_event, SupervisorActions& out);
  bool oneshot_completed(SupervisorActions& out);

  void child_gone(const ExitStatus& status, bool tree_empty, SupervisorActions& out);
  void begin_stopping(SupervisorActions& out);
  void kill_leftovers(SupervisorActions& out);
  void send_reload_signal(SupervisorActions& out);
  void finish(SupervisorActions& out);
  void schedule_restart(SupervisorActions& out);
  void exit_with(SupervisorState final_state, int code, SupervisorActions& out);
  void set_state(SupervisorState state, SupervisorActions& out);
  [[nodiscard]] bool wants_restart(const ExitStatus& status) const;
  [[nodiscard]] int exit_code_for(const ExitStatus& status) const;

  SupervisorOptions options_;
  const SupervisorClock& clock_;
  SupervisorState state_ = SupervisorState::idle;
  SupervisorSnapshot snapshot_;

  After after_stop_ = After::exit;
  int exit_code_after_stop_ = 0;
  bool stop_requested_ = false;
  bool child_alive_ = false;
  bool stopping_notified_ = false;
  bool ready_notified_ = false;
  bool kill_sent_ = false;
  std::chrono::steady_clock::time_point spawned_at_{};
  Duration uptime_at_exit_{0};
  Duration current_delay_{0};
  std::deque<std::chrono::steady_clock::time_point> restart_times_;
  // The running hook sequence, if any.
  std::optional<HookPhase> hook_phase_;
  std::size_t hook_index_ = 0;
  std::uint64_t hook_id_ = 0;
  bool leftovers_ = false;       // the child exited during the stop hooks and left processes
  bool post_stop_done_ = false;  // post_stop ran for the current start

  // [service] type.
  bool launching_ = false;        // forking: the launcher runs
  bool awaiting_pid_ = false;     // forking: the launcher succeeded, pid_file is being read
  bool pid_wait_logged_ = false;  // forking: the first unusable pid_file was logged
  bool start_pending_ = false;    // the start timeout runs (forking, notify)
  bool program_ready_ = false;    // notify: READY=1 of the current child
  bool health_ready_ = false;     // [health]: the first healthy probe of the current child
  std::chrono::steady_clock::time_point start_deadline_{};
};

}  // namespace daemonize
