// The logrotate(8) configuration for native-mode units whose [logs] write files: systemd
// opens StandardOutput=append: files but never rotates them.
#pragma once

#include <optional>
#include <vector>

#include "daemonize/core/backend.hpp"

namespace daemonize::systemd {

// The log files a native unit appends to (absolute paths, `~` not expanded), in stdout, stderr
// order without duplicates; empty when no stream goes to a file.
[[nodiscard]] std::vector<std::string> native_log_files(const Service& service);

// `/etc/logrotate.d/<name>`, or std::nullopt when nothing is to be rotated (no file streams,
// or neither max_size nor rotate_every). Problems are appended to `diagnostics` (key set).
[[nodiscard]] std::optional<Artifact> render_logrotate(const Service& service,
                                                       std::vector<Diagnostic>& diagnostics);

}  // namespace daemonize::systemd
