#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "daemonize/watchdog/detached.hpp"
#include "daemonize/watchdog/state_file.hpp"
#include "host_facts.hpp"

namespace daemonize::cli {

unsigned effective_user_id() { return static_cast<unsigned>(::geteuid()); }

bool running_privileged() { return ::geteuid() == 0; }

std::string invoking_home() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  if (const auto* entry = ::getpwuid(::geteuid())) return entry->pw_dir;
  return "/";
}

std::string invoking_user_name() {
  if (const auto* entry = ::getpwuid(::geteuid())) return entry->pw_name;
  return std::to_string(::geteuid());
}

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

std::optional<std::filesystem::path> this_executable() {
  return std::filesystem::path("/proc/self/exe");
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

std::time_t utc_to_time_t(std::tm utc) { return ::timegm(&utc); }

std::vector<std::filesystem::path> watchdog_state_files(const std::string& name) {
  const auto environment_value = [](const std::string& variable) -> std::optional<std::string> {
    if (const char* value = std::getenv(variable.c_str())) return std::string(value);
    return std::nullopt;
  };
  std::vector<std::filesystem::path> files;
  for (const auto& directory :
       state_directory_candidates(name, environment_value, running_privileged())) {
    files.push_back(directory / kStateFileName);
  }
  const auto system_file = std::filesystem::path("/run/daemonize") / name / kStateFileName;
  if (std::find(files.begin(), files.end(), system_file) == files.end()) {
    files.push_back(system_file);
  }
  // A `run --detach` watchdog of a non-root user keeps its state next to its pidfile.
  if (const auto detached = detached_paths(name, environment_value, running_privileged())) {
    const auto detached_file = detached->state_directory / kStateFileName;
    if (std::find(files.begin(), files.end(), detached_file) == files.end()) {
      files.push_back(detached_file);
    }
  }
  return files;
}

std::optional<ServiceManagerView> service_manager_view(const std::string& /*name*/,
                                                       std::string& /*note*/) {
  return std::nullopt;
}

}  // namespace daemonize::cli
