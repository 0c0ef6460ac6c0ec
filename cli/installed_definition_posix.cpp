// `daemonize import --service NAME` on Linux and macOS. Reading systemd's and launchd's
// definitions is not part of this build yet: the command says so (exit 69).
#include "installed_definition.hpp"

namespace daemonize::cli {

std::variant<InstalledDefinition, std::string> read_installed_definition(
    const std::string& name, const std::optional<std::string>& from) {
  (void)name;
  if (from && *from == "scm") {
    return "--from scm reads the Windows service control manager; run it on Windows";
  }
  return "reading an installed service's definition from systemd or launchd is not supported "
         "by this build";
}

}  // namespace daemonize::cli
