// Renderers of the Windows targets, usable directly (tests, the Windows runtime's deploy).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize::windows {

// Install locations (cli.md): the watchdog and the manifest it reads.
inline constexpr std::string_view default_daemonize_path =
    "C:\\Program Files\\daemonize\\daemonize.exe";
inline constexpr std::string_view installed_manifest_directory = "C:\\ProgramData\\daemonize";

// C:\ProgramData\daemonize\<name>.toml unless options.installed_manifest_path says otherwise.
[[nodiscard]] std::string installed_manifest_path(const Service& service,
                                                  const RenderOptions& options);

// The watchdog executable: options.daemonize_path or the default install location.
[[nodiscard]] std::string watchdog_path(const RenderOptions& options);

// The GUI-subsystem twin of the watchdog that Task Scheduler runs (no console window):
// "...\daemonize.exe" becomes "...\daemonizew.exe"; any other file name is used as given.
[[nodiscard]] std::string console_less_watchdog_path(const RenderOptions& options);

// The SCM ImagePath: "<watchdog>" run --service "<installed manifest>".
[[nodiscard]] std::string service_image_path(const Service& service, const RenderOptions& options);

// How a [windows].account is registered with the SCM (sc.exe obj=).
struct ServiceAccount {
  std::string scm_name;         // e.g. "LocalSystem", "NT AUTHORITY\LocalService", "NT SERVICE\x"
  bool needs_password = false;  // an ordinary user account (not built-in, virtual or gMSA)
};
[[nodiscard]] ServiceAccount service_account(std::string_view account);

// `--target windows-service`.
[[nodiscard]] RenderResult render_windows_service(const Service& service,
                                                  const RenderOptions& options);

// `--target windows-task`.
[[nodiscard]] RenderResult render_windows_task(const Service& service,
                                               const RenderOptions& options);

// An xs:duration for Task Scheduler ("PT1M30S", "P1DT2H", "PT0S"), whole seconds rounded up.
[[nodiscard]] std::string xml_duration(Duration duration);

}  // namespace daemonize::windows
