// Facts about the host the CLI asks the operating system for (the user, processes, paths,
// clock conversions). One implementation per platform: host_facts_posix.cpp and
// host_facts_windows.cpp, picked by cli/CMakeLists.txt.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace daemonize::cli {

// The effective user id (POSIX); 0 on Windows, where services have no uid.
[[nodiscard]] unsigned effective_user_id();
// root on POSIX, an elevated administrator on Windows.
[[nodiscard]] bool running_privileged();
// The deploying user's home directory ($HOME, else the account database / %USERPROFILE%).
[[nodiscard]] std::string invoking_home();
[[nodiscard]] std::string invoking_user_name();
// A path of the manifest as the service's watchdog sees it: `~` expanded (POSIX), %VARIABLES%
// expanded (Windows: the default log directory is %ProgramData%\<name>\logs).
[[nodiscard]] std::string expand_path_variables(const std::string& path);
// The deploying user as the service manager names accounts (DOMAIN\user on Windows).
[[nodiscard]] std::string deploying_account();
// Whether a process with this id exists (a process we may not signal counts as alive).
[[nodiscard]] bool process_alive(int pid);
// The running executable, to read its bytes when deploy installs it.
[[nodiscard]] std::optional<std::filesystem::path> this_executable();
// Whether standard output is a terminal (colour decisions, cli/terminal.cpp).
[[nodiscard]] bool stdout_is_terminal();
// timegm(): broken-down UTC time to time_t.
[[nodiscard]] std::time_t utc_to_time_t(std::tm utc);
// Every state.json the watchdog of service `name` may have written, most specific first.
[[nodiscard]] std::vector<std::filesystem::path> watchdog_state_files(const std::string& name);

// What the service manager says about a service, where the CLI asks it directly (Windows: the
// SCM through QueryServiceStatusEx). POSIX hosts return std::nullopt: there the receipt-based
// installers of deploy/ speak for systemd and launchd.
struct ServiceManagerView {
  std::string manager;  // "scm"
  std::string state;    // RUNNING, STOPPED, START_PENDING...
  int pid = 0;          // 0 when not running
  unsigned win32_exit_code = 0;
  unsigned service_exit_code = 0;  // meaningful when win32_exit_code is 1066
};
// std::nullopt when the service is not registered or the manager cannot be asked (the reason
// goes to `note`).
[[nodiscard]] std::optional<ServiceManagerView> service_manager_view(const std::string& name,
                                                                     std::string& note);

}  // namespace daemonize::cli

namespace daemonize::cli {

// Resident memory in bytes of process `root_pid` and all its descendants (the watchdog's whole
// tree); std::nullopt when the process is gone or this host cannot tell.
[[nodiscard]] std::optional<std::uint64_t> process_tree_memory(int root_pid);
// The directories that hold one <name>/state.json per watchdog (system, then the user's).
[[nodiscard]] std::vector<std::filesystem::path> watchdog_state_roots();
// The directories that hold the <name>.pid of `run --detach` watchdogs (root's, the user's).
[[nodiscard]] std::vector<std::filesystem::path> detached_pidfile_directories();
// The own log of service `name`'s `run --detach` watchdog (its stderr and stdout: events, and
// the program's "inherit" streams); std::nullopt where watchdogs do not detach (Windows).
[[nodiscard]] std::optional<std::filesystem::path> detached_log_file(const std::string& name);
// Runs `argv` with this process's stdin/stdout/stderr and returns its exit status (127 when it
// cannot be started, with the reason on stderr).
int run_in_foreground(const std::vector<std::string>& argv);

}  // namespace daemonize::cli
