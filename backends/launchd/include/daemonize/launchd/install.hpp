// The launchd target's install part (library daemonize_launchd_install): the Installer that
// speaks the modern launchctl verbs with explicit domains, and the install facet deploy asks
// for paths and for `--target auto`.
#pragma once

#include <memory>
#include <string>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/installer.hpp"

namespace daemonize {

// The launchd backend with its install facet: what the CLI registers (CMakeLists.txt).
[[nodiscard]] std::unique_ptr<Backend> make_launchd_deployable_backend();

namespace launchd {

// Who the installer manages.
struct InstallerSpec {
  std::string name;  // the service name
  Scope scope = Scope::system;
  std::string service_id;       // the job label
  std::string definition_path;  // the installed plist (bootstrap needs it)
  unsigned uid = 0;             // user scope: the gui/<uid> domain
};

[[nodiscard]] std::unique_ptr<Installer> make_installer(const InstallerSpec& spec);

}  // namespace launchd
}  // namespace daemonize
