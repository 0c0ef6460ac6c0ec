// The Windows watchdog (compiled only for Windows): `daemonize run FILE` in a console, and
// `daemonize run FILE --service` as the SCM service host. run_watchdog() calls it on Windows.
#pragma once

#include <string>

namespace daemonize::windows {

// Returns the watchdog's exit code (cli.md); as a service, after SERVICE_STOPPED was reported.
[[nodiscard]] int run_windows_watchdog(const std::string& manifest_path, bool as_service);

}  // namespace daemonize::windows
