// The systemd target's install part (library daemonize_systemd_install): the Installer that runs
// systemctl [--user] daemon-reload / enable / start|restart, reads `systemctl show` and
// journalctl, and the install facet deploy asks for paths and for `--target auto`.
#pragma once

#include <memory>
#include <string>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/installer.hpp"

namespace daemonize {

// The systemd backend with its install facet: what the CLI registers (CMakeLists.txt).
[[nodiscard]] std::unique_ptr<Backend> make_systemd_deployable_backend();

namespace systemd {

// Who the installer manages.
struct InstallerSpec {
  std::string name;  // the service name
  Scope scope = Scope::system;
  std::string service_id;  // "<name>.service"
  std::string user_name;   // user scope: whose lingering to check ("" = do not check)
};

[[nodiscard]] std::unique_ptr<Installer> make_installer(const InstallerSpec& spec);

}  // namespace systemd
}  // namespace daemonize
