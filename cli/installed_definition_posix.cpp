// `import --service NAME` on Linux and macOS: systemd through `systemctl cat` (the unit and its
// drop-ins, each under its real path; the system manager, then the user's), launchd through the
// plist `launchctl print` names (or the standard LaunchDaemons/LaunchAgents directories).
#include <unistd.h>

#include <cstdlib>

#include "daemonize/core/system_ops.hpp"
#include "daemonize/import/service_manager_output.hpp"
#include "deploy_support.hpp"
#include "installed_definition.hpp"

namespace daemonize::cli {
namespace {

// A tool's output as one line of a message.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  std::string out;
  for (const char c : text) out += c == '\n' ? std::string("; ") : std::string(1, c);
  return out;
}

std::variant<InstalledDefinition, std::string> from_systemd(SystemOps& ops,
                                                            const std::string& name) {
  const bool has_suffix = name.find('.') != std::string::npos &&
                          (name.ends_with(".service") || name.ends_with(".socket") ||
                           name.ends_with(".timer") || name.ends_with(".target"));
  const std::string unit = has_suffix ? name : name + ".service";
  auto result = ops.run({"systemctl", "cat", "--", unit});
  if (!result.ok() && result.exit_status != 127) {
    // Not a system unit: the calling user's manager may have it (~/.config/systemd/user).
    auto user = ops.run({"systemctl", "--user", "cat", "--", unit});
    if (user.ok()) result = std::move(user);
  }
  if (!result.ok()) {
    if (result.exit_status == 127)
      return std::string("systemctl cat " + unit + ": systemctl not found");
    return "systemctl cat " + unit + ": " + one_line(result.output);
  }
  auto files = import::split_systemctl_cat(result.output);
  if (files.empty()) return "systemctl cat " + unit + ": no unit file in its output";
  InstalledDefinition definition;
  definition.format = import::Format::systemd;
  definition.source = std::move(files.front());
  definition.dropins.assign(std::make_move_iterator(files.begin() + 1),
                            std::make_move_iterator(files.end()));
  return definition;
}

std::variant<InstalledDefinition, std::string> from_launchd(SystemOps& ops,
                                                            const std::string& name) {
  // The label as given, and as daemonize names its own jobs.
  std::vector<std::string> labels{name};
  if (!name.starts_with("org.daemonize.")) labels.push_back("org.daemonize." + name);
  std::optional<std::string> path;
  const std::string uid = std::to_string(::getuid());
  for (const auto& label : labels) {
    for (const auto& domain : {std::string("system/"), "gui/" + uid + "/", "user/" + uid + "/"}) {
      const auto result = ops.run({"launchctl", "print", domain + label});
      if (result.ok()) path = import::launchctl_print_path(result.output);
      if (path) break;
    }
    if (path) break;
  }
  if (!path) {
    // Not loaded: the directories launchd loads from.
    const char* home = std::getenv("HOME");
    for (const auto& label : labels) {
      for (const std::string& directory :
           {std::string("/Library/LaunchDaemons"), std::string("/Library/LaunchAgents"),
            std::string(home != nullptr ? home : "") + "/Library/LaunchAgents",
            std::string("/System/Library/LaunchDaemons")}) {
        const std::string candidate = directory + "/" + label + ".plist";
        if (ops.exists(candidate)) {
          path = candidate;
          break;
        }
      }
      if (path) break;
    }
  }
  if (!path) {
    return "launchctl print system/" + name + ": no such job loaded, and no " + name +
           ".plist in /Library/LaunchDaemons, /Library/LaunchAgents or ~/Library/LaunchAgents";
  }
  std::optional<std::string> text;
  try {
    text = ops.read_file(*path);
  } catch (const std::exception& error) {
    return *path + ": " + error.what();
  }
  if (!text) return *path + ": the plist launchd names is gone";
  InstalledDefinition definition;
  definition.format = import::Format::launchd;
  definition.source = {*path, std::move(*text)};
  return definition;
}

}  // namespace

std::variant<InstalledDefinition, std::string> read_installed_definition(
    const std::string& name, const std::optional<std::string>& from) {
  const auto ops = make_host_system_ops();
  std::string manager = from.value_or("");
  if (manager == "scm") {
    return std::string(
        "--from scm reads the Windows service control manager, which this host does not have "
        "(use --from systemd or --from launchd)");
  }
  if (manager.empty()) {
    // What runs here: systemd marks itself in /run/systemd/system (sd_booted(3)).
    if (ops->exists("/run/systemd/system")) {
      manager = "systemd";
    } else if (ops->exists("/bin/launchctl")) {
      manager = "launchd";
    } else {
      return std::string(
          "no service manager found to ask: neither systemd (/run/systemd/system) nor launchd "
          "(/bin/launchctl) runs here; name one with --from");
    }
  }
  if (manager == "systemd") return from_systemd(*ops, name);
  if (manager == "launchd") return from_launchd(*ops, name);
  return "--service reads from systemd, launchd or scm, not " + manager +
         " (import its files by path instead)";
}

}  // namespace daemonize::cli
