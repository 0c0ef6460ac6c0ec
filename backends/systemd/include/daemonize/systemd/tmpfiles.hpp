// The tmpfiles.d(5) entry that creates a unit's log directory before it starts.
//
// systemd opens StandardOutput=append: files before it creates LogsDirectory= (tried on
// systemd 252: "Failed at step STDOUT ... No such file or directory"), so a native unit's log
// directory must exist beforehand. systemd-tmpfiles creates it at boot, and deploy applies the
// file right after installing it (`systemd-tmpfiles --create PATH`, with --user in user scope).
#pragma once

#include <optional>
#include <vector>

#include "daemonize/core/backend.hpp"

namespace daemonize::systemd {

// `d DIR 0750 USER GROUP -` for the log directory, or std::nullopt when no stream writes a file.
// System scope: /etc/tmpfiles.d/daemonize-<name>.conf; user scope:
// ~/.config/user-tmpfiles.d/daemonize-<name>.conf with `~/` written as %h.
[[nodiscard]] std::optional<Artifact> render_log_directory_tmpfiles(
    const Service& service, std::vector<Diagnostic>& diagnostics);

}  // namespace daemonize::systemd
