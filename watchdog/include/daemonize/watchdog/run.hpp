// `daemonize run FILE`: the watchdog. Loads the manifest, runs the start-up checks, then
// supervises the child until it is stopped (exit 0), gives up (exit 75) or, with restart
// policy never / a clean on-failure exit, until the child ends.
#pragma once

#include <string>

namespace daemonize {

struct RunOptions {
  std::string manifest_path;
  bool service = false;  // Windows only: run as the SCM service host (`run --service`)
  // `run --detach`: ending for good (gave up, or the program ended and is not restarted) leaves
  // a final marker in the state directory (final_marker.hpp).
  bool detached = false;
};

// Returns the process exit code (cli.md): 0, 65, 66, 69, 73, 75, 77, 78, or the child's.
[[nodiscard]] int run_watchdog(const RunOptions& options);

// SIGTERM, SIGINT and SIGHUP held pending (blocked) from main()'s first instruction, so that a
// stop during `daemonize run`'s start-up is handled by the watchdog (exit 0) instead of killing
// it half-way; every other command releases them right away and they act as always. No-ops on
// Windows.
void hold_stop_signals();
void release_stop_signals();

// The Windows stop helper (`daemonize internal-ctrl-c PID [--break]`, started by the watchdog,
// not for users): generates Ctrl+C (Ctrl+Break) on the console of process `pid`. Returns 0 when
// generated, 1 when not (the failed call on stderr); 2 (usage) on other systems.
[[nodiscard]] int run_console_ctrl_helper(unsigned pid, bool ctrl_break);

// --pidfile / --detach, before run_watchdog(): with `detach`, forks into the background for
// hosts without a service manager (setsid, stdio to /dev/null, chdir /); the original process
// exits 0 once the daemon is set up. A non-empty `pidfile` is written with our pid and locked
// (flock) for the watchdog's lifetime, so a second instance refuses to start.
// With `detach`, a final marker that holds for `manifest_path` (final_marker.hpp) ends the
// process at once with exit 0 and one line on stdout, like "already running".
// Returns 0, or an exit code with `error` set (73: cannot write the pidfile, 69: locked).
[[nodiscard]] int prepare_process(const std::string& pidfile, bool detach,
                                  const std::string& manifest_path, std::string& error);

// A detached watchdog's exit code, for the process that started it and still waits for the
// first child: `run --detach` then exits with the same code as a foreground `run` (78 for a
// missing required variable...). Does nothing once that process stopped waiting, or without
// --detach.
void report_detached_exit(int code);

}  // namespace daemonize
