// What `list`, `status` and `logs` share: a service's watchdog state file, its receipt, its
// manifest and log files, and one row of `daemonize list` per service this host runs through
// daemonize (deployed of every target, detached watchdogs, the user's user-scope services).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/model.hpp"
#include "daemonize/core/system_ops.hpp"
#include "daemonize/deploy/receipt.hpp"
#include "daemonize/watchdog/state_file.hpp"

namespace daemonize::cli {

struct WatchdogState {
  StateRecord record;
  std::filesystem::path file;
  bool alive = false;  // the watchdog process runs and has not stopped or given up
};

// The first of `files` that exists; std::nullopt when none does, or when one is not a state
// file (`error` then names it).
[[nodiscard]] std::optional<WatchdogState> read_watchdog_state(
    const std::vector<std::filesystem::path>& files, std::string& error);

// The receipt deploy left for `name` (system scope first, then the invoking user's); unreadable
// or broken receipts count as absent.
[[nodiscard]] std::optional<deploy::Receipt> find_receipt(SystemOps& ops, const std::string& name);

// The manifest of a running or installed service: the one its watchdog runs (state file), else
// the one deploy installed (receipt). std::nullopt when neither is known or it does not load.
[[nodiscard]] std::optional<Service> service_manifest(const StateRecord* record,
                                                      const deploy::Receipt* receipt);

// One log file the watchdog writes: `streams` is "stdout", "stderr" or "stdout+stderr".
struct LogSource {
  std::string streams;
  std::filesystem::path directory;
  std::string file_name;
  [[nodiscard]] std::filesystem::path path() const { return directory / file_name; }
};
// The files of `logs` (a stream shared by stdout and stderr once), stdout first.
[[nodiscard]] std::vector<LogSource> log_sources(const LogsConfig& logs);

// The file the watchdog's own output (its events, and the program's "inherit" streams) goes to,
// when it is a file daemonize can read: a detached watchdog's log, a launchd job's
// `<logs.directory>/watchdog.log` (the plist's StandardOutPath). std::nullopt otherwise (the
// journal, the Windows event log, or whoever started it).
[[nodiscard]] std::optional<std::filesystem::path> watchdog_output_file(
    const std::string& name, const deploy::Receipt* receipt, const Service* service);

// Where output with "inherit" goes for service `name`: "the journal (journalctl -u ID)" for a
// systemd unit deploy installed, a detached watchdog's own log file, else the service
// manager's log in general.
[[nodiscard]] std::string inherited_output_destination(const std::string& name,
                                                       const deploy::Receipt* receipt);

// "2026-11-28T05:00:00.123Z" (the state file's times).
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_rfc3339(
    const std::string& text);
// "1d2h3m4s", "5m0s", "7s".
[[nodiscard]] std::string describe_uptime(std::chrono::system_clock::duration uptime);
// "812K", "8.4M", "1.2G" (powers of 1024, like ps and top).
[[nodiscard]] std::string describe_memory(std::uint64_t bytes);

// One line of `daemonize list`.
struct ServiceRow {
  std::string name;
  std::string target;  // the receipt's target, "detached" (run --detach), "-" (unknown)
  std::string scope;   // "system" or "user"
  std::string state;   // the watchdog's state, else the service manager's words
  int pid = 0;         // the program's, 0 when none
  std::optional<std::int64_t> uptime_seconds;
  std::optional<std::uint64_t> restarts;
  std::optional<std::uint64_t> memory_bytes;  // the watchdog's whole process tree
  std::string health;  // "healthy", "not ready", "-" (no [health] check, or not running)
  std::string state_file;
  std::string receipt_file;
};

// Every service this host runs through daemonize, by name.
[[nodiscard]] std::vector<ServiceRow> collect_services(const BackendRegistry& registry);
// The aligned table (NAME TARGET STATE PID UPTIME RESTARTS MEMORY HEALTH).
[[nodiscard]] std::string format_service_table(const std::vector<ServiceRow>& rows);
// A JSON array of objects, one per row.
[[nodiscard]] std::string services_to_json(const std::vector<ServiceRow>& rows);

}  // namespace daemonize::cli
