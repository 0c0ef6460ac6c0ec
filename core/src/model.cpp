#include "daemonize/core/model.hpp"

#include <csignal>

namespace daemonize {

SourcePosition Service::position_of(const std::string& key) const {
  std::string probe = key;
  while (!probe.empty()) {
    if (auto found = positions.find(probe); found != positions.end()) return found->second;
    const auto cut = probe.find_last_of(".[");
    if (cut == std::string::npos) break;
    probe.resize(cut);
  }
  return {};
}

const char* to_string(Signal signal) {
  switch (signal) {
    case Signal::term:
      return "TERM";
    case Signal::interrupt:
      return "INT";
    case Signal::hangup:
      return "HUP";
    case Signal::quit:
      return "QUIT";
    case Signal::usr1:
      return "USR1";
    case Signal::usr2:
      return "USR2";
    case Signal::kill:
      return "KILL";
  }
  return "TERM";
}

const char* to_string(RestartPolicy policy) {
  switch (policy) {
    case RestartPolicy::always:
      return "always";
    case RestartPolicy::on_failure:
      return "on-failure";
    case RestartPolicy::never:
      return "never";
  }
  return "on-failure";
}

const char* to_string(RotateEvery every) {
  switch (every) {
    case RotateEvery::none:
      return "none";
    case RotateEvery::hourly:
      return "hourly";
    case RotateEvery::daily:
      return "daily";
    case RotateEvery::weekly:
      return "weekly";
  }
  return "none";
}

const char* to_string(HealthCheckKind kind) {
  switch (kind) {
    case HealthCheckKind::http:
      return "http";
    case HealthCheckKind::tcp:
      return "tcp";
    case HealthCheckKind::exec:
      return "exec";
  }
  return "http";
}

const char* to_string(Scope scope) { return scope == Scope::user ? "user" : "system"; }

const char* to_string(SupervisorMode mode) {
  return mode == SupervisorMode::native ? "native" : "daemonize";
}

const char* to_string(WindowsStart start) {
  switch (start) {
    case WindowsStart::automatic:
      return "auto";
    case WindowsStart::delayed_automatic:
      return "delayed-auto";
    case WindowsStart::demand:
      return "demand";
    case WindowsStart::disabled:
      return "disabled";
  }
  return "auto";
}

const char* to_string(WindowsBackend backend) {
  return backend == WindowsBackend::task ? "task" : "service";
}

const char* to_string(TaskTrigger trigger) {
  return trigger == TaskTrigger::logon ? "logon" : "boot";
}

const char* to_string(TargetOs os) {
  switch (os) {
    case TargetOs::linux:
      return "linux";
    case TargetOs::macos:
      return "macos";
    case TargetOs::windows:
      return "windows";
  }
  return "linux";
}

const char* to_string(LogTimezone timezone) {
  return timezone == LogTimezone::local ? "local" : "utc";
}

int posix_signal_number(Signal signal) {
#if defined(_WIN32)
  // Windows has no such signals; the numbers are only informative there (Linux values).
  constexpr int hangup = 1, quit = 3, kill = 9, usr1 = 10, usr2 = 12;
#else
  constexpr int hangup = SIGHUP, quit = SIGQUIT, kill = SIGKILL, usr1 = SIGUSR1, usr2 = SIGUSR2;
#endif
  switch (signal) {
    case Signal::term:
      return SIGTERM;
    case Signal::interrupt:
      return SIGINT;
    case Signal::hangup:
      return hangup;
    case Signal::quit:
      return quit;
    case Signal::usr1:
      return usr1;
    case Signal::usr2:
      return usr2;
    case Signal::kill:
      return kill;
  }
  return SIGTERM;
}

}  // namespace daemonize
