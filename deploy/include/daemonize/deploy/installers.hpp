// The Installer implementations (systemd, launchd): service-manager commands through SystemOps.
// Kept in deploy/ rather than in the backends so that renderers stay free of host concerns and
// the backends' CMake files need no edit; they depend only on core.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/installer.hpp"
#include "daemonize/core/model.hpp"
#include "daemonize/windows/render.hpp"

namespace daemonize::deploy {

// Who the installer manages: built from a Service (deploy) or from a receipt (remove NAME).
struct InstallerSpec {
  std::string target;  // "systemd" | "launchd" | "cron" | "windows-service" | "windows-task"
  std::string name;    // the service name
  Scope scope = Scope::system;
  std::string service_id;       // systemd: "<name>.service"; launchd: the job label
  std::string definition_path;  // launchd: the installed plist (bootstrap needs it)
  unsigned uid = 0;             // launchd user scope: the gui/<uid> domain
  std::string user_name;        // systemd user scope: whose lingering to check
  // cron: the lines run `<daemonize_path> run <manifest_path> --detach`; `home` locates the
  // detached watchdog's pidfile (~/.local/state/daemonize/<name>.pid) for a non-root user.
  std::string daemonize_path;
  std::string manifest_path;
  std::string home;
  // windows-service: what the SCM is told (std::nullopt when built from a receipt: remove,
  // start/stop), the account's password (DAEMONIZE_SERVICE_PASSWORD) for ordinary accounts,
  // and the log directory the account is granted write access to.
  std::optional<windows::ServiceRegistration> registration;
  std::string password;
  std::string log_directory;
  // windows-service: service.env_files, which the account is granted read access to (an
  // optional "-" file only when it exists).
  std::vector<std::string> env_files;
  // windows-task: the installed task XML that `schtasks /Create /XML` registers, and the
  // account the task runs as (windows::task_account; "" = the user who registers it), granted
  // read access to the manifest and write access to the log directory like a service account.
  std::string task_xml_path;
  std::string task_account;
};

// std::nullptr when this build has no installer for `spec.target`.
[[nodiscard]] std::unique_ptr<Installer> make_installer(const InstallerSpec& spec);

[[nodiscard]] std::unique_ptr<Installer> make_systemd_installer(const InstallerSpec& spec);
[[nodiscard]] std::unique_ptr<Installer> make_launchd_installer(const InstallerSpec& spec);
// cron: merges the rendered block into the user's crontab (`crontab -l`, `crontab -`), starts
// and stops the detached watchdog through the installed `daemonize`; no service manager.
[[nodiscard]] std::unique_ptr<Installer> make_cron_installer(const InstallerSpec& spec);

class WindowsServiceApi;
// windows-service through the SCM API; nullptr when `api` is (a build for another system).
// `sleep` (empty: really sleep) paces the wait for STOPPED.
[[nodiscard]] std::unique_ptr<Installer> make_windows_service_installer(
    const InstallerSpec& spec, std::unique_ptr<WindowsServiceApi> api,
    std::function<void(std::chrono::milliseconds)> sleep = {});
// windows-task: `schtasks /Create /TN <name> /XML <installed xml> /F`, /Run, /End, /Delete;
// `api` grants the task's account its access (WindowsServiceApi::grant_access).
[[nodiscard]] std::unique_ptr<Installer> make_windows_task_installer(
    const InstallerSpec& spec, std::unique_ptr<WindowsServiceApi> api);

}  // namespace daemonize::deploy
