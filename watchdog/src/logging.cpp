#include "logging.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string_view>

#include "daemonize/watchdog/state_file.hpp"

namespace daemonize::watchdog_log {
namespace {

const char* level_name(SupervisorLogLevel level) {
  switch (level) {
    case SupervisorLogLevel::debug:
      return "debug";
    case SupervisorLogLevel::info:
      return "info";
    case SupervisorLogLevel::notice:
      return "notice";
    case SupervisorLogLevel::warning:
      return "warning";
    case SupervisorLogLevel::error:
      return "error";
  }
  return "info";
}

// sd-daemon(3) priorities.
int journal_priority(SupervisorLogLevel level) {
  switch (level) {
    case SupervisorLogLevel::debug:
      return 7;
    case SupervisorLogLevel::info:
      return 6;
    case SupervisorLogLevel::notice:
      return 5;
    case SupervisorLogLevel::warning:
      return 4;
    case SupervisorLogLevel::error:
      return 3;
  }
  return 6;
}

// JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected; it only applies if stderr is
// still that stream.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  struct stat info {};
  if (::fstat(2, &info) != 0) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  return device == info.st_dev && inode == info.st_ino;
}

// One line per event, written with one call so that concurrent writers (the Windows watchdog's
// pipe threads) never interleave. No logging library: this runs in every service's watchdog.
struct State {
  std::mutex lock;
  std::string service = "daemonize";
  bool journal = false;
  bool debug = false;
  bool initialized = false;
};

State& state() {
  static State instance;
  return instance;
}

}  // namespace

void initialize(const std::string& service_name) {
  auto& s = state();
  const std::scoped_lock guard(s.lock);
  s.service = service_name;
  if (s.initialized) return;
  s.initialized = true;
  s.journal = stderr_is_journal();
  // Debug events (each reaped orphan...) only with DAEMONIZE_LOG_LEVEL=debug.
  const char* wanted = std::getenv("DAEMONIZE_LOG_LEVEL");
  s.debug = wanted != nullptr && std::string_view(wanted) == "debug";
}

void set_service_name(const std::string& service_name) {
  auto& s = state();
  const std::scoped_lock guard(s.lock);
  s.service = service_name;
}

void write(SupervisorLogLevel level, const std::string& message) {
  auto& s = state();
  if (!s.initialized) initialize("daemonize");
  const std::scoped_lock guard(s.lock);
  if (level == SupervisorLogLevel::debug && !s.debug) return;
  std::string line;
  line.reserve(message.size() + s.service.size() + 48);
  if (s.journal) {
    // sd-daemon(3): journald reads the "<N>" prefix as the entry's priority.
    line += '<';
    line += static_cast<char>('0' + journal_priority(level));
    line += '>';
  } else {
    line += format_rfc3339(std::chrono::system_clock::now());
    line += " daemonize[";
    line += s.service;
    line += "] ";
  }
  line += level_name(level);
  line += ": ";
  line += message;
  line += '\n';
  // std::cerr, not stderr: the Windows service host points its buffer at the log file.
  std::cerr.write(line.data(), static_cast<std::streamsize>(line.size()));
  std::cerr.flush();
}

}  // namespace daemonize::watchdog_log
