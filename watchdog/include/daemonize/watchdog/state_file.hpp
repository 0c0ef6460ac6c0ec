// The watchdog's state file (state.json), rewritten atomically on every transition, and where
// it lives: $RUNTIME_DIRECTORY (systemd RuntimeDirectory=), else /run/daemonize/<name>/ as root,
// else $XDG_RUNTIME_DIR/daemonize/<name>/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace daemonize {

struct StateRecord {
  std::string service;
  std::string manifest;
  std::string watchdog_version;
  int watchdog_pid = 0;
  std::string watchdog_started_at;  // RFC 3339 UTC
  std::string state;                // SupervisorState name
  int pid = 0;                      // main child, 0 when none
  int process_group = 0;
  std::uint64_t child_start_ticks = 0;  // /proc/PID/stat field 22: tells a reused pid apart
  bool ready = false;
  std::uint64_t restarts = 0;
  std::uint64_t restarts_in_window = 0;
  std::string last_exit;  // "exit code 1", "signal 9 (KILL)", "" when none
  std::optional<int> last_exit_code;
  std::optional<int> last_exit_signal;
  std::string last_restart_reason;
  std::int64_t next_delay_ms = 0;
  std::vector<std::int64_t> recent_delays_ms;
  std::string child_started_at;  // RFC 3339 UTC, "" when none
  std::string last_exit_at;
  std::string updated_at;
  std::optional<int> exit_code;  // set when the watchdog decided to exit
};

[[nodiscard]] std::string state_to_json(const StateRecord& record);
// std::nullopt with `error` set when `text` is not a state file.
[[nodiscard]] std::optional<StateRecord> state_from_json(const std::string& text,
                                                         std::string& error);

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;

// The directory for service `name`; std::nullopt when none applies (non-root without
// XDG_RUNTIME_DIR).
[[nodiscard]] std::optional<std::filesystem::path> state_directory(const std::string& name,
                                                                   const EnvironmentLookup& env,
                                                                   bool running_as_root);

// Every directory `daemonize status NAME` looks in, most specific first.
[[nodiscard]] std::vector<std::filesystem::path> state_directory_candidates(
    const std::string& name, const EnvironmentLookup& env, bool running_as_root);

inline constexpr const char* kStateFileName = "state.json";

// The record in `directory`/state.json; std::nullopt when it is missing or not a state file.
[[nodiscard]] std::optional<StateRecord> read_state_file_in(const std::filesystem::path& directory);

// Writes FILE.tmp then renames it over FILE, so readers never see a partial file.
[[nodiscard]] std::error_code write_state_file(const std::filesystem::path& file,
                                               const StateRecord& record);

// RFC 3339 UTC with milliseconds: 2026-11-28T05:00:00.123Z.
[[nodiscard]] std::string format_rfc3339(std::chrono::system_clock::time_point time);

}  // namespace daemonize
