#include "daemonize/watchdog/supervisor_driver.hpp"

#include <chrono>
#include <utility>
#include <variant>

#include "logging.hpp"

namespace daemonize {

namespace act = supervisor_action;
namespace ev = supervisor_event;

SupervisorDriver::SupervisorDriver(const Service& service, bool health, WatchdogPlatform& platform,
                                   const SupervisorClock& clock, int watchdog_pid)
    : service_(service),
      health_(health),
      platform_(platform),
      supervisor_(supervisor_options(service, health), clock),
      watchdog_pid_(watchdog_pid),
      started_at_(format_rfc3339(std::chrono::system_clock::now())) {}

void SupervisorDriver::dispatch(SupervisorEvent event) {
  pending_.push_back(std::move(event));
  if (dispatching_) return;
  dispatching_ = true;
  while (!pending_.empty()) {
    const auto next = std::move(pending_.front());
    pending_.pop_front();
    for (const auto& action : supervisor_.on(next))
      std::visit([this](const auto& concrete) { perform(concrete); }, action);
  }
  dispatching_ = false;
  sync_health();
}

// [health]: the first healthy probe of a child is Ready (READY=1, RUNNING for the SCM);
// `retries` counted failures restart it.
void SupervisorDriver::health_ready(std::uint64_t generation) {
  if (generation != health_generation_ || health_pid_ == 0) return;
  dispatch(ev::Ready{});
  persist_state();  // the state file shows `ready: true`
}

void SupervisorDriver::health_unhealthy(std::uint64_t generation) {
  if (generation != health_generation_ || health_pid_ == 0) return;
  dispatch(ev::RestartRequested{"health"});
}

// Starts probing a newly running child, stops probing when it leaves `running`.
void SupervisorDriver::sync_health() {
  if (!health_) return;
  const bool running = supervisor_.state() == SupervisorState::running;
  const int pid = running ? supervisor_.snapshot().pid : 0;
  if (pid == health_pid_) return;
  health_pid_ = pid;
  ++health_generation_;
  if (pid > 0) {
    platform_.start_health(health_generation_);
  } else {
    platform_.stop_health();
  }
}

void SupervisorDriver::perform(const act::SpawnChild&) {
  auto spawned = platform_.spawn_child();
  if (spawned.pid <= 0) {
    dispatch(ev::SpawnFailed{std::move(spawned.error)});
    return;
  }
  child_start_ticks_ = spawned.start_ticks;
  dispatch(ev::Spawned{spawned.pid, spawned.pid});
}

void SupervisorDriver::perform(const act::SignalTree& signal) {
  if (signal.main_only) {
    platform_.stop_main_child(signal.signal);
    return;
  }
  platform_.signal_tree(signal.signal, supervisor_.snapshot().process_group);
}

void SupervisorDriver::perform(const act::SignalMainChild& signal) {
  platform_.signal_main_child(signal.signal);
}

void SupervisorDriver::perform(const act::KillTree& kill) {
  if (kill.main_only) {
    platform_.kill_main_child();
    return;
  }
  platform_.kill_tree(supervisor_.snapshot().process_group);
}

void SupervisorDriver::perform(const act::RunHook& hook) {
  platform_.run_hook(hook.id, hook.phase, hook.index, hook.timeout);
}
void SupervisorDriver::perform(const act::CancelHook&) { platform_.cancel_hook(); }

void SupervisorDriver::perform(const act::StartTimer& start) { platform_.start_timer(start.after); }
void SupervisorDriver::perform(const act::CancelTimer&) { platform_.cancel_timer(); }
void SupervisorDriver::perform(const act::NotifyReady&) { platform_.notify_ready(); }
void SupervisorDriver::perform(const act::NotifyStatus& status) {
  platform_.notify_status(status.text);
}
void SupervisorDriver::perform(const act::NotifyStopping&) { platform_.notify_stopping(); }
void SupervisorDriver::perform(const act::Log& log) { watchdog_log::write(log.level, log.message); }
void SupervisorDriver::perform(const act::PersistState&) { persist_state(); }

void SupervisorDriver::perform(const act::Exit& exit) {
  exit_code_ = exit.code;
  platform_.exiting(exit.code);
}

void SupervisorDriver::perform(const act::ReadPidFile&) {
  auto result = platform_.read_pid_file();
  if (result.pid > 0) {
    dispatch(ev::MainPidFound{result.pid});
  } else {
    dispatch(ev::PidFileUnusable{std::move(result.problem)});
  }
}

void SupervisorDriver::perform(const act::AdoptMain& adopt) { platform_.adopt_main(adopt.pid); }

void SupervisorDriver::persist_state() {
  const auto& snapshot = supervisor_.snapshot();
  StateRecord record;
  record.service = service_.name;
  record.manifest = service_.manifest_path;
  record.watchdog_version = DAEMONIZE_VERSION;
  record.watchdog_pid = watchdog_pid_;
  record.watchdog_started_at = started_at_;
  record.state = to_string(snapshot.state);
  record.pid = snapshot.pid;
  record.process_group = snapshot.process_group;
  record.child_start_ticks = snapshot.process_group > 0 ? child_start_ticks_ : 0;
  record.ready = snapshot.ready;
  record.restarts = snapshot.restarts;
  record.restarts_in_window = snapshot.restarts_in_window;
  if (snapshot.last_exit) {
    record.last_exit = snapshot.last_exit->describe();
    if (snapshot.last_exit->kind == ExitStatus::Kind::exited) {
      record.last_exit_code = snapshot.last_exit->value;
    } else if (snapshot.last_exit->kind == ExitStatus::Kind::signaled) {
      record.last_exit_signal = snapshot.last_exit->value;  // never on Windows: no signals
    }
  }
  record.last_restart_reason = snapshot.last_restart_reason;
  record.next_delay_ms = snapshot.next_delay.count();
  for (const auto delay : snapshot.recent_delays) record.recent_delays_ms.push_back(delay.count());
  if (snapshot.child_started_at)
    record.child_started_at = format_rfc3339(*snapshot.child_started_at);
  if (snapshot.last_exit_at) record.last_exit_at = format_rfc3339(*snapshot.last_exit_at);
  record.updated_at = format_rfc3339(snapshot.changed_at);
  record.exit_code = snapshot.exit_code;
  platform_.write_state(record);
}

}  // namespace daemonize
