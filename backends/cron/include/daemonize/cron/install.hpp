// The cron target's install part (library daemonize_cron_install): the Installer that merges the
// rendered block into the user's crontab (`crontab -l`, `crontab -`) and starts and stops the
// detached watchdog through the installed `daemonize`; no service manager.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/installer.hpp"

namespace daemonize {

// The cron backend with its install facet: what the CLI registers (CMakeLists.txt).
[[nodiscard]] std::unique_ptr<Backend> make_cron_deployable_backend();

namespace cron {

// Who the installer manages. The crontab lines run `<daemonize_path> run <manifest_path>
// --detach`; `home` locates the detached watchdog's pidfile (~/.local/state/daemonize/<name>.pid)
// for a non-root user.
struct InstallerSpec {
  std::string name;  // the service name
  Scope scope = Scope::system;
  unsigned uid = 0;
  std::string user_name;  // whose crontab ("" = the invoking user's, unnamed)
  std::string home;
  std::string daemonize_path;
  std::string manifest_path;
  // [schedule]: the block runs the job on it (the watchdog in the foreground, no keep-alive)
  // and deploy starts nothing.
  std::optional<ScheduleConfig> schedule;
};

[[nodiscard]] std::unique_ptr<Installer> make_installer(const InstallerSpec& spec);

}  // namespace cron
}  // namespace daemonize
