// [schedule] on systemd: the <name>.timer that starts <name>.service on the schedule.
#pragma once

#include <optional>
#include <vector>

#include "daemonize/core/backend.hpp"

namespace daemonize::systemd {

// The timer of a scheduled service (std::nullopt without [schedule]); what systemd cannot
// express goes to `diagnostics`.
[[nodiscard]] std::optional<Artifact> render_timer(const Service& service,
                                                   std::vector<Diagnostic>& diagnostics);

}  // namespace daemonize::systemd
