// What service managers print about an installed service, read back into the importers' input:
// `systemctl cat` (a unit and its drop-ins, each after a `# /path` header) and `launchctl print`
// (the `path = ` of the plist launchd loaded). Pure functions of the recorded text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/import/import.hpp"

namespace daemonize::import {

// The files of `systemctl cat NAME` output, in the order printed: the unit first, then its
// drop-ins. Each holds the real path and the file's text as systemd read it (the blank line
// systemctl prints between files removed), so report lines name the real files and lines.
// Empty when the output has no `# /path` header.
[[nodiscard]] std::vector<SourceText> split_systemctl_cat(std::string_view output);

// The plist path in `launchctl print DOMAIN/LABEL` output (its top-level `path = ...` line).
[[nodiscard]] std::optional<std::string> launchctl_print_path(std::string_view output);

}  // namespace daemonize::import
