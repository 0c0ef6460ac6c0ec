// Process exit codes of the daemonize command (sysexits, see docs/cli.md).
#pragma once

namespace daemonize::exit_code {

inline constexpr int success = 0;
inline constexpr int differs = 1;  // diff: differences; status: not running
inline constexpr int usage = 2;
inline constexpr int data_error = 65;     // manifest invalid
inline constexpr int no_input = 66;       // manifest missing/unreadable
inline constexpr int unavailable = 69;    // target or service manager unavailable
inline constexpr int software = 70;       // internal error
inline constexpr int cannot_create = 73;  // cannot write an output file
inline constexpr int temp_fail = 75;      // watchdog gave up after max_restarts
inline constexpr int no_permission = 77;
inline constexpr int config_error = 78;  // missing required env, unreadable env file

}  // namespace daemonize::exit_code
