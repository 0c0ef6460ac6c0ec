// The two Windows targets: `windows-service` (an SCM registration script) and `windows-task`
// (Task Scheduler XML plus its registration script). Both render on every host.
#pragma once

#include <memory>

#include "daemonize/core/backend.hpp"

namespace daemonize {

// `--target windows-service`: install-<name>.cmd registering the watchdog with the SCM.
[[nodiscard]] std::unique_ptr<Backend> make_windows_service_backend();

// `--target windows-task`: <name>.xml (UTF-16LE, as Windows exports it) and install-<name>.cmd.
[[nodiscard]] std::unique_ptr<Backend> make_windows_task_backend();

}  // namespace daemonize
