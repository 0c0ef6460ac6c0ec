// The per-target side of deploy: what a service manager must be told after the rendered files
// are written, and how to ask it about the service. Files themselves are written by the deploy
// orchestration; an Installer only runs service-manager commands, always through SystemOps.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/system_ops.hpp"

namespace daemonize {

// What the service manager reports about one service.
struct ServiceStatus {
  bool known = false;          // the manager has the service loaded
  bool active = false;         // running (systemd ActiveState=active; launchd state = running)
  bool transitioning = false;  // starting or stopping (not yet ready; still worth waiting)
  bool failed = false;         // the manager gave up on it
  bool enabled = false;        // started at boot/login
  std::string state;           // the manager's words, e.g. "active (running)", "failed (failed)"
  int main_pid = 0;
  int restarts = 0;          // restarts by the manager (systemd NRestarts)
  int last_exit_status = 0;  // systemd ExecMainStatus, launchd "last exit code"
  std::string result;        // systemd Result ("start-limit-hit", "exit-code"), "" elsewhere
  std::string raw;           // what the manager printed, for --json and diagnosis
};

// One service-manager action: the commands in order, for the plan, and the outcome.
// A step is either commands (systemctl, launchctl, schtasks) or, where the manager is an API
// rather than a program (the Windows SCM), one in-process `call` that `description` names.
struct ManagerStep {
  ManagerStep() = default;
  ManagerStep(std::string what, std::vector<std::vector<std::string>> commands,
              std::function<CommandResult()> api_call = {})
      : description(std::move(what)), argvs(std::move(commands)), call(std::move(api_call)) {}

  std::string description;                      // "daemon-reload", "restart web-api.service"
  std::vector<std::vector<std::string>> argvs;  // the exact commands
  std::function<CommandResult()> call;          // set instead of argvs: an API call
};

enum class ControlAction { start, stop, restart, reload };

// What deploy needs from the manager after writing files.
struct Activation {
  bool definitions_changed = false;  // unit/plist written: the manager must re-read it
  bool restart = false;  // the program must restart (running an older version or config)
  bool start = true;     // false: --no-start (enable only)
  bool wait = true;      // false: --no-wait (do not block until the service is ready)
};

[[nodiscard]] const char* to_string(ControlAction action);

class Installer {
 public:
  virtual ~Installer() = default;

  [[nodiscard]] virtual std::string_view target() const = 0;
  // The manager's name of the service ("web-api.service", "system/org.daemonize.web-api").
  [[nodiscard]] virtual std::string service_id() const = 0;

  // Steps after files were written, in order: make the manager re-read definitions, enable,
  // start or restart. May query the manager through `ops` (launchd: bootout only when
  // loaded); runs nothing that changes state.
  [[nodiscard]] virtual std::vector<ManagerStep> activation_steps(SystemOps& ops,
                                                                  const Activation& activation) = 0;
  // Steps before deleting the files: stop and disable.
  [[nodiscard]] virtual std::vector<ManagerStep> deactivation_steps(SystemOps& ops) = 0;
  // Steps after the files were deleted (systemd: daemon-reload); may be empty.
  [[nodiscard]] virtual std::vector<ManagerStep> after_removal_steps() = 0;
  // start/stop/restart/reload through the manager.
  [[nodiscard]] virtual ManagerStep control_step(SystemOps& ops, ControlAction action) = 0;

  [[nodiscard]] virtual ServiceStatus status(SystemOps& ops) = 0;
  // The manager's last `lines` log lines of the service (journalctl -u), "" when it keeps none.
  [[nodiscard]] virtual std::string recent_log(SystemOps& ops, int lines) = 0;
  // Warnings about the host that deploy prints (systemd user scope: lingering off).
  [[nodiscard]] virtual std::vector<std::string> host_warnings(SystemOps& ops) = 0;
  // What the host lacks that the service needs (a Windows service it depends on); deploy
  // refuses with these before changing anything. Queries only.
  [[nodiscard]] virtual std::vector<std::string> host_errors(SystemOps& /*ops*/) { return {}; }
  // What deploy would change in definitions the manager keeps outside files, as a unified diff
  // for `daemonize diff` ("" when nothing): the crontab (cron), the SCM registration
  // (windows-service). Files (units, plists) are diffed by the plan, so most managers have none.
  [[nodiscard]] virtual std::string managed_definition_diff(SystemOps& /*ops*/) { return ""; }
};

// Runs `step.call` when set; otherwise every command of `step` in order; stops at the first failure
// and returns its result (with the failing command line prepended to its output); ok() when all
// succeeded.
CommandResult run_step(SystemOps& ops, const ManagerStep& step);

// "systemctl restart 'a b'": argv joined with POSIX shell quoting where needed.
[[nodiscard]] std::string shell_join(const std::vector<std::string>& argv);

}  // namespace daemonize
