// windows-service: the service registered, reconfigured, started, stopped and deleted through
// the SCM API (WindowsServiceApi), not sc.exe. Each step is one in-process call; the decisions
// here are unit-tested against a fake SCM (tests/deploy/test_windows_installers.cpp).
#include <thread>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/core/unified_diff.hpp"
#include "daemonize/core/windows_controls.hpp"
#include "daemonize/windows/install.hpp"
#include "daemonize/windows/service_api.hpp"

namespace daemonize::windows {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds poll_interval{250};
// Beyond preshutdown_timeout (stop.timeout + the runtime's margin) before giving up on STOPPED.
constexpr milliseconds stop_wait_slack{10'000};

// A call's failure as a step result: the message names the API; access denied is exit 77.
template <typename Call>
CommandResult api_step(Call&& call) {
  try {
    call();
    return {};
  } catch (const SystemError& error) {
    return {error.kind() == SystemError::Kind::permission_denied ? exit_code::no_permission : 1,
            error.what()};
  }
}

bool is_running(const std::optional<ScmServiceStatus>& status) {
  return status && (status->state == "RUNNING" || status->state == "START_PENDING" ||
                    status->state == "CONTINUE_PENDING");
}

// Needs the program restarted to take effect (the rest of the registration does not).
bool restart_needed(const ServiceRegistration& installed, const ServiceRegistration& desired) {
  return installed.image_path != desired.image_path ||
         installed.account.scm_name != desired.account.scm_name;
}

class WindowsServiceInstaller final : public Installer {
 public:
  WindowsServiceInstaller(ServiceInstallerSpec spec, std::unique_ptr<WindowsServiceApi> api,
                          std::function<void(milliseconds)> sleep)
      : spec_(std::move(spec)), api_(std::move(api)), sleep_(std::move(sleep)) {}

  [[nodiscard]] std::string_view target() const override { return "windows-service"; }
  [[nodiscard]] std::string service_id() const override { return spec_.name; }

  std::vector<ManagerStep> activation_steps(SystemOps& ops, const Activation& activation) override {
    std::vector<ManagerStep> steps;
    if (!spec_.registration) return steps;
    const auto& desired = *spec_.registration;
    env_files_to_grant_ = existing_env_files(ops);
    bool granted = false;
    const auto status = api_->query_status(spec_.name);
    bool restart = activation.restart;
    if (!status) {
      steps.push_back(
          {"create service " + spec_.name + " (CreateServiceW, ChangeServiceConfig2W)", {}, [this] {
             return api_step([this] {
               api_->create(*spec_.registration, spec_.password);
               grant_access();
             });
           }});
      granted = true;
    } else {
      const auto installed = api_->query_registration(spec_.name);
      const auto changed = installed
                               ? differences(*installed, desired, api_->keeps_failure_actions())
                               : "everything";
      if (!changed.empty()) {
        if (installed && restart_needed(*installed, desired)) restart = true;
        steps.push_back({"reconfigure service " + spec_.name + " (" + changed +
                             "; ChangeServiceConfigW, ChangeServiceConfig2W)",
                         {},
                         [this] {
                           return api_step([this] {
                             api_->reconfigure(*spec_.registration, spec_.password);
                             grant_access();
                           });
                         }});
        granted = true;
      }
    }
    // A changed manifest or env file restarts the program: an env file it names may be new.
    if (!granted && activation.restart && needs_grants() && !env_files_to_grant_.empty()) {
      steps.push_back({"grant " + desired.account.scm_name + " read access to the env files",
                       {},
                       [this] { return api_step([this] { grant_env_files(); }); }});
    }
    if (!activation.start) return steps;
    if (is_running(status)) {
      if (restart) steps.push_back(restart_step());
    } else {
      steps.push_back(start_step());
    }
    return steps;
  }

  std::string managed_definition_diff(SystemOps& /*ops*/) override {
    if (!spec_.registration) return "";
    const auto installed = api_->query_registration(spec_.name);
    auto desired = *spec_.registration;
    if (installed && !api_->keeps_failure_actions()) {
      desired.failure_reset_period = installed->failure_reset_period;
      desired.restart_delays = installed->restart_delays;
    }
    return unified_diff(installed ? describe(*installed) : "", describe(desired),
                        "SCM registration of " + spec_.name + " (installed)",
                        "SCM registration of " + spec_.name + " (after deploy)");
  }

  std::vector<ManagerStep> deactivation_steps(SystemOps& /*ops*/) override {
    std::vector<ManagerStep> steps;
    const auto status = api_->query_status(spec_.name);
    if (!status) return steps;
    if (status->state != "STOPPED") steps.push_back(stop_step());
    steps.push_back({"delete service " + spec_.name + " (DeleteService)", {}, [this] {
                       return api_step([this] { api_->remove(spec_.name); });
                     }});
    return steps;
  }

  std::vector<ManagerStep> after_removal_steps() override { return {}; }

  ManagerStep control_step(SystemOps& /*ops*/, ControlAction action) override {
    switch (action) {
      case ControlAction::start:
        return start_step();
      case ControlAction::stop:
        return stop_step();
      case ControlAction::restart:
        return restart_step();
      case ControlAction::reload:
        break;
    }
    // The SCM has no reload control; daemonize's own control code reaches the watchdog.
    return {"reload service " + spec_.name + " (ControlService " +
                std::to_string(windows_control::reload) + ")",
            {},
            [this] {
              return api_step([this] { api_->send_control(spec_.name, windows_control::reload); });
            }};
  }

  ServiceStatus status(SystemOps& /*ops*/) override {
    ServiceStatus result;
    try {
      const auto status = api_->query_status(spec_.name);
      if (!status) {
        result.state = "not registered";
        return result;
      }
      result.known = true;
      result.active = status->state == "RUNNING";
      result.transitioning = status->state.ends_with("_PENDING");
      // A service-specific exit code (1066) is the watchdog's verdict; any other non-zero
      // Win32 code on STOPPED is the SCM's (the watchdog could not even start).
      const bool service_specific = status->win32_exit_code == 1066;
      result.last_exit_status =
          static_cast<int>(service_specific ? status->service_exit_code : status->win32_exit_code);
      result.failed = status->state == "STOPPED" && status->win32_exit_code != 0;
      result.main_pid = status->pid;
      result.state = status->state;
      if (status->win32_exit_code != 0) {
        result.state += " (exit " + std::to_string(status->win32_exit_code) +
                        (service_specific ? "/" + std::to_string(status->service_exit_code) : "") +
                        ")";
      }
      if (const auto registration = api_->query_registration(spec_.name)) {
        result.enabled = registration->start == WindowsStart::automatic ||
                         registration->start == WindowsStart::delayed_automatic;
      }
      result.raw = result.state;
    } catch (const SystemError& error) {
      result.state = std::string("unknown (") + error.what() + ")";
    }
    return result;
  }

  // The watchdog's own log is in the service's log directory, which holds %ProgramData% as the
  // service sees it; the Event Log has its start/stop/give-up events (docs/targets).
  std::string recent_log(SystemOps& /*ops*/, int /*lines*/) override { return ""; }

  // Every service this one depends on must be registered, or the SCM never starts it (error
  // 1075). Checked before anything changes; a name starting with '+' is a load-order group.
  // SCM errors (access denied) propagate as from activation_steps.
  std::vector<std::string> host_errors(SystemOps& /*ops*/) override {
    std::vector<std::string> errors;
    if (!spec_.registration) return errors;
    for (const auto& dependency : spec_.registration->dependencies) {
      if (dependency.starts_with("+") || api_->query_status(dependency)) continue;
      errors.push_back("the service depends on '" + dependency +
                       "', which is not registered with the SCM: install it first, or list "
                       "the Windows services it needs in [os.windows.dependencies] requires");
    }
    return errors;
  }

  std::vector<std::string> host_warnings(SystemOps& /*ops*/) override {
    if (spec_.registration && spec_.registration->account.needs_password &&
        spec_.password.empty()) {
      return {"account '" + spec_.registration->account.scm_name +
              "' needs its password: set DAEMONIZE_SERVICE_PASSWORD, or CreateServiceW fails"};
    }
    return {};
  }

 private:
  // The settings that differ, by name ("" when none), for the plan line. Whether the account
  // needs a password is not something the SCM reports.
  static std::string differences(const ServiceRegistration& installed,
                                 const ServiceRegistration& desired, bool compare_failure_actions) {
    std::string names;
    auto compare = [&names](bool same, const char* name) {
      if (same) return;
      if (!names.empty()) names += ", ";
      names += name;
    };
    compare(installed.image_path == desired.image_path, "image path");
    compare(installed.display_name == desired.display_name, "display name");
    compare(installed.description == desired.description, "description");
    compare(installed.start == desired.start, "start type");
    compare(installed.account.scm_name == desired.account.scm_name, "account");
    compare(installed.dependencies == desired.dependencies, "dependencies");
    compare(!compare_failure_actions ||
                (installed.failure_reset_period == desired.failure_reset_period &&
                 installed.restart_delays == desired.restart_delays),
            "failure actions");
    compare(installed.preshutdown_timeout == desired.preshutdown_timeout, "preshutdown timeout");
    return names;
  }

  // One "Setting: value" line per registration setting, for the diff.
  static std::string describe(const ServiceRegistration& registration) {
    std::string text = "ImagePath: " + registration.image_path + "\n" +
                       "DisplayName: " + registration.display_name + "\n" +
                       "Description: " + registration.description + "\n" +
                       "Start: " + to_string(registration.start) + "\n" +
                       "ObjectName: " + registration.account.scm_name + "\n" + "DependOnService:";
    for (const auto& dependency : registration.dependencies) text += " " + dependency;
    text += "\nFailureActions: reset after " +
            std::to_string(registration.failure_reset_period.count()) + " s;";
    for (const auto& delay : registration.restart_delays) {
      text += " restart after " + std::to_string(delay.count()) + " ms;";
    }
    text += "\nPreshutdownTimeout: " + std::to_string(registration.preshutdown_timeout.count()) +
            " ms\n";
    return text;
  }

  // Built-in accounts reach ProgramData already; a virtual or ordinary account is granted read
  // access to the manifest and its env files (the watchdog reads them as that account) and
  // write access to its log directory. An entry is added; nothing the operator set is removed.
  void grant_access() {
    if (!needs_grants()) return;
    const auto& account = spec_.registration->account.scm_name;
    if (!spec_.manifest_path.empty()) api_->grant_access(spec_.manifest_path, account, false);
    if (!spec_.log_directory.empty()) api_->grant_access(spec_.log_directory, account, true);
    grant_env_files();
  }
  [[nodiscard]] bool needs_grants() const {
    return spec_.registration->account.scm_name != "LocalSystem";
  }
  void grant_env_files() {
    for (const auto& path : env_files_to_grant_) {
      api_->grant_access(path, spec_.registration->account.scm_name, false);
    }
  }
  // Env file paths without the "-"; an optional file only when it exists (deploy refuses a
  // missing required one before this).
  [[nodiscard]] std::vector<std::string> existing_env_files(const SystemOps& ops) const {
    std::vector<std::string> paths;
    for (const auto& entry : spec_.env_files) {
      const bool optional = entry.starts_with("-");
      const auto path = optional ? entry.substr(1) : entry;
      if (!optional || ops.exists(path)) paths.push_back(path);
    }
    return paths;
  }

  ManagerStep start_step() {
    return {"start service " + spec_.name + " (StartServiceW)", {}, [this] {
              return api_step([this] { api_->start(spec_.name); });
            }};
  }

  ManagerStep stop_step() {
    return {"stop service " + spec_.name + " (ControlService STOP, wait for STOPPED)", {}, [this] {
              return stop_and_wait();
            }};
  }

  ManagerStep restart_step() {
    return {
        "restart service " + spec_.name + " (stop, wait for STOPPED, StartServiceW)", {}, [this] {
          auto stopped = stop_and_wait();
          if (!stopped.ok()) return stopped;
          return api_step([this] { api_->start(spec_.name); });
        }};
  }

  CommandResult stop_and_wait() {
    auto result = api_step([this] { api_->stop(spec_.name); });
    if (!result.ok()) return result;
    const milliseconds budget =
        (spec_.registration ? spec_.registration->preshutdown_timeout : milliseconds{30'000}) +
        stop_wait_slack;
    milliseconds waited{0};
    for (;;) {
      std::optional<ScmServiceStatus> status;
      result = api_step([&] { status = api_->query_status(spec_.name); });
      if (!result.ok()) return result;
      if (!status || status->state == "STOPPED") return {};
      if (waited >= budget) {
        return {1, spec_.name + " is still " + status->state + " " +
                       std::to_string(waited.count() / 1000) + " s after the stop request"};
      }
      sleep_(poll_interval);
      waited += poll_interval;
    }
  }

  ServiceInstallerSpec spec_;
  std::unique_ptr<WindowsServiceApi> api_;
  std::function<void(milliseconds)> sleep_;
  std::vector<std::string> env_files_to_grant_;  // decided by activation_steps
};

}  // namespace

std::unique_ptr<Installer> make_service_installer(
    const ServiceInstallerSpec& spec, std::unique_ptr<WindowsServiceApi> api,
    std::function<void(std::chrono::milliseconds)> sleep) {
  if (!api) return nullptr;
  if (!sleep) sleep = [](milliseconds duration) { std::this_thread::sleep_for(duration); };
  return std::make_unique<WindowsServiceInstaller>(spec, std::move(api), std::move(sleep));
}

}  // namespace daemonize::windows
