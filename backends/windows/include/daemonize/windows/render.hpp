// Renderers of the Windows targets, usable directly (tests, the Windows runtime's deploy).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize::windows {

// Install locations (cli.md): the watchdog and the manifest it reads, machine-wide; user scope
// uses %LOCALAPPDATA% instead (windows_program_directory(), windows_data_directory()).
inline constexpr std::string_view default_daemonize_path =
    "C:\\Program Files\\daemonize\\daemonize.exe";

// daemonize.exe in windows_program_directory(scope).
[[nodiscard]] std::string default_watchdog_path(Scope scope);

// <windows_data_directory(scope)>\<name>.toml unless options.installed_manifest_path says
// otherwise.
[[nodiscard]] std::string installed_manifest_path(const Service& service,
                                                  const RenderOptions& options);

// Where deploy installs the task XML that `schtasks /Create /XML` registers:
// <windows_data_directory(scope)>\tasks\<name>.xml.
[[nodiscard]] std::string installed_task_xml_path(const Service& service);

// The watchdog executable: options.daemonize_path or the default install location of `scope`.
[[nodiscard]] std::string watchdog_path(const RenderOptions& options, Scope scope = Scope::system);

// The GUI-subsystem twin of the watchdog that Task Scheduler runs (no console window):
// "...\daemonize.exe" becomes "...\daemonizew.exe"; any other file name is used as given.
[[nodiscard]] std::string console_less_watchdog_path(const RenderOptions& options,
                                                     Scope scope = Scope::system);

// The SCM ImagePath: "<watchdog>" run --service "<installed manifest>".
[[nodiscard]] std::string service_image_path(const Service& service, const RenderOptions& options);

// How a [windows].account is registered with the SCM (sc.exe obj=).
struct ServiceAccount {
  std::string scm_name;         // e.g. "LocalSystem", "NT AUTHORITY\LocalService", "NT SERVICE\x"
  bool needs_password = false;  // an ordinary user account (not built-in, virtual or gMSA)
  friend bool operator==(const ServiceAccount&, const ServiceAccount&) = default;
};
[[nodiscard]] ServiceAccount service_account(std::string_view account);

// Everything the SCM is told about the service: what install-<name>.cmd passes to sc.exe and
// what deploy passes to CreateServiceW/ChangeServiceConfig(2)W. One source for both, so the
// script for review and the API deploy cannot drift apart.
struct ServiceRegistration {
  std::string name;
  std::string display_name;
  std::string description;
  std::string image_path;  // service_image_path()
  WindowsStart start = WindowsStart::automatic;
  ServiceAccount account;
  // `requires` without systemd-only units, ".service" stripped, in order, without duplicates
  // (`after` only orders; the SCM has no ordering-only dependency).
  std::vector<std::string> dependencies;
  // Recovery actions for a crashed watchdog (failure flag 0: a reported STOPPED is final):
  // restart after each delay in turn, the last one repeating until `failure_reset_period` passes
  // without a failure. Empty when restart.policy = "never".
  std::chrono::seconds failure_reset_period{0};
  std::vector<std::chrono::milliseconds> restart_delays;
  // SERVICE_PRESHUTDOWN_INFO: stop.timeout plus a margin (runtime_decisions.hpp).
  std::chrono::milliseconds preshutdown_timeout{0};
  friend bool operator==(const ServiceRegistration&, const ServiceRegistration&) = default;
};

// The registration of `service`, or std::nullopt with errors in `diagnostics` (a dependency that
// is not a service name, a path that is not absolute, scope = "user"). Warnings go there too.
[[nodiscard]] std::optional<ServiceRegistration> service_registration(
    const Service& service, const RenderOptions& options, std::vector<Diagnostic>& diagnostics);

// `--target windows-service`.
[[nodiscard]] RenderResult render_windows_service(const Service& service,
                                                  const RenderOptions& options);

// The account a windows-task runs as: [windows].account as the SCM spells it when set
// ("LocalSystem", "NT AUTHORITY\LocalService", a user), otherwise "NT AUTHORITY\LocalService"
// for scope system (least privilege) and "" for scope user (the user who registers the task).
[[nodiscard]] std::string task_account(const Service& service);

// `--target windows-task`.
[[nodiscard]] RenderResult render_windows_task(const Service& service,
                                               const RenderOptions& options);

// An xs:duration for Task Scheduler ("PT1M30S", "P1DT2H", "PT0S"), whole seconds rounded up.
[[nodiscard]] std::string xml_duration(Duration duration);

}  // namespace daemonize::windows
