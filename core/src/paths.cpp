#include "daemonize/core/paths.hpp"

#include <cctype>

namespace daemonize {

bool is_windows_absolute_path(std::string_view path) {
  if (path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) != 0 &&
      path[1] == ':' && (path[2] == '\\' || path[2] == '/')) {
    return true;
  }
  return path.size() >= 3 && path[0] == '\\' && path[1] == '\\';
}

bool is_posix_absolute_path(std::string_view path) { return !path.empty() && path.front() == '/'; }

std::string join_path(std::string_view directory, std::string_view name) {
  std::string joined(directory);
  if (!joined.empty() && joined.back() != '/') joined += '/';
  joined += name;
  return joined;
}

std::string windows_program_directory(Scope scope) {
  return scope == Scope::user ? std::string(windows_local_app_data) + "\\Programs\\daemonize"
                              : "C:\\Program Files\\daemonize";
}

std::string windows_data_directory(Scope scope) {
  return scope == Scope::user ? std::string(windows_local_app_data) + "\\daemonize"
                              : "C:\\ProgramData\\daemonize";
}

std::optional<std::string> command_os_mismatch(const Service& service, TargetOs os) {
  const auto& command = service.command;
  if (command.find("${") != std::string::npos) return std::nullopt;
  const bool windows = os == TargetOs::windows;
  if (windows ? is_windows_absolute_path(command) : is_posix_absolute_path(command))
    return std::nullopt;
  return "service.command '" + command + "' is not an absolute " + (windows ? "Windows" : "POSIX") +
         " path (set one in [os." + to_string(os) + "])";
}

}  // namespace daemonize
