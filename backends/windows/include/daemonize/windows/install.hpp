// The Windows targets' install part (library daemonize_windows_install): the windows-service
// installer (SCM API calls through WindowsServiceApi) and the windows-task installer
// (schtasks.exe through SystemOps), and the install facets deploy asks for paths, `--target
// auto` and the console-less watchdog a task runs.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/installer.hpp"
#include "daemonize/windows/render.hpp"

namespace daemonize {

// The Windows backends with their install facets: what the CLI registers (CMakeLists.txt).
[[nodiscard]] std::unique_ptr<Backend> make_windows_service_deployable_backend();
[[nodiscard]] std::unique_ptr<Backend> make_windows_task_deployable_backend();

namespace windows {

class WindowsServiceApi;  // service_api.hpp

// Who the windows-service installer manages: what the SCM is told (std::nullopt when built from
// a receipt: remove, start/stop), the account's password (DAEMONIZE_SERVICE_PASSWORD) for
// ordinary accounts, the log directory the account is granted write access to, and
// service.env_files, which it is granted read access to (an optional "-" file only when it
// exists).
struct ServiceInstallerSpec {
  std::string name;
  std::string manifest_path;
  std::optional<ServiceRegistration> registration;
  std::string password;
  std::string log_directory;
  std::vector<std::string> env_files;
};

// Who the windows-task installer manages: the installed task XML that `schtasks /Create /XML`
// registers, and the account the task runs as (task_account(); "" = the user who registers it),
// granted read access to the manifest and write access to the log directory like a service
// account.
struct TaskInstallerSpec {
  std::string name;
  std::string task_xml_path;
  std::string manifest_path;
  std::string log_directory;
  std::string task_account;
};

// What deploy's install request becomes for each installer.
[[nodiscard]] ServiceInstallerSpec service_installer_spec(const InstallRequest& request);
[[nodiscard]] TaskInstallerSpec task_installer_spec(const InstallRequest& request);

// windows-service through the SCM API; nullptr when `api` is (a build for another system).
// `sleep` (empty: really sleep) paces the wait for STOPPED.
[[nodiscard]] std::unique_ptr<Installer> make_service_installer(
    const ServiceInstallerSpec& spec, std::unique_ptr<WindowsServiceApi> api,
    std::function<void(std::chrono::milliseconds)> sleep = {});
// windows-task: `schtasks /Create /TN <name> /XML <installed xml> /F`, /Run, /End, /Delete;
// `api` grants the task's account its access (WindowsServiceApi::grant_access).
[[nodiscard]] std::unique_ptr<Installer> make_task_installer(
    const TaskInstallerSpec& spec, std::unique_ptr<WindowsServiceApi> api);

}  // namespace windows
}  // namespace daemonize
