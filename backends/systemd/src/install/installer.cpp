// systemd: systemctl [--user] daemon-reload / enable / start|restart, status from
// `systemctl show`, logs from journalctl.
#include <sstream>

#include "daemonize/systemd/install.hpp"

namespace daemonize::systemd {
namespace {

using Argv = std::vector<std::string>;

class SystemdInstaller final : public Installer {
 public:
  explicit SystemdInstaller(InstallerSpec spec) : spec_(std::move(spec)) {}

  [[nodiscard]] std::string_view target() const override { return "systemd"; }
  [[nodiscard]] std::string service_id() const override { return spec_.service_id; }

  std::vector<ManagerStep> activation_steps(SystemOps& ops, const Activation& activation) override {
    const auto current = status(ops);
    std::vector<ManagerStep> steps;
    if (activation.definitions_changed) {
      steps.push_back({"daemon-reload", {systemctl({"daemon-reload"})}});
    }
    if (activation.definitions_changed || !current.enabled) {
      steps.push_back({"enable " + spec_.service_id, {systemctl({"enable", spec_.service_id})}});
    }
    if (!activation.start) return steps;
    // Type=notify: start/restart return once READY=1 arrived (or the start failed).
    if (current.active || current.transitioning) {
      if (activation.restart) {
        steps.push_back({"restart " + spec_.service_id,
                         {systemctl(with_no_block({"restart", spec_.service_id}, activation))}});
      }
    } else {
      // A failed unit keeps its state until reset; start it fresh.
      steps.push_back({"start " + spec_.service_id,
                       {systemctl(with_no_block({"start", spec_.service_id}, activation))}});
    }
    return steps;
  }

  std::vector<ManagerStep> deactivation_steps(SystemOps& ops) override {
    const auto current = status(ops);
    std::vector<ManagerStep> steps;
    if (current.active || current.transitioning || current.failed) {
      steps.push_back({"stop " + spec_.service_id, {systemctl({"stop", spec_.service_id})}});
    }
    if (current.enabled) {
      steps.push_back({"disable " + spec_.service_id, {systemctl({"disable", spec_.service_id})}});
    }
    // A timer's job may be running: it goes with the timer.
    if (spec_.service_id.ends_with(".timer")) {
      const std::string job = spec_.name + ".service";
      const auto shown = ops.run(systemctl({"show", "-p", "ActiveState", job}));
      if (shown.ok() && shown.output.find("ActiveState=inactive") == std::string::npos &&
          shown.output.find("ActiveState=") != std::string::npos) {
        steps.push_back({"stop " + job, {systemctl({"stop", job})}});
      }
    }
    return steps;
  }

  std::vector<ManagerStep> after_removal_steps() override {
    return {{"daemon-reload", {systemctl({"daemon-reload"})}}};
  }

  ManagerStep control_step(SystemOps& /*ops*/, ControlAction action) override {
    const std::string verb = to_string(action);
    if (action == ControlAction::start || action == ControlAction::restart) {
      // An operator's start clears a give-up as on every target: a native unit that hit its
      // start limit (StartLimitBurst=) refuses `systemctl start` until reset-failed.
      return {verb + " " + spec_.service_id,
              {systemctl({"reset-failed", spec_.service_id}), systemctl({verb, spec_.service_id})}};
    }
    return {verb + " " + spec_.service_id, {systemctl({verb, spec_.service_id})}};
  }

  ServiceStatus status(SystemOps& ops) override {
    ServiceStatus result;
    const auto shown = ops.run(systemctl(
        {"show", "-p",
         "LoadState,ActiveState,SubState,MainPID,NRestarts,ExecMainStatus,UnitFileState,Result",
         spec_.service_id}));
    result.raw = shown.output;
    if (!shown.ok()) {
      result.state = "unknown (systemctl show exited " + std::to_string(shown.exit_status) + ")";
      return result;
    }
    std::map<std::string, std::string> properties;
    std::istringstream lines(shown.output);
    for (std::string line; std::getline(lines, line);) {
      const auto equals = line.find('=');
      if (equals != std::string::npos) properties[line.substr(0, equals)] = line.substr(equals + 1);
    }
    const auto& active_state = properties["ActiveState"];
    result.known = properties["LoadState"] == "loaded";
    result.active = active_state == "active" || active_state == "reloading";
    result.transitioning = active_state == "activating" || active_state == "deactivating";
    result.failed = active_state == "failed";
    result.enabled = properties["UnitFileState"] == "enabled";
    result.state = active_state + " (" + properties["SubState"] + ")";
    result.main_pid = to_int(properties["MainPID"]);
    result.restarts = to_int(properties["NRestarts"]);
    result.last_exit_status = to_int(properties["ExecMainStatus"]);
    result.result = properties["Result"];
    return result;
  }

  std::string recent_log(SystemOps& ops, int lines) override {
    Argv argv{"journalctl", "--no-pager", "-n", std::to_string(lines)};
    if (spec_.scope == Scope::user) {
      argv.insert(argv.end(), {"--user", "--user-unit", spec_.service_id});
    } else {
      argv.insert(argv.end(), {"-u", spec_.service_id});
    }
    return ops.run(argv).output;
  }

  std::vector<std::string> failure_hints(const ServiceStatus& status) override {
    const bool user = spec_.scope == Scope::user;
    std::vector<std::string> hints;
    hints.push_back(std::string("see `journalctl ") + (user ? "--user " : "") + "-u " +
                    spec_.service_id + " -n 50` for the full log");
    if (status.result == "start-limit-hit") {
      hints.push_back(std::string("systemd hit the start limit: run `systemctl ") +
                      (user ? "--user " : "") + "reset-failed " + spec_.service_id +
                      "`, then deploy again");
    }
    return hints;
  }

  // A user manager runs only while its user is logged in, unless lingering is on.
  [[nodiscard]] std::vector<std::string> review_activation(
      std::vector<std::string> lines, const std::string& /*sudo*/) const override {
    if (spec_.scope != Scope::user) return lines;
    lines.insert(lines.begin(), {"# keep " + spec_.service_id +
                                     " running after logout and start it at boot (once per user):",
                                 "loginctl enable-linger \"$USER\""});
    return lines;
  }

  std::vector<std::string> host_warnings(SystemOps& ops) override {
    if (spec_.scope != Scope::user || spec_.user_name.empty()) return {};
    if (ops.exists("/var/lib/systemd/linger/" + spec_.user_name)) return {};
    return {"lingering is off for user " + spec_.user_name + ": " + spec_.service_id +
            " stops at logout and does not start at boot (enable it with `loginctl "
            "enable-linger " +
            spec_.user_name + "`)"};
  }

 private:
  [[nodiscard]] Argv systemctl(Argv arguments) const {
    Argv argv{"systemctl"};
    if (spec_.scope == Scope::user) argv.emplace_back("--user");
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return argv;
  }
  static Argv with_no_block(Argv arguments, const Activation& activation) {
    if (!activation.wait) arguments.insert(arguments.begin(), "--no-block");
    return arguments;
  }
  static int to_int(const std::string& text) {
    try {
      return text.empty() ? 0 : std::stoi(text);
    } catch (const std::exception&) {
      return 0;
    }
  }

  InstallerSpec spec_;
};

}  // namespace

std::unique_ptr<Installer> make_installer(const InstallerSpec& spec) {
  return std::make_unique<SystemdInstaller>(spec);
}

}  // namespace daemonize::systemd
