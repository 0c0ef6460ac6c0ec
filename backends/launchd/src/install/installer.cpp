// launchd: the modern launchctl verbs with explicit domains (bootstrap/bootout/enable/
// kickstart/print; never the deprecated load/unload), lessons.md #6.
#include <sstream>

#include "daemonize/launchd/install.hpp"

namespace daemonize::launchd {
namespace {

using Argv = std::vector<std::string>;

class LaunchdInstaller final : public Installer {
 public:
  explicit LaunchdInstaller(InstallerSpec spec)
      : spec_(std::move(spec)),
        domain_(spec_.scope == Scope::user ? "gui/" + std::to_string(spec_.uid) : "system"),
        service_target_(domain_ + "/" + spec_.service_id) {}

  [[nodiscard]] std::string_view target() const override { return "launchd"; }
  [[nodiscard]] std::string service_id() const override { return service_target_; }

  std::vector<ManagerStep> activation_steps(SystemOps& ops, const Activation& activation) override {
    const auto current = status(ops);
    std::vector<ManagerStep> steps;
    bool bootstrapped = false;
    if (activation.definitions_changed || !current.known) {
      // launchd reads a plist only at bootstrap: unload the old definition first.
      if (current.known) steps.push_back({"bootout " + service_target_, {bootout()}});
      steps.push_back({"bootstrap " + service_target_, {bootstrap()}});
      bootstrapped = true;
    }
    steps.push_back({"enable " + service_target_, {{"launchctl", "enable", service_target_}}});
    if (!activation.start) return steps;
    if (bootstrapped || !current.active) {
      steps.push_back(
          {"kickstart " + service_target_, {{"launchctl", "kickstart", service_target_}}});
    } else if (activation.restart) {
      steps.push_back(
          {"kickstart -k " + service_target_, {{"launchctl", "kickstart", "-k", service_target_}}});
    }
    return steps;
  }

  std::vector<ManagerStep> deactivation_steps(SystemOps& ops) override {
    std::vector<ManagerStep> steps;
    if (status(ops).known) steps.push_back({"bootout " + service_target_, {bootout()}});
    steps.push_back({"disable " + service_target_, {{"launchctl", "disable", service_target_}}});
    return steps;
  }

  std::vector<ManagerStep> after_removal_steps() override { return {}; }

  ManagerStep control_step(SystemOps& ops, ControlAction action) override {
    switch (action) {
      case ControlAction::start:
        if (!status(ops).known) {
          return {"start " + service_target_,
                  {bootstrap(), {"launchctl", "kickstart", service_target_}}};
        }
        return {"start " + service_target_, {{"launchctl", "kickstart", service_target_}}};
      case ControlAction::stop:
        // KeepAlive would start a merely killed job again: stopping means unloading it.
        return {"stop " + service_target_, {bootout()}};
      case ControlAction::restart:
        return {"restart " + service_target_, {{"launchctl", "kickstart", "-k", service_target_}}};
      case ControlAction::reload:
        return {"reload " + service_target_, {{"launchctl", "kill", "SIGHUP", service_target_}}};
    }
    return {};
  }

  ServiceStatus status(SystemOps& ops) override {
    ServiceStatus result;
    const auto printed = ops.run({"launchctl", "print", service_target_});
    result.raw = printed.output;
    if (!printed.ok()) {
      result.state = "not loaded";
      return result;
    }
    result.known = true;
    result.enabled = true;
    std::string state;
    std::istringstream lines(printed.output);
    for (std::string line; std::getline(lines, line);) {
      const auto equals = line.find(" = ");
      if (equals == std::string::npos) continue;
      auto key = line.substr(0, equals);
      key.erase(0, key.find_first_not_of(" \t"));
      const auto value = line.substr(equals + 3);
      // Only the job's own top-level keys (one tab deep), not nested dictionaries.
      if (!line.starts_with('\t') || line.starts_with("\t\t")) continue;
      if (key == "state") state = value;
      if (key == "pid") result.main_pid = to_int(value);
      if (key == "last exit code") result.last_exit_status = to_int(value);
      if (key == "runs") result.restarts = std::max(0, to_int(value) - 1);
    }
    result.state = state.empty() ? "loaded" : state;
    result.active = state == "running";
    result.transitioning = state == "spawn scheduled" || state == "spawning";
    return result;
  }

  std::string recent_log(SystemOps& /*ops*/, int /*lines*/) override { return ""; }
  std::vector<std::string> failure_hints(const ServiceStatus& /*status*/) override {
    return {"see `launchctl print " + service_target_ + "` and the service's log files"};
  }
  // A LaunchAgent is bootstrapped into the gui domain of whoever runs INSTALL.md, without sudo.
  [[nodiscard]] std::string review_command(const std::vector<std::string>& argv,
                                           const std::string& sudo) const override {
    if (spec_.scope != Scope::user) return Installer::review_command(argv, sudo);
    std::string line;
    for (const auto& word : argv) {
      if (!line.empty()) line += ' ';
      // Double quotes: the shell must expand $(id -u); a label never holds `"`, `$` or `\`.
      line +=
          word.starts_with("gui/0") ? "\"gui/$(id -u)" + word.substr(5) + '"' : shell_join({word});
    }
    return line;
  }
  std::vector<std::string> host_warnings(SystemOps& /*ops*/) override { return {}; }

 private:
  [[nodiscard]] Argv bootstrap() const {
    return {"launchctl", "bootstrap", domain_, spec_.definition_path};
  }
  [[nodiscard]] Argv bootout() const { return {"launchctl", "bootout", service_target_}; }
  static int to_int(const std::string& text) {
    try {
      return text.empty() ? 0 : std::stoi(text);
    } catch (const std::exception&) {
      return 0;
    }
  }

  InstallerSpec spec_;
  std::string domain_;
  std::string service_target_;
};

}  // namespace

std::unique_ptr<Installer> make_installer(const InstallerSpec& spec) {
  return std::make_unique<LaunchdInstaller>(spec);
}

}  // namespace daemonize::launchd
