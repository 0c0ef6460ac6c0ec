// The one watchdog loop of every OS: SupervisorDriver feeds core's Supervisor its events, carries
// out its actions through WatchdogPlatform, keeps the [health] probing in step with the child and
// turns the supervisor's snapshot into the state record. The OS sits behind WatchdogPlatform
// (posix_run.cpp: Asio, signals, process groups; windows_run.cpp: WaitForMultipleObjects, Job
// Objects, the SCM), which also owns the waiting: it turns what it waits on (signals, process
// handles, the timer, probe results) into dispatch() and health_*() calls. A fake platform steps
// the driver in the unit tests.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "daemonize/core/model.hpp"
#include "daemonize/core/supervisor.hpp"
#include "daemonize/watchdog/state_file.hpp"

namespace daemonize {

class WatchdogPlatform {
 public:
  virtual ~WatchdogPlatform() = default;

  struct SpawnResult {
    int pid = 0;  // > 0: the child runs (and leads its own process group / job)
    // With the pid, tells this child apart from a later process that reuses the pid: the start
    // time in clock ticks since boot (POSIX /proc) or the creation time (Windows FILETIME).
    std::uint64_t start_ticks = 0;
    std::string error;  // pid 0: why not ("cannot open output: ...", "/bin/app: ...")
  };

  virtual SpawnResult spawn_child() = 0;
  virtual void signal_tree(Signal signal, int process_group) = 0;
  virtual void signal_main_child(Signal signal) = 0;
  virtual void kill_tree(int process_group) = 0;
  // stop.kill = "main": stop.signal / the final kill to the main process alone.
  virtual void stop_main_child(Signal signal) = 0;
  virtual void kill_main_child() = 0;
  // [hooks]: start hooks.<phase>[index] (resolved like the program, in its environment, as its
  // user, in its working directory, output to its stderr log); when it ends, dispatch
  // HookFinished{id}; at `timeout` kill its process tree and report timed_out.
  virtual void run_hook(std::uint64_t id, HookPhase phase, std::size_t index, Duration timeout) = 0;
  // Kill the running hook's tree; no HookFinished is dispatched for it.
  virtual void cancel_hook() = 0;
  // The supervisor's one timer: when it expires, dispatch(TimerExpired).
  virtual void start_timer(Duration after) = 0;
  virtual void cancel_timer() = 0;
  // The service manager's view (sd_notify on systemd, SERVICE_STATUS under the SCM).
  virtual void notify_ready() = 0;
  virtual void notify_status(const std::string& text) = 0;
  virtual void notify_stopping() = 0;
  // [health]: probe the running child from now on; its verdicts come back with `generation`.
  virtual void start_health(std::uint64_t generation) = 0;
  virtual void stop_health() = 0;
  virtual void write_state(const StateRecord& record) = 0;
  // The supervisor decided the watchdog's exit code: the wait ends.
  virtual void exiting(int code) = 0;

  // [service] type = "forking": the pid in pid_file when it names a process of the service (a
  // descendant of the watchdog started after the launcher), else `problem` says why not.
  struct PidFileResult {
    int pid = 0;
    std::string problem;
  };
  virtual PidFileResult read_pid_file() = 0;
  // `pid` is the main process from now on (forking's daemon, notify's MAINPID=).
  virtual void adopt_main(int pid) = 0;
};

class SupervisorDriver {
 public:
  // `health`: [health] is probed (Ready then waits for the first healthy probe).
  SupervisorDriver(const Service& service, bool health, WatchdogPlatform& platform,
                   const SupervisorClock& clock, int watchdog_pid);

  // Events raised while actions run are queued and handled in order, never re-entrantly.
  void dispatch(SupervisorEvent event);

  // Probe verdicts; a verdict about an earlier child (an older generation) is dropped.
  void health_ready(std::uint64_t generation);
  void health_unhealthy(std::uint64_t generation);

  [[nodiscard]] SupervisorState state() const { return supervisor_.state(); }
  [[nodiscard]] const SupervisorSnapshot& snapshot() const { return supervisor_.snapshot(); }
  // Set once the supervisor decided to exit.
  [[nodiscard]] const std::optional<int>& exit_code() const { return exit_code_; }

 private:
  void sync_health();
  void persist_state();
  void perform(const supervisor_action::SpawnChild&);
  void perform(const supervisor_action::SignalTree& signal);
  void perform(const supervisor_action::SignalMainChild& signal);
  void perform(const supervisor_action::KillTree&);
  void perform(const supervisor_action::StartTimer& start);
  void perform(const supervisor_action::CancelTimer&);
  void perform(const supervisor_action::NotifyReady&);
  void perform(const supervisor_action::NotifyStatus& status);
  void perform(const supervisor_action::NotifyStopping&);
  void perform(const supervisor_action::Log& log);
  void perform(const supervisor_action::PersistState&);
  void perform(const supervisor_action::Exit& exit);
  void perform(const supervisor_action::RunHook& hook);
  void perform(const supervisor_action::CancelHook&);
  void perform(const supervisor_action::ReadPidFile&);
  void perform(const supervisor_action::AdoptMain& adopt);

  const Service& service_;
  const bool health_;
  WatchdogPlatform& platform_;
  Supervisor supervisor_;
  const int watchdog_pid_;
  const std::string started_at_;
  std::uint64_t child_start_ticks_ = 0;
  int health_pid_ = 0;  // the child being probed, 0 when none
  std::uint64_t health_generation_ = 0;
  std::deque<SupervisorEvent> pending_;
  bool dispatching_ = false;
  std::optional<int> exit_code_;
};

}  // namespace daemonize
