// windows-task: the task registered from its installed XML with schtasks.exe (run through
// SystemOps, so the commands are in the plan), started with /Run, ended with /End, deleted with
// /Delete. Status from `schtasks /Query /FO LIST /V` ("Status:" and "Last Result:" lines).
// The task's account is granted its access to the manifest and the log directory through the
// same WindowsServiceApi call the SCM installer uses.
#include <sstream>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/windows/install.hpp"
#include "daemonize/windows/service_api.hpp"

namespace daemonize::windows {
namespace {

using Argv = std::vector<std::string>;

// "  Status:     Running" -> "Running"; "" when `output` has no such line.
std::string list_field(const std::string& output, const std::string& field) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto start = line.find_first_not_of(' ');
    if (start == std::string::npos || line.compare(start, field.size(), field) != 0) continue;
    const auto colon = start + field.size();
    if (colon >= line.size() || line[colon] != ':') continue;
    const auto value = line.find_first_not_of(' ', colon + 1);
    return value == std::string::npos ? "" : line.substr(value);
  }
  return "";
}

class WindowsTaskInstaller final : public Installer {
 public:
  WindowsTaskInstaller(TaskInstallerSpec spec, std::unique_ptr<WindowsServiceApi> api)
      : spec_(std::move(spec)), api_(std::move(api)) {}

  [[nodiscard]] std::string_view target() const override { return "windows-task"; }
  [[nodiscard]] std::string service_id() const override { return spec_.name; }

  std::vector<ManagerStep> activation_steps(SystemOps& ops, const Activation& activation) override {
    const auto current = status(ops);
    std::vector<ManagerStep> steps;
    // /Create /F replaces the definition of a registered task in place.
    if (activation.definitions_changed || !current.known) {
      if (needs_grant()) steps.push_back(grant_step());
      steps.push_back(
          {"register task " + spec_.name + " from " + spec_.task_xml_path,
           {schtasks({"/Create", "/TN", spec_.name, "/XML", spec_.task_xml_path, "/F"})}});
    }
    if (!activation.start) return steps;
    if (current.active) {
      if (activation.restart) {
        steps.push_back(
            {"restart task " + spec_.name,
             {schtasks({"/End", "/TN", spec_.name}), schtasks({"/Run", "/TN", spec_.name})}});
      }
    } else {
      steps.push_back({"run task " + spec_.name, {schtasks({"/Run", "/TN", spec_.name})}});
    }
    return steps;
  }

  std::vector<ManagerStep> deactivation_steps(SystemOps& ops) override {
    const auto current = status(ops);
    if (!current.known) return {};
    std::vector<ManagerStep> steps;
    // Task Scheduler has no graceful stop: /End terminates the watchdog's process tree.
    if (current.active) {
      steps.push_back({"end task " + spec_.name, {schtasks({"/End", "/TN", spec_.name})}});
    }
    steps.push_back(
        {"delete task " + spec_.name, {schtasks({"/Delete", "/TN", spec_.name, "/F"})}});
    return steps;
  }

  std::vector<ManagerStep> after_removal_steps() override { return {}; }

  ManagerStep control_step(SystemOps& /*ops*/, ControlAction action) override {
    switch (action) {
      case ControlAction::start:
        return {"run task " + spec_.name, {schtasks({"/Run", "/TN", spec_.name})}};
      case ControlAction::stop:
        return {"end task " + spec_.name, {schtasks({"/End", "/TN", spec_.name})}};
      case ControlAction::restart:
      case ControlAction::reload:
        break;
    }
    return {"restart task " + spec_.name,
            {schtasks({"/End", "/TN", spec_.name}), schtasks({"/Run", "/TN", spec_.name})}};
  }

  ServiceStatus status(SystemOps& ops) override {
    ServiceStatus result;
    const auto shown = ops.run(schtasks({"/Query", "/TN", spec_.name, "/FO", "LIST", "/V"}));
    result.raw = shown.output;
    if (!shown.ok()) {
      result.state = "not registered";
      return result;
    }
    const auto task_status = list_field(shown.output, "Status");
    result.known = true;
    result.active = task_status == "Running";
    result.enabled = task_status != "Disabled";
    result.state =
        task_status.empty() ? "unknown (schtasks /Query printed no Status)" : task_status;
    const auto last_result = list_field(shown.output, "Last Result");
    try {
      result.last_exit_status = last_result.empty() ? 0 : std::stoi(last_result);
    } catch (const std::exception&) {
      result.last_exit_status = 0;
    }
    return result;
  }

  std::string recent_log(SystemOps& /*ops*/, int /*lines*/) override { return ""; }
  std::vector<std::string> host_warnings(SystemOps& /*ops*/) override { return {}; }

 private:
  static Argv schtasks(Argv arguments) {
    Argv argv{"schtasks.exe"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return argv;
  }

  // LocalSystem reaches ProgramData already, and a task without an account runs as the user
  // who registers it (who deploys it); any other account, LocalService by default, is granted
  // read access to the manifest and write access to its log directory, as a service account is.
  [[nodiscard]] bool needs_grant() const {
    return !spec_.task_account.empty() && spec_.task_account != "LocalSystem";
  }

  ManagerStep grant_step() {
    return {"grant " + spec_.task_account + " read access to " + spec_.manifest_path +
                " and write access to " + spec_.log_directory + " (SetNamedSecurityInfoW)",
            {},
            [this]() -> CommandResult {
              if (!api_) return {exit_code::unavailable, "no access-control API in this build"};
              try {
                if (!spec_.manifest_path.empty()) {
                  api_->grant_access(spec_.manifest_path, spec_.task_account, false);
                }
                if (!spec_.log_directory.empty()) {
                  api_->grant_access(spec_.log_directory, spec_.task_account, true);
                }
                return {};
              } catch (const SystemError& error) {
                return {error.kind() == SystemError::Kind::permission_denied
                            ? exit_code::no_permission
                            : 1,
                        error.what()};
              }
            }};
  }

  TaskInstallerSpec spec_;
  std::unique_ptr<WindowsServiceApi> api_;
};

}  // namespace

std::unique_ptr<Installer> make_task_installer(const TaskInstallerSpec& spec,
                                               std::unique_ptr<WindowsServiceApi> api) {
  return std::make_unique<WindowsTaskInstaller>(spec, std::move(api));
}

}  // namespace daemonize::windows
