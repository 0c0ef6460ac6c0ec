// The systemd target: renders a normalized Service into a `<name>.service` unit (plus a
// logrotate file for native units that write log files). Pure: no file or process access.
#pragma once

#include <memory>
#include <string>

#include "daemonize/core/backend.hpp"

namespace daemonize {

// The backend registered for `--target systemd`.
[[nodiscard]] std::unique_ptr<Backend> make_systemd_backend();

// What the backend's render() does, callable without the registry.
// Errors in the result's diagnostics mean the manifest cannot be expressed (exit 65); the
// artifacts are then incomplete and must not be installed.
[[nodiscard]] RenderResult render_systemd(const Service& service, const RenderOptions& options);

// Where deploy installs the manifest the watchdog reads, for this service's scope:
// /etc/daemonize/<name>.toml (system) or ~/.config/daemonize/<name>.toml (user).
[[nodiscard]] std::string systemd_installed_manifest_path(const Service& service);

}  // namespace daemonize
