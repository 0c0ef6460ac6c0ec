// The per-target side of deploy: what a service manager must be told after the rendered files
// are written, and how to ask it about the service. Files themselves are written by the deploy
// orchestration; an Installer only runs service-manager commands, always through SystemOps.
// A backend that can be deployed offers an InstallTarget (Backend::install_target()), which
// builds its Installer and answers what deploy asks about the target; deploy never names one.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/model.hpp"
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
  // What to do next after a failed start (`journalctl -u ...`), printed by deploy's rollback.
  [[nodiscard]] virtual std::vector<std::string> failure_hints(const ServiceStatus& /*status*/) {
    return {};
  }
  // One command of activation_steps() as INSTALL.md of a review bundle shows it: `sudo` is the
  // prefix a system-scope command needs ("sudo " or ""). The default: sudo + the command.
  [[nodiscard]] virtual std::string review_command(const std::vector<std::string>& argv,
                                                   const std::string& sudo) const;
  // The manager commands of INSTALL.md: `lines` are activation_steps() on a fresh host through
  // review_command(). A manager whose steps a reader cannot run as shown (cron's crontab
  // merge) or who needs one more step by hand (systemd user scope: lingering) changes them.
  [[nodiscard]] virtual std::vector<std::string> review_activation(
      std::vector<std::string> lines, const std::string& /*sudo*/) const {
    return lines;
  }
};

// The user running deploy, remove, start/stop or status: launchd's gui/<uid> domain, systemd's
// lingering check, cron's crontab owner and home.
struct InvokingUser {
  unsigned uid = 0;
  std::string name;
  std::string home;
};

// What deploy installs: the service and where its watchdog binary and manifest go.
struct InstallRequest {
  const Service* service = nullptr;
  std::string daemonize_path;  // the installed watchdog binary the definitions run
  std::string manifest_path;   // the installed manifest the watchdog reads
  InvokingUser user;
  // DAEMONIZE_SERVICE_PASSWORD: handed to the manager for accounts that need one, never written.
  std::string password;
};

// What deploy's receipt recorded about an installed service (remove NAME, start/stop, status).
struct InstalledFile {
  std::string path;
  std::string kind;  // "unit", "plist", "task", "manifest", ...
};
struct InstalledService {
  std::string name;
  Scope scope = Scope::system;
  std::string service_id;      // the manager's name, as Installer::service_id() reported it
  std::string daemonize_path;  // the installed watchdog binary
  std::vector<InstalledFile> files;
};

// Whether a target is this host's service manager for `--target auto`, and why (or why not).
struct HostCandidacy {
  bool fits = false;
  std::string reason;  // "systemd: /run/systemd/system exists (...)"
};

// Where a target installs the watchdog binary and the manifest by default (`~` unexpanded).
struct InstallPaths {
  std::string daemonize_path;
  std::string manifest_path;
};

// A second program deploy installs next to the watchdog binary (the console-less daemonizew.exe
// a Windows task runs); read from next to the running executable.
struct CompanionBinary {
  std::string file_name;     // "daemonizew.exe"
  std::string install_path;  // where deploy installs it
  std::string purpose;       // for the error when it cannot be read
};

// What deploy needs to know about a target, beyond rendering: its install facet.
class InstallTarget {
 public:
  virtual ~InstallTarget() = default;

  // `--target auto`: std::nullopt when this target is not worth mentioning on this host.
  // `needs_running_manager`: the command starts the service (not --output-dir, --root, diff).
  [[nodiscard]] virtual std::optional<HostCandidacy> host_candidacy(
      const SystemOps& /*host*/, bool /*needs_running_manager*/) const {
    return std::nullopt;
  }
  // The default install locations for `service`; `home` is the deploying user's.
  [[nodiscard]] virtual InstallPaths default_paths(const Service& service,
                                                   const std::string& home) const = 0;
  // The companion program of the watchdog installed at `daemonize_path`, if the target runs one.
  [[nodiscard]] virtual std::optional<CompanionBinary> companion_binary(
      const std::string& /*daemonize_path*/) const {
    return std::nullopt;
  }
  // The installer for a service about to be deployed; nullptr when this build cannot talk to
  // the target's manager (no SCM outside Windows).
  [[nodiscard]] virtual std::unique_ptr<Installer> installer(
      const InstallRequest& request) const = 0;
  // The installer for an installed service, from what its receipt recorded.
  [[nodiscard]] virtual std::unique_ptr<Installer> installer(const InstalledService& installed,
                                                             const InvokingUser& user) const = 0;
  // The "Check it" commands of a review bundle's INSTALL.md (--output-dir); `installer` was
  // built for a fresh host (nullptr where this build has none), `sudo` as in review_command().
  [[nodiscard]] virtual std::vector<std::string> check_commands(const Service& service,
                                                                const Installer* installer,
                                                                const std::string& sudo) const = 0;
};

// `~` and `~/x` with `home`, a leading %LOCALAPPDATA% with the deploying user's (the variable,
// else `home`\AppData\Local); other paths unchanged.
[[nodiscard]] std::string expand_home(const std::string& path, const std::string& home);

// The POSIX install conventions the Linux targets share, and the default for targets deploy
// cannot install (review bundles only): /usr/local/bin/daemonize and /etc/daemonize/<name>.toml,
// in user scope ~/.local/bin/daemonize and ~/.config/daemonize/<name>.toml. The one default
// for both `render` and `deploy`.
[[nodiscard]] InstallPaths posix_install_paths(const Service& service, const std::string& home);

// Runs `step.call` when set; otherwise every command of `step` in order; stops at the first failure
// and returns its result (with the failing command line prepended to its output); ok() when all
// succeeded.
CommandResult run_step(SystemOps& ops, const ManagerStep& step);

// "systemctl restart 'a b'": argv joined with POSIX shell quoting where needed.
[[nodiscard]] std::string shell_join(const std::vector<std::string>& argv);

}  // namespace daemonize
