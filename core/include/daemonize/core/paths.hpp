// Path rules shared by the loader and the targets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "daemonize/core/model.hpp"

namespace daemonize {

// "C:\dir", "C:/dir" or a UNC path "\\server\share".
[[nodiscard]] bool is_windows_absolute_path(std::string_view path);
// "/dir".
[[nodiscard]] bool is_posix_absolute_path(std::string_view path);

// `directory` + "/" + `name` without doubling a trailing "/"; `name` alone when `directory` is "".
[[nodiscard]] std::string join_path(std::string_view directory, std::string_view name);

// Why `service.command` cannot run on `os` (a literal path of another OS), for
// Backend::unsupported_reason; nullopt when it can, or when it uses interpolation.
[[nodiscard]] std::optional<std::string> command_os_mismatch(const Service& service, TargetOs os);

// Where daemonize keeps its files on Windows — one rule for render, deploy, the watchdog and the
// CLI. Machine-wide (an administrator's): the binaries in C:\Program Files\daemonize, manifests,
// task definitions and receipts in C:\ProgramData\daemonize. Per user (scope = "user", no
// administrator rights): %LOCALAPPDATA%\Programs\daemonize and %LOCALAPPDATA%\daemonize, the
// variable left for Task Scheduler (and expand_home() in deploy) to expand for that user.
[[nodiscard]] std::string windows_program_directory(Scope scope);
[[nodiscard]] std::string windows_data_directory(Scope scope);
inline constexpr std::string_view windows_local_app_data = "%LOCALAPPDATA%";

// The credential name under which a systemd unit hands service.env_files[index] to the watchdog
// (LoadCredential=daemonize-env-N:PATH); the watchdog reads $CREDENTIALS_DIRECTORY/<name>.
[[nodiscard]] inline std::string env_file_credential_name(std::size_t index) {
  return "daemonize-env-" + std::to_string(index);
}

}  // namespace daemonize
