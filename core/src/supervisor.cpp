#include "daemonize/core/supervisor.hpp"

#include <algorithm>
#include <csignal>
#include <type_traits>
#include <utility>

namespace daemonize {
namespace {

constexpr std::size_t kRecentDelaysKept = 32;

// Human text of a delay for logs and STATUS=: "0ms", "250ms", "1.5s", "2m3s".
std::string describe_delay(Duration delay) {
  const auto ms = delay.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms < 60'000) {
    std::string text = std::to_string(ms / 1000);
    if (ms % 1000 != 0) {
      std::string fraction = std::to_string(1000 + ms % 1000).substr(1);
      while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
      text += "." + fraction;
    }
    return text + "s";
  }
  std::string text = std::to_string(ms / 60'000) + "m";
  if (ms % 60'000 >= 1000) text += std::to_string(ms % 60'000 / 1000) + "s";
  return text;
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "INT";
    case SIGILL:
      return "ILL";
    case SIGABRT:
      return "ABRT";
    case SIGFPE:
      return "FPE";
    case SIGSEGV:
      return "SEGV";
    case SIGTERM:
      return "TERM";
#ifdef SIGKILL
    case SIGHUP:
      return "HUP";
    case SIGQUIT:
      return "QUIT";
    case SIGKILL:
      return "KILL";
    case SIGBUS:
      return "BUS";
    case SIGPIPE:
      return "PIPE";
    case SIGALRM:
      return "ALRM";
    case SIGUSR1:
      return "USR1";
    case SIGUSR2:
      return "USR2";
#endif
    default:
      return nullptr;
  }
}

}  // namespace

const char* to_string(SupervisorState state) {
  switch (state) {
    case SupervisorState::idle:
      return "idle";
    case SupervisorState::starting:
      return "starting";
    case SupervisorState::running:
      return "running";
    case SupervisorState::stopping:
      return "stopping";
    case SupervisorState::backing_off:
      return "backing_off";
    case SupervisorState::stopped:
      return "stopped";
    case SupervisorState::gave_up:
      return "gave_up";
    case SupervisorState::exited:
      return "exited";
  }
  return "idle";
}

std::string ExitStatus::describe() const {
  switch (kind) {
    case Kind::exited:
      return "exit code " + std::to_string(value);
    case Kind::signaled: {
      std::string text = "signal " + std::to_string(value);
      if (const char* name = signal_name(value)) text += std::string(" (") + name + ")";
      return text;
    }
    case Kind::spawn_failed:
      return "spawn failed";
    case Kind::pre_start_failed:
      return "pre_start hook failed";
  }
  return "unknown";
}

std::chrono::steady_clock::time_point SystemSupervisorClock::steady_now() const {
  return std::chrono::steady_clock::now();
}

std::chrono::system_clock::time_point SystemSupervisorClock::system_now() const {
  return std::chrono::system_clock::now();
}

SupervisorOptions supervisor_options(const Service& service, bool health) {
  SupervisorOptions options{service.restart, service.stop, service.reload, effective_hooks(service),
                            /*ready_requires_event=*/health};
  options.type = service.type;
  options.remain_after_exit = service.remain_after_exit;
  return options;
}

Supervisor::Supervisor(SupervisorOptions options, const SupervisorClock& clock)
    : options_(std::move(options)), clock_(clock) {
  current_delay_ = std::min(options_.restart.delay, options_.restart.max_delay);
  snapshot_.next_delay = current_delay_;
  snapshot_.changed_at = clock_.system_now();
}

SupervisorActions Supervisor::on(const SupervisorEvent& event) {
  SupervisorActions out;
  std::visit([&](const auto& concrete) { handle(concrete, out); }, event);
  // Every event that did something is persisted, before the watchdog exits.
  if (!out.empty()) {
    const auto exit_action = std::find_if(out.begin(), out.end(), [](const SupervisorAction& a) {
      return std::holds_alternative<supervisor_action::Exit>(a);
    });
    out.insert(exit_action, supervisor_action::PersistState{});
  }
  return out;
}

void Supervisor::set_state(SupervisorState state, SupervisorActions& /*out*/) {
  state_ = state;
  snapshot_.state = state;
  snapshot_.changed_at = clock_.system_now();
}

void Supervisor::handle(const supervisor_event::Start&, SupervisorActions& out) {
  if (state_ != SupervisorState::idle) return;
  set_state(SupervisorState::starting, out);
  begin_start(out);
}

// Every start of the program: the pre_start hooks first.
void Supervisor::begin_start(SupervisorActions& out) {
  post_stop_done_ = false;
  leftovers_ = false;
  if (run_hooks(HookPhase::pre_start, out)) return;
  out.emplace_back(supervisor_action::SpawnChild{});
}

void Supervisor::handle(const supervisor_event::Spawned& event, SupervisorActions& out) {
  if (state_ != SupervisorState::starting) {
    out.emplace_back(
        supervisor_action::Log{SupervisorLogLevel::warning,
                               "unexpected spawn report while " + std::string(to_string(state_))});
    return;
  }
  child_alive_ = true;
  spawned_at_ = clock_.steady_now();
  snapshot_.pid = event.pid;
  snapshot_.process_group = event.process_group;
  snapshot_.child_started_at = clock_.system_now();
  program_ready_ = false;
  health_ready_ = false;
  const bool timed_start =
      options_.type == ServiceType::forking || options_.type == ServiceType::notify;
  if (timed_start && !stop_requested_) {
    start_pending_ = true;
    start_deadline_ = spawned_at_ + options_.start_timeout;
    out.emplace_back(supervisor_action::StartTimer{options_.start_timeout});
  }
  if (options_.type == ServiceType::forking) {
    // The launcher: `starting` until it exits and the daemon's pid is known.
    launching_ = true;
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::info,
                                            "spawned launcher pid " + std::to_string(event.pid)});
    out.emplace_back(
        supervisor_action::NotifyStatus{"starting, launcher pid " + std::to_string(event.pid)});
  } else {
    set_state(SupervisorState::running, out);
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::info,
                                            "spawned pid " + std::to_string(event.pid)});
    out.emplace_back(supervisor_action::NotifyStatus{"running, pid " + std::to_string(event.pid)});
  }
  // A stop that arrived while the spawn was in flight is carried out now.
  if (stop_requested_) {
    stop_running(out);
    return;
  }
  if (options_.type != ServiceType::forking) update_ready(/*by_event=*/false, out);
}

// The program runs (with [health]: passed its first check): post_start, then ready.
void Supervisor::started(bool log, SupervisorActions& out) {
  if (run_hooks(HookPhase::post_start, out)) return;
  become_ready(log, out);
}

void Supervisor::become_ready(bool log, SupervisorActions& out) {
  snapshot_.ready = true;
  snapshot_.changed_at = clock_.system_now();
  if (log) out.emplace_back(supervisor_action::Log{SupervisorLogLevel::info, "ready"});
  if (!ready_notified_) {
    ready_notified_ = true;
    out.emplace_back(supervisor_action::NotifyReady{});
  }
}

void Supervisor::handle(const supervisor_event::SpawnFailed& event, SupervisorActions& out) {
  if (state_ != SupervisorState::starting) return;
  out.emplace_back(
      supervisor_action::Log{SupervisorLogLevel::error, "spawn failed: " + event.reason});
  uptime_at_exit_ = Duration{0};
  child_gone(ExitStatus::spawn_failed(), /*tree_empty=*/true, out);
}

void Supervisor::handle(const supervisor_event::ChildExited& event, SupervisorActions& out) {
  const bool expected_state = state_ == SupervisorState::running ||
                              (state_ == SupervisorState::stopping && child_alive_) ||
                              (state_ == SupervisorState::starting && launching_);
  if (!expected_state) return;
  uptime_at_exit_ = std::chrono::duration_cast<Duration>(clock_.steady_now() - spawned_at_);
  if (launching_) {
    launcher_exited(event.status, event.tree_empty, out);
    return;
  }
  child_gone(event.status, event.tree_empty, out);
}

void Supervisor::child_gone(const ExitStatus& status, bool tree_empty, SupervisorActions& out) {
  const bool was_running =
      state_ == SupervisorState::running || state_ == SupervisorState::starting;
  const int pid = snapshot_.pid;
  // post_start and reload hooks are about a running program.
  if (hook_running(HookPhase::post_start) || hook_running(HookPhase::reload)) cancel_hook(out);
  // stop.kill = "main": what the program started is not the watchdog's to stop.
  if (options_.stop.kill == KillScope::main) tree_empty = true;
  child_alive_ = false;
  launching_ = false;
  if (start_pending_ && state_ != SupervisorState::stopping) {
    start_pending_ = false;
    out.emplace_back(supervisor_action::CancelTimer{});
  }
  snapshot_.pid = 0;
  snapshot_.ready = false;
  snapshot_.last_exit = status;
  snapshot_.last_exit_at = clock_.system_now();

  if (status.kind != ExitStatus::Kind::spawn_failed &&
      status.kind != ExitStatus::Kind::pre_start_failed) {
    const bool clean_exit = status.kind == ExitStatus::Kind::exited && exit_code_for(status) == 0;
    const auto level =
        stop_requested_ || clean_exit ? SupervisorLogLevel::info : SupervisorLogLevel::warning;
    out.emplace_back(supervisor_action::Log{
        level, "pid " + std::to_string(pid) + " exited with " + status.describe() + " after " +
                   describe_delay(uptime_at_exit_) + " of uptime"});
  }

  if (was_running) {
    if (stop_requested_) {
      after_stop_ = After::exit;
      exit_code_after_stop_ = 0;
    } else if (wants_restart(status)) {
      after_stop_ = After::restart;
      snapshot_.last_restart_reason = status.describe();
    } else {
      after_stop_ = After::exit;
      exit_code_after_stop_ = exit_code_for(status);
      const auto& prevent = options_.restart.prevent_exit_codes;
      if (status.kind == ExitStatus::Kind::exited &&
          std::find(prevent.begin(), prevent.end(), status.value) != prevent.end()) {
        out.emplace_back(supervisor_action::Log{
            SupervisorLogLevel::notice, "exit code " + std::to_string(status.value) +
                                            " is in restart.prevent_exit_codes: not restarted"});
      }
    }
  }

  // The stop hooks run to their end; the signal then goes to whatever is left.
  if (hook_running(HookPhase::stop)) {
    leftovers_ = !tree_empty;
    return;
  }
  if (tree_empty) {
    if (state_ == SupervisorState::stopping) out.emplace_back(supervisor_action::CancelTimer{});
    finish(out);
    return;
  }
  if (state_ == SupervisorState::stopping && options_.stop.kill == KillScope::mixed) {
    // As systemd's KillMode=mixed: once the main process is gone, the rest is killed at once.
    if (!kill_sent_) {
      out.emplace_back(supervisor_action::CancelTimer{});
      kill_leftovers(out);
    }
    return;
  }
  if (state_ != SupervisorState::stopping) {
    // Descendants outlived the main process: stop them like a requested stop before deciding.
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice,
                                            "the child left processes behind; sending them " +
                                                std::string(to_string(options_.stop.signal))});
    begin_stopping(out);
  }
}

void Supervisor::handle(const supervisor_event::TreeEmpty&, SupervisorActions& out) {
  if (state_ != SupervisorState::stopping || child_alive_) return;
  if (hook_running(HookPhase::stop)) {
    leftovers_ = false;
    return;
  }
  if (hook_running(HookPhase::post_stop)) return;
  out.emplace_back(supervisor_action::CancelTimer{});
  finish(out);
}

void Supervisor::handle(const supervisor_event::TimerExpired&, SupervisorActions& out) {
  if (state_ == SupervisorState::starting && awaiting_pid_) {
    out.emplace_back(supervisor_action::ReadPidFile{});
    return;
  }
  if (start_pending_ &&
      (state_ == SupervisorState::running || state_ == SupervisorState::starting)) {
    start_pending_ = false;
    fail_start(launching_
                   ? "the launcher did not exit within " + describe_delay(options_.start_timeout)
                   : "no READY=1 within " + describe_delay(options_.start_timeout),
               out);
    return;
  }
  if (state_ == SupervisorState::backing_off) {
    set_state(SupervisorState::starting, out);
    begin_start(out);
    return;
  }
  if (state_ == SupervisorState::stopping && !kill_sent_ && !hook_phase_) {
    kill_sent_ = true;
    out.emplace_back(supervisor_action::Log{
        SupervisorLogLevel::warning, "stop timeout of " + describe_delay(options_.stop.timeout) +
                                         " expired; killing every process left"});
    out.emplace_back(supervisor_action::KillTree{options_.stop.kill == KillScope::main});
  }
}

// stop.kill = "mixed": the main process is gone, what it left behind is killed without a signal.
void Supervisor::kill_leftovers(SupervisorActions& out) {
  kill_sent_ = true;
  out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice,
                                          "the main process is gone; killing every process left"});
  out.emplace_back(supervisor_action::KillTree{});
}

void Supervisor::handle(const supervisor_event::StopRequested& event, SupervisorActions& out) {
  const std::string why = event.reason.empty() ? "" : " (" + event.reason + ")";
  switch (state_) {
    case SupervisorState::idle:
      stop_requested_ = true;
      exit_with(SupervisorState::stopped, 0, out);
      return;
    case SupervisorState::starting:
      stop_requested_ = true;
      if (hook_running(HookPhase::pre_start)) {
        // The program never ran: the pre_start hook is killed, post_stop runs, the watchdog exits.
        cancel_hook(out);
        out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice, "stopping" + why});
        stopping_notified_ = true;
        out.emplace_back(supervisor_action::NotifyStopping{});
        after_stop_ = After::exit;
        finish(out);
      } else if (launching_ || awaiting_pid_) {
        // forking: the launcher runs or its daemon is being looked for: stop what is there.
        launching_ = false;
        awaiting_pid_ = false;
        start_pending_ = false;
        after_stop_ = After::exit;
        exit_code_after_stop_ = 0;
        out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice, "stopping" + why});
        begin_stopping(out);
      }
      return;
    case SupervisorState::running:
      stop_requested_ = true;
      after_stop_ = After::exit;
      exit_code_after_stop_ = 0;
      out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice, "stopping" + why});
      stop_running(out);
      return;
    case SupervisorState::stopping:
      if (stop_requested_) return;
      // Leftovers of an exited child (or a health restart) are being stopped: never restart now.
      stop_requested_ = true;
      after_stop_ = After::exit;
      exit_code_after_stop_ = 0;
      out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice, "stopping" + why});
      stopping_notified_ = true;
      out.emplace_back(supervisor_action::NotifyStopping{});
      return;
    case SupervisorState::backing_off:
      stop_requested_ = true;
      out.emplace_back(supervisor_action::CancelTimer{});
      out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice, "stopping" + why});
      stopping_notified_ = true;
      out.emplace_back(supervisor_action::NotifyStopping{});
      exit_with(SupervisorState::stopped, 0, out);
      return;
    case SupervisorState::exited:
      // A oneshot that remained after exit: nothing runs, the stop just ends it.
      stop_requested_ = true;
      out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice, "stopping" + why});
      stopping_notified_ = true;
      out.emplace_back(supervisor_action::NotifyStopping{});
      exit_with(SupervisorState::stopped, 0, out);
      return;
    case SupervisorState::stopped:
    case SupervisorState::gave_up:
      return;
  }
}

void Supervisor::handle(const supervisor_event::ReloadRequested&, SupervisorActions& out) {
  if (state_ != SupervisorState::running) {
    out.emplace_back(
        supervisor_action::Log{SupervisorLogLevel::notice, "reload ignored: no child is running"});
    return;
  }
  if (hook_phase_) {
    out.emplace_back(supervisor_action::Log{
        SupervisorLogLevel::notice,
        std::string("reload ignored: the ") + to_string(*hook_phase_) + " hooks are running"});
    return;
  }
  if (!options_.hooks.reload.empty()) {
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::info, "reload: running the hooks"});
    run_hooks(HookPhase::reload, out);
    return;
  }
  send_reload_signal(out);
}

void Supervisor::send_reload_signal(SupervisorActions& out) {
  out.emplace_back(supervisor_action::Log{
      SupervisorLogLevel::info, "reload: sending " +
                                    std::string(to_string(options_.reload.signal)) + " to pid " +
                                    std::to_string(snapshot_.pid)});
  out.emplace_back(supervisor_action::SignalMainChild{options_.reload.signal});
}

void Supervisor::handle(const supervisor_event::Ready&, SupervisorActions& out) {
  if (state_ != SupervisorState::running || snapshot_.ready) return;
  health_ready_ = true;
  update_ready(/*by_event=*/true, out);
}

// Ready when every gate of the type holds (notify's READY=1, [health]'s first healthy probe),
// then after the post_start hooks. A oneshot is ready only when it succeeded
// (oneshot_completed); forking once adopted (running).
void Supervisor::update_ready(bool by_event, SupervisorActions& out) {
  if (state_ != SupervisorState::running || snapshot_.ready || hook_phase_) return;
  if (options_.type == ServiceType::oneshot) return;
  if (options_.type == ServiceType::notify && !program_ready_) return;
  if (options_.ready_requires_event && !health_ready_) return;
  if (start_pending_) {
    start_pending_ = false;
    out.emplace_back(supervisor_action::CancelTimer{});
  }
  started(by_event, out);
}

void Supervisor::handle(const supervisor_event::ProgramReady&, SupervisorActions& out) {
  if (options_.type != ServiceType::notify || state_ != SupervisorState::running ||
      program_ready_) {
    return;
  }
  program_ready_ = true;
  out.emplace_back(supervisor_action::Log{
      SupervisorLogLevel::info, "pid " + std::to_string(snapshot_.pid) + " sent READY=1"});
  update_ready(/*by_event=*/true, out);
}

void Supervisor::handle(const supervisor_event::MainPidFound& event, SupervisorActions& out) {
  if (event.pid <= 0) return;
  if (state_ == SupervisorState::starting && awaiting_pid_) {
    awaiting_pid_ = false;
    adopt(event.pid, out);
    return;
  }
  // notify: MAINPID= hands the main process over (a program that forks after starting).
  if (options_.type == ServiceType::notify && state_ == SupervisorState::running &&
      event.pid != snapshot_.pid) {
    out.emplace_back(supervisor_action::Log{
        SupervisorLogLevel::info, "main process is now pid " + std::to_string(event.pid) +
                                      " (MAINPID= from pid " + std::to_string(snapshot_.pid) +
                                      ")"});
    snapshot_.pid = event.pid;
    out.emplace_back(supervisor_action::AdoptMain{event.pid});
  }
}

void Supervisor::handle(const supervisor_event::PidFileUnusable& event, SupervisorActions& out) {
  if (state_ != SupervisorState::starting || !awaiting_pid_) return;
  if (clock_.steady_now() < start_deadline_) {
    // Said once per start: why the service is still `starting`.
    if (!pid_wait_logged_) {
      pid_wait_logged_ = true;
      out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice,
                                              "waiting for the pid file: " + event.reason});
    }
    out.emplace_back(supervisor_action::StartTimer{options_.pid_file_poll});
    return;
  }
  awaiting_pid_ = false;
  fail_start(event.reason + " within " + describe_delay(options_.start_timeout) +
                 " of the launcher's start",
             out);
}

// forking: the launcher ended. Exit 0 (or a success code) means the daemon runs: read its pid.
void Supervisor::launcher_exited(const ExitStatus& status, bool tree_empty,
                                 SupervisorActions& out) {
  const bool success = status.kind == ExitStatus::Kind::exited && exit_code_for(status) == 0;
  if (!success) {
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::warning,
                                            "the launcher failed; the start failed"});
    child_gone(status, tree_empty, out);
    return;
  }
  launching_ = false;
  child_alive_ = false;
  awaiting_pid_ = true;
  pid_wait_logged_ = false;
  out.emplace_back(supervisor_action::Log{
      SupervisorLogLevel::info, "launcher pid " + std::to_string(snapshot_.pid) + " exited with " +
                                    status.describe() + "; reading the pid file"});
  snapshot_.pid = 0;
  out.emplace_back(supervisor_action::ReadPidFile{});
}

void Supervisor::adopt(int pid, SupervisorActions& out) {
  child_alive_ = true;
  snapshot_.pid = pid;
  set_state(SupervisorState::running, out);
  out.emplace_back(supervisor_action::AdoptMain{pid});
  out.emplace_back(supervisor_action::Log{
      SupervisorLogLevel::info, "adopted pid " + std::to_string(pid) + " from the pid file"});
  out.emplace_back(supervisor_action::NotifyStatus{"running, pid " + std::to_string(pid)});
  update_ready(/*by_event=*/false, out);
}

// The start did not complete (launcher hung, no pid, no READY=1): like a crash, the restart
// policy decides; what runs is stopped first.
void Supervisor::fail_start(const std::string& reason, SupervisorActions& out) {
  out.emplace_back(supervisor_action::Log{SupervisorLogLevel::error, "start failed: " + reason});
  snapshot_.last_restart_reason = "start failed";
  launching_ = false;
  awaiting_pid_ = false;
  start_pending_ = false;
  if (options_.restart.policy == RestartPolicy::never) {
    after_stop_ = After::exit;
    exit_code_after_stop_ = 1;
  } else {
    after_stop_ = After::restart;
  }
  begin_stopping(out);
}

// oneshot: a success is the end of the start, not a crash.
bool Supervisor::oneshot_completed(SupervisorActions& out) {
  if (options_.type != ServiceType::oneshot || stop_requested_ || after_stop_ != After::exit ||
      exit_code_after_stop_ != 0) {
    return false;
  }
  if (!ready_notified_) {
    ready_notified_ = true;
    out.emplace_back(supervisor_action::NotifyReady{});
  }
  if (options_.remain_after_exit) {
    snapshot_.ready = true;
    set_state(SupervisorState::exited, out);
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::info,
                                            "finished successfully; active until stopped"});
    out.emplace_back(supervisor_action::NotifyStatus{"exited successfully"});
    return true;
  }
  out.emplace_back(supervisor_action::Log{SupervisorLogLevel::info, "finished successfully"});
  exit_with(SupervisorState::stopped, 0, out);
  return true;
}

void Supervisor::handle(const supervisor_event::RestartRequested& event, SupervisorActions& out) {
  if (state_ != SupervisorState::running) return;
  after_stop_ = After::restart;
  snapshot_.last_restart_reason = event.reason;
  out.emplace_back(
      supervisor_action::Log{SupervisorLogLevel::warning, "restarting: " + event.reason});
  stop_running(out);
}

// ---- [hooks] ----------------------------------------------------------------------------------

bool Supervisor::run_hooks(HookPhase phase, SupervisorActions& out) {
  if (options_.hooks.of(phase).empty()) return false;
  if (hook_phase_) cancel_hook(out);
  hook_phase_ = phase;
  hook_index_ = 0;
  run_current_hook(out);
  return true;
}

void Supervisor::run_current_hook(SupervisorActions& out) {
  const auto& hook = options_.hooks.of(*hook_phase_)[hook_index_];
  ++hook_id_;
  out.emplace_back(supervisor_action::RunHook{hook_id_, *hook_phase_, hook_index_, hook.timeout});
}

void Supervisor::cancel_hook(SupervisorActions& out) {
  if (!hook_phase_) return;
  hook_phase_.reset();
  ++hook_id_;  // a late HookFinished of the cancelled hook is ignored
  out.emplace_back(supervisor_action::CancelHook{});
}

void Supervisor::handle(const supervisor_event::HookFinished& event, SupervisorActions& out) {
  if (!hook_phase_ || event.id != hook_id_) return;
  const HookPhase phase = *hook_phase_;
  const auto& hooks = options_.hooks.of(phase);
  const auto& hook = hooks[hook_index_];
  const std::string name =
      "hooks." + std::string(to_string(phase)) + "[" + std::to_string(hook_index_) + "]";
  const bool ok =
      !event.timed_out && event.status.kind == ExitStatus::Kind::exited && event.status.value == 0;
  if (!ok) {
    const std::string detail = event.timed_out
                                   ? "timed out after " + describe_delay(hook.timeout) + " (killed)"
                                   : event.status.describe();
    if (!hook.ignore_failure) {
      hook_phase_.reset();
      const int code = !event.timed_out && event.status.kind == ExitStatus::Kind::exited
                           ? event.status.value
                           : 1;
      hook_failed(phase, name + " failed: " + detail, code, out);
      return;
    }
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice,
                                            name + " failed: " + detail + " (ignore_failure)"});
  }
  if (++hook_index_ < hooks.size()) {
    run_current_hook(out);
    return;
  }
  hook_phase_.reset();
  hooks_done(phase, out);
}

void Supervisor::hooks_done(HookPhase phase, SupervisorActions& out) {
  switch (phase) {
    case HookPhase::pre_start:
      out.emplace_back(supervisor_action::SpawnChild{});
      return;
    case HookPhase::post_start:
      become_ready(options_.ready_requires_event, out);
      return;
    case HookPhase::stop:
      after_stop_hooks(out);
      return;
    case HookPhase::post_stop:
      finish_decided(out);
      return;
    case HookPhase::reload:
      // [hooks] reload with a written reload.signal: the signal follows (systemd's ExecReload=
      // lines end with /bin/kill); a failed hook stops the sequence before it (hook_failed).
      if (options_.reload.signal_after_hooks) send_reload_signal(out);
      update_ready(/*by_event=*/true, out);  // a gate may have opened while it ran
      return;
  }
}

// A failed hook that is not ignore_failure. pre_start: the start failed (counted like a crash);
// post_start: the program is stopped and that counts as a failure too; the others are logged
// and the sequence goes on as if the hook had succeeded (the signal is the stop's fallback).
void Supervisor::hook_failed(HookPhase phase, const std::string& detail, int code,
                             SupervisorActions& out) {
  switch (phase) {
    case HookPhase::pre_start:
      out.emplace_back(
          supervisor_action::Log{SupervisorLogLevel::error, detail + "; the start failed"});
      uptime_at_exit_ = Duration{0};
      child_gone(ExitStatus::pre_start_failed(code), /*tree_empty=*/true, out);
      return;
    case HookPhase::post_start: {
      out.emplace_back(
          supervisor_action::Log{SupervisorLogLevel::error, detail + "; stopping the program"});
      const auto status = ExitStatus::pre_start_failed(code);
      snapshot_.last_restart_reason = detail.substr(0, detail.find(':'));
      if (wants_restart(status)) {
        after_stop_ = After::restart;
      } else {
        after_stop_ = After::exit;
        exit_code_after_stop_ = code == 0 ? 1 : code;
      }
      stop_running(out);
      return;
    }
    case HookPhase::stop:
      out.emplace_back(supervisor_action::Log{SupervisorLogLevel::warning, detail});
      after_stop_hooks(out);
      return;
    case HookPhase::post_stop:
      out.emplace_back(supervisor_action::Log{SupervisorLogLevel::warning, detail});
      finish_decided(out);
      return;
    case HookPhase::reload:
      out.emplace_back(supervisor_action::Log{
          SupervisorLogLevel::warning,
          detail + (options_.reload.signal_after_hooks ? "; the reload signal is not sent" : "")});
      return;
  }
}

// The watchdog stops the running program: the stop hooks first, then stop.signal.
void Supervisor::stop_running(SupervisorActions& out) {
  if (hook_running(HookPhase::post_start) || hook_running(HookPhase::reload)) cancel_hook(out);
  if (options_.hooks.stop.empty()) {
    begin_stopping(out);
    return;
  }
  set_state(SupervisorState::stopping, out);
  kill_sent_ = false;
  if (stop_requested_ && !stopping_notified_) {
    stopping_notified_ = true;
    out.emplace_back(supervisor_action::NotifyStopping{});
  }
  out.emplace_back(supervisor_action::NotifyStatus{"stopping"});
  leftovers_ = false;
  run_hooks(HookPhase::stop, out);
}

// The stop hooks ended: stop.signal (and stop.timeout) for whatever still runs.
void Supervisor::after_stop_hooks(SupervisorActions& out) {
  if (child_alive_ || leftovers_) {
    begin_stopping(out);
    return;
  }
  finish(out);
}

void Supervisor::begin_stopping(SupervisorActions& out) {
  set_state(SupervisorState::stopping, out);
  // Whatever the start was waiting for (launcher, pid file, READY=1) no longer matters.
  start_pending_ = false;
  launching_ = false;
  awaiting_pid_ = false;
  kill_sent_ = false;
  if (stop_requested_ && !stopping_notified_) {
    stopping_notified_ = true;
    out.emplace_back(supervisor_action::NotifyStopping{});
  }
  out.emplace_back(supervisor_action::NotifyStatus{"stopping"});
  const bool main_only = options_.stop.kill == KillScope::main;
  if (options_.stop.signal == Signal::kill) {
    kill_sent_ = true;
    out.emplace_back(supervisor_action::KillTree{main_only});
    return;
  }
  if (options_.stop.kill == KillScope::mixed) {
    // The signal is for the main process; without one (leftovers of an exit) the rest is killed.
    if (!child_alive_) {
      kill_leftovers(out);
      return;
    }
    out.emplace_back(supervisor_action::SignalTree{options_.stop.signal, /*main_only=*/true});
  } else {
    out.emplace_back(supervisor_action::SignalTree{options_.stop.signal, main_only});
  }
  // stop.timeout = "infinity": no kill, the stop waits for the processes to end.
  if (!is_infinite(options_.stop.timeout)) {
    out.emplace_back(supervisor_action::StartTimer{options_.stop.timeout});
  }
}

// The tree is empty (or the start failed): post_stop, then the decision.
void Supervisor::finish(SupervisorActions& out) {
  kill_sent_ = false;
  snapshot_.process_group = 0;
  if (!post_stop_done_ && !options_.hooks.post_stop.empty()) {
    post_stop_done_ = true;
    set_state(SupervisorState::stopping, out);
    run_hooks(HookPhase::post_stop, out);
    return;
  }
  finish_decided(out);
}

void Supervisor::finish_decided(SupervisorActions& out) {
  if (oneshot_completed(out)) return;
  if (stop_requested_ || after_stop_ == After::exit) {
    exit_with(SupervisorState::stopped, stop_requested_ ? 0 : exit_code_after_stop_, out);
    return;
  }
  schedule_restart(out);
}

void Supervisor::schedule_restart(SupervisorActions& out) {
  const auto now = clock_.steady_now();
  const auto& policy = options_.restart;
  while (!restart_times_.empty() && now - restart_times_.front() >= policy.window) {
    restart_times_.pop_front();
  }
  snapshot_.restarts_in_window = restart_times_.size();
  if (policy.max_restarts > 0 && restart_times_.size() >= policy.max_restarts) {
    const std::string message = "giving up after " + std::to_string(restart_times_.size()) +
                                " restarts within " + describe_delay(policy.window) +
                                " (last: " + snapshot_.last_restart_reason + ")";
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::error, message});
    out.emplace_back(supervisor_action::NotifyStatus{message});
    exit_with(SupervisorState::gave_up, 75, out);
    return;
  }

  if (uptime_at_exit_ >= policy.reset_after)
    current_delay_ = std::min(policy.delay, policy.max_delay);
  const Duration delay = current_delay_;
  const double grown = static_cast<double>(delay.count()) * std::max(policy.multiplier, 1.0);
  const double cap = static_cast<double>(policy.max_delay.count());
  current_delay_ = Duration{static_cast<Duration::rep>(std::min(grown, cap))};
  if (current_delay_ < delay) current_delay_ = delay;  // a zero delay stays zero; never shrink

  restart_times_.push_back(now);
  ++snapshot_.restarts;
  snapshot_.restarts_in_window = restart_times_.size();
  snapshot_.next_delay = current_delay_;
  snapshot_.recent_delays.push_back(delay);
  if (snapshot_.recent_delays.size() > kRecentDelaysKept) {
    snapshot_.recent_delays.erase(snapshot_.recent_delays.begin());
  }

  const std::string counter =
      policy.max_restarts > 0
          ? std::to_string(restart_times_.size()) + " of " + std::to_string(policy.max_restarts)
          : std::to_string(snapshot_.restarts);
  if (delay.count() == 0) {
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice,
                                            "restarting now (restart " + counter + ")"});
    set_state(SupervisorState::starting, out);
    begin_start(out);
    return;
  }
  set_state(SupervisorState::backing_off, out);
  const std::string message = "backing off " + std::to_string(delay.count()) +
                              " ms before restart " + counter + " (after " +
                              snapshot_.last_restart_reason + ")";
  out.emplace_back(supervisor_action::Log{SupervisorLogLevel::notice, message});
  out.emplace_back(supervisor_action::NotifyStatus{message});
  out.emplace_back(supervisor_action::StartTimer{delay});
}

void Supervisor::exit_with(SupervisorState final_state, int code, SupervisorActions& out) {
  set_state(final_state, out);
  snapshot_.exit_code = code;
  if (final_state == SupervisorState::stopped) {
    out.emplace_back(supervisor_action::Log{SupervisorLogLevel::info,
                                            "stopped; exiting with " + std::to_string(code)});
  }
  out.emplace_back(supervisor_action::Exit{code});
}

bool Supervisor::wants_restart(const ExitStatus& status) const {
  // A oneshot's success is its end, whatever the policy.
  if (options_.type == ServiceType::oneshot && status.kind == ExitStatus::Kind::exited &&
      exit_code_for(status) == 0) {
    return false;
  }
  // restart.prevent_exit_codes: a failure that is never restarted, whatever the policy.
  if (status.kind == ExitStatus::Kind::exited) {
    const auto& prevent = options_.restart.prevent_exit_codes;
    if (std::find(prevent.begin(), prevent.end(), status.value) != prevent.end()) return false;
  }
  switch (options_.restart.policy) {
    case RestartPolicy::always:
      return true;
    case RestartPolicy::never:
      return false;
    case RestartPolicy::on_failure: {
      if (status.kind != ExitStatus::Kind::exited) return true;
      const auto& codes = options_.restart.success_exit_codes;
      return std::find(codes.begin(), codes.end(), status.value) == codes.end();
    }
  }
  return true;
}

int Supervisor::exit_code_for(const ExitStatus& status) const {
  switch (status.kind) {
    case ExitStatus::Kind::exited: {
      const auto& codes = options_.restart.success_exit_codes;
      if (std::find(codes.begin(), codes.end(), status.value) != codes.end()) return 0;
      return status.value;
    }
    case ExitStatus::Kind::signaled:
      return 128 + status.value;
    case ExitStatus::Kind::spawn_failed:
      return 127;
    case ExitStatus::Kind::pre_start_failed:
      return status.value == 0 ? 1 : status.value;
  }
  return 1;
}

}  // namespace daemonize
