// What deploy asks the two Windows targets: is this a Windows build, where files go (Windows
// paths: ACLs, not owners), the console-less watchdog a task runs, and the installers.
#include "daemonize/core/loader.hpp"  // host_os()
#include "daemonize/windows/backend.hpp"
#include "daemonize/windows/install.hpp"
#include "daemonize/windows/service_api.hpp"

namespace daemonize {
namespace windows {

ServiceInstallerSpec service_installer_spec(const InstallRequest& request) {
  const Service& service = *request.service;
  RenderOptions options;
  options.daemonize_path = request.daemonize_path;
  options.installed_manifest_path = request.manifest_path;
  std::vector<Diagnostic> ignored;  // rendering reported them already
  return {service.name,     request.manifest_path,  service_registration(service, options, ignored),
          request.password, service.logs.directory, service.env_files};
}

TaskInstallerSpec task_installer_spec(const InstallRequest& request) {
  const Service& service = *request.service;
  return {service.name, expand_home(installed_task_xml_path(service), request.user.home),
          request.manifest_path, service.logs.directory, task_account(service)};
}

}  // namespace windows

namespace {

// Both Windows targets install to the same places.
class WindowsInstallTarget : public InstallTarget {
 public:
  [[nodiscard]] InstallPaths default_paths(const Service& service,
                                           const std::string& /*home*/) const override {
    // User scope: %LOCALAPPDATA%\..., expanded by deploy for the deploying user.
    return {windows::default_watchdog_path(service.scope),
            windows::installed_manifest_path(service, {})};
  }
};

class WindowsServiceInstallTarget final : public WindowsInstallTarget {
 public:
  [[nodiscard]] std::optional<HostCandidacy> host_candidacy(
      const SystemOps& /*host*/, bool /*needs_running_manager*/) const override {
    switch (host_os()) {
      case TargetOs::windows:
        return HostCandidacy{true, "windows-service: this is a Windows build"};
      case TargetOs::linux:
        return HostCandidacy{false, "windows-service: this is not a Windows build"};
      case TargetOs::macos:
        break;
    }
    return std::nullopt;
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstallRequest& request) const override {
    return windows::make_service_installer(windows::service_installer_spec(request),
                                           windows::make_host_windows_service_api());
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstalledService& installed,
                                                     const InvokingUser& /*user*/) const override {
    windows::ServiceInstallerSpec spec;
    spec.name = installed.name;
    for (const auto& file : installed.files) {
      if (file.kind == "manifest") spec.manifest_path = file.path;
    }
    return windows::make_service_installer(spec, windows::make_host_windows_service_api());
  }

  [[nodiscard]] std::vector<std::string> check_commands(
      const Service& service, const Installer* /*installer*/,
      const std::string& /*sudo*/) const override {
    return {"sc.exe query " + service.name};
  }
};

class WindowsTaskInstallTarget final : public WindowsInstallTarget {
 public:
  [[nodiscard]] std::optional<CompanionBinary> companion_binary(
      const std::string& daemonize_path) const override {
    RenderOptions paths;
    paths.daemonize_path = daemonize_path;
    return CompanionBinary{"daemonizew.exe", windows::console_less_watchdog_path(paths),
                           "the console-less daemonizew.exe a task runs"};
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstallRequest& request) const override {
    return task_installer(windows::task_installer_spec(request));
  }

  [[nodiscard]] std::unique_ptr<Installer> installer(const InstalledService& installed,
                                                     const InvokingUser& /*user*/) const override {
    windows::TaskInstallerSpec spec;
    spec.name = installed.name;
    for (const auto& file : installed.files) {
      if (file.kind == "manifest") spec.manifest_path = file.path;
      if (file.kind == "task") spec.task_xml_path = file.path;
    }
    return task_installer(spec);
  }

  [[nodiscard]] std::vector<std::string> check_commands(
      const Service& service, const Installer* /*installer*/,
      const std::string& /*sudo*/) const override {
    return {"schtasks.exe /Query /TN " + service.name};
  }

 private:
  // schtasks.exe exists only on Windows.
  static std::unique_ptr<Installer> task_installer(const windows::TaskInstallerSpec& spec) {
    if (host_os() != TargetOs::windows) return nullptr;
    return windows::make_task_installer(spec, windows::make_host_windows_service_api());
  }
};

}  // namespace

std::unique_ptr<Backend> make_windows_service_deployable_backend() {
  return with_install_target(make_windows_service_backend(),
                             std::make_unique<WindowsServiceInstallTarget>());
}

std::unique_ptr<Backend> make_windows_task_deployable_backend() {
  return with_install_target(make_windows_task_backend(),
                             std::make_unique<WindowsTaskInstallTarget>());
}

}  // namespace daemonize
