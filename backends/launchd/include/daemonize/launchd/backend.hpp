// The launchd target: renders one LaunchDaemon (scope system) or LaunchAgent (scope user)
// property list per service. Pure: no file, process or clock access.
#pragma once

#include <memory>
#include <string>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize {

// The factory the CLI registry calls (see backends/launchd/CMakeLists.txt).
[[nodiscard]] std::unique_ptr<Backend> make_launchd_backend();

namespace launchd {

// The job label: [launchd].label, or "org.daemonize.<name>" when empty.
[[nodiscard]] std::string job_label(const Service& service);

// Where deploy installs the manifest the watchdog reads when RenderOptions does not say:
// scope system: /usr/local/etc/daemonize/<name>.toml (next to /usr/local/bin/daemonize;
// macOS has no /etc/daemonize convention and /usr/local survives OS updates);
// scope user: "~/Library/Application Support/daemonize/<name>.toml" — launchd does not expand
// "~", so deploy must pass the absolute path in RenderOptions::installed_manifest_path.
[[nodiscard]] std::string default_installed_manifest_path(const Service& service);

// /Library/LaunchDaemons/<label>.plist (system) or ~/Library/LaunchAgents/<label>.plist (user).
[[nodiscard]] std::string plist_install_path(const Service& service);

// Renders `<label>.plist`. Diagnostics name the manifest key they are about; errors (no
// artifact) when the manifest cannot be expressed: `${VAR}` in native mode, characters XML 1.0
// cannot hold, env_files in native mode, a relative native command, an invalid label.
[[nodiscard]] RenderResult render_launchd_plist(const Service& service,
                                                const RenderOptions& options);

}  // namespace launchd
}  // namespace daemonize
