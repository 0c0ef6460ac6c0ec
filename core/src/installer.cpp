#include "daemonize/core/installer.hpp"

#include <cstdlib>

#include "daemonize/core/paths.hpp"

namespace daemonize {

const char* to_string(ControlAction action) {
  switch (action) {
    case ControlAction::start:
      return "start";
    case ControlAction::stop:
      return "stop";
    case ControlAction::restart:
      return "restart";
    case ControlAction::reload:
      return "reload";
  }
  return "?";
}

std::string shell_join(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789@%+=:,./_-") == std::string::npos;
    if (plain) {
      line += word;
      continue;
    }
    line += '\'';
    for (char c : word) {
      if (c == '\'') {
        line += "'\\''";
      } else {
        line += c;
      }
    }
    line += '\'';
  }
  return line;
}

std::string Installer::review_command(const std::vector<std::string>& argv,
                                      const std::string& sudo) const {
  return sudo + shell_join(argv);
}

std::string expand_home(const std::string& path, const std::string& home) {
  if (path.starts_with(windows_local_app_data)) {
    const char* local = std::getenv("LOCALAPPDATA");
    if (local != nullptr && *local != '\0')
      return local + path.substr(windows_local_app_data.size());
    // Files written elsewhere for a Windows user (deploy --output-dir on Linux) keep the
    // variable: Task Scheduler and the install script expand it in that user's environment.
    if (!is_windows_absolute_path(home)) return path;
    return home + "\\AppData\\Local" + path.substr(windows_local_app_data.size());
  }
  if (path == "~") return home;
  if (path.starts_with("~/")) return home + path.substr(1);
  return path;
}

InstallPaths posix_install_paths(const Service& service, const std::string& /*home*/) {
  if (service.scope == Scope::user) {
    // A user cannot write /usr/local/bin; the binary goes where `pip --user` & co. put theirs.
    return {"~/.local/bin/daemonize", "~/.config/daemonize/" + service.name + ".toml"};
  }
  return {"/usr/local/bin/daemonize", "/etc/daemonize/" + service.name + ".toml"};
}

CommandResult run_step(SystemOps& ops, const ManagerStep& step) {
  if (step.call) return step.call();
  CommandResult last;
  for (const auto& argv : step.argvs) {
    last = ops.run(argv);
    if (!last.ok()) {
      last.output = shell_join(argv) + " exited with " + std::to_string(last.exit_status) +
                    (last.output.empty() ? "" : ":\n" + last.output);
      return last;
    }
  }
  return last;
}

}  // namespace daemonize
