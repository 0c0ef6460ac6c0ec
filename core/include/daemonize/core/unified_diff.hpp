// Unified diffs of text: what `daemonize diff` shows for files (deploy's plan) and for
// definitions a service manager keeps outside files (a backend's Installer).
#pragma once

#include <string>
#include <string_view>

namespace daemonize {

// A unified diff (`--- old_label` / `+++ new_label` / `@@` hunks, 3 lines of context) from
// `old_text` to `new_text`, computed with dtl; "" when they are equal. A missing final newline
// is marked like diff(1) does.
[[nodiscard]] std::string unified_diff(std::string_view old_text, std::string_view new_text,
                                       const std::string& old_label, const std::string& new_label);

}  // namespace daemonize
