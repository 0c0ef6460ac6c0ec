// Watchdogs started with `daemonize run FILE --detach` (hosts without a service manager, the
// cron target): where their pidfile, state and own log live, and `stop`/`status` for them. The
// pidfile is locked (flock) for the watchdog's lifetime: the lock, not the file, says whether
// one runs.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "daemonize/core/installer.hpp"
#include "daemonize/watchdog/final_marker.hpp"
#include "daemonize/watchdog/state_file.hpp"

namespace daemonize {

struct DetachedPaths {
  std::filesystem::path pidfile;          // locked for the watchdog's lifetime
  std::filesystem::path log_file;         // the detached watchdog's stdout/stderr
  std::filesystem::path state_directory;  // its RUNTIME_DIRECTORY (state.json, lock)
};

// Defaults for service `name`, independent of the login session (cron has no XDG_RUNTIME_DIR):
// root: /var/lib/daemonize/<name>.pid, /var/log/daemonize/<name>.log, /run/daemonize/<name>/;
// others: ${XDG_STATE_HOME:-$HOME/.local/state}/daemonize/<name>.pid, <name>.log and <name>/.
// std::nullopt for a non-root user without HOME and XDG_STATE_HOME.
[[nodiscard]] std::optional<DetachedPaths> detached_paths(const std::string& name,
                                                          const EnvironmentLookup& env,
                                                          bool running_as_root);

// The paths that go with `pidfile` (`--pidfile /x/NAME.pid`): the log /x/NAME.log (root's
// default /var/lib/daemonize/NAME.pid: /var/log/daemonize/NAME.log) and the state directory
// $RUNTIME_DIRECTORY if set, else /run/daemonize/NAME as root, else /x/NAME/.
[[nodiscard]] DetachedPaths paths_for_pidfile(const std::filesystem::path& pidfile,
                                              const EnvironmentLookup& env, bool running_as_root);

// What `daemonize run FILE [--detach] [--pidfile PATH]` works with: the pidfile it locks
// (`pidfile` when given; with `detach` and none given, the default for the manifest's service,
// see detached_paths; "" when the manifest does not load, its diagnostics printed on stderr, so
// that prepare_process refuses to detach) and the manifest path (absolute with `detach`: the
// daemon runs in /). Windows builds: both unchanged.
struct RunProcessPlan {
  std::string manifest_path;
  std::string pidfile;
};
[[nodiscard]] RunProcessPlan plan_run_process(const std::string& manifest_path,
                                              const std::string& pidfile, bool detach);

// What the pidfile says right now.
struct PidfileProbe {
  bool exists = false;
  bool locked = false;  // a watchdog holds it: alive
  int pid = 0;          // the pid written in it (0 when unreadable)
};
[[nodiscard]] PidfileProbe probe_pidfile(const std::filesystem::path& pidfile);

// `daemonize start|stop|restart|reload FILE|NAME` for a detached watchdog of the invoking user
// (default pidfile locations, XDG_STATE_HOME first, then ~/.local/state): stop sends SIGTERM
// and waits until the lock is released (stop.timeout of the manifest + 5 s), leaving a final
// marker (reason "stopped") so that the crontab does not start it again; reload sends
// SIGHUP; start reports "already running". Returns std::nullopt (nothing printed) when no live
// detached watchdog holds the pidfile, so that the caller asks the service manager instead.
[[nodiscard]] std::optional<int> control_detached_watchdog(const std::string& file_or_name,
                                                           ControlAction action, std::ostream& out,
                                                           std::ostream& err);

// `daemonize start|restart FILE|NAME` of a detached watchdog that ended for good: removes its
// final marker (final_marker.hpp) from the state directory of each default pidfile. Returns
// what was removed (the pidfile it goes with), std::nullopt when there was none.
struct ClearedFinalMarker {
  std::string name;
  std::filesystem::path pidfile;
  FinalMarker marker;
};
[[nodiscard]] std::optional<ClearedFinalMarker> clear_detached_final_marker(
    const std::string& file_or_name);

// `daemonize run MANIFEST --detach --pidfile PIDFILE` with this very binary; its exit status.
[[nodiscard]] int start_detached_watchdog(const std::string& manifest_path,
                                          const std::filesystem::path& pidfile);

}  // namespace daemonize
