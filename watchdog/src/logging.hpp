// The watchdog's own events, one line each, to stderr (the journal under systemd).
#pragma once

#include <string>

#include "daemonize/core/supervisor.hpp"

namespace daemonize::watchdog_log {

// Reads the settings once. When stderr is the journal (JOURNAL_STREAM names it), lines carry
// the "<N>" priority prefix that journald turns into the entry's priority.
void initialize(const std::string& service_name);
void set_service_name(const std::string& service_name);

void write(SupervisorLogLevel level, const std::string& message);
inline void debug(const std::string& m) { write(SupervisorLogLevel::debug, m); }
inline void info(const std::string& m) { write(SupervisorLogLevel::info, m); }
inline void notice(const std::string& m) { write(SupervisorLogLevel::notice, m); }
inline void warning(const std::string& m) { write(SupervisorLogLevel::warning, m); }
inline void error(const std::string& m) { write(SupervisorLogLevel::error, m); }

}  // namespace daemonize::watchdog_log
