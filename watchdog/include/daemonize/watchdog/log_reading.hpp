// Reading what the watchdog's log writer (log_rotation.hpp) leaves behind: a log file with its
// rotated and gzipped predecessors in order, the last lines across them, a time filter, and
// following the live file across rotations. Used by `daemonize logs` and `daemonize status`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::logs {

// The files of log `file_name` in `directory`, oldest first: the rotated ones by their stamp
// (a file whose compression was interrupted counts once: the uncompressed one), then the live
// file when it exists.
[[nodiscard]] std::vector<std::filesystem::path> log_file_chain(
    const std::filesystem::path& directory, const std::string& file_name);

// The whole content of `path`, gunzipped when it is a .gz; std::nullopt when unreadable.
[[nodiscard]] std::optional<std::string> read_log_file(const std::filesystem::path& path);

// The RFC 3339 instant a line starts with ("2026-11-28T06:15:00.123456Z ", "...+01:00 "): the
// `timestamps = true` prefix and the watchdog's own log lines. std::nullopt when it has none.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> line_timestamp(
    std::string_view line);

// `--since TIME`: a duration back from `now` ("90s", "10m", "2h", "1d", "1h30m") or an
// ISO 8601 instant ("2026-12-07T06:00:00Z", "2026-12-07T07:00:00+01:00", "2026-12-07 06:00",
// "2026-12-07"; without a zone: local time). std::nullopt with `error` set otherwise.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_since(
    const std::string& text, std::chrono::system_clock::time_point now, std::string& error);

// The last `count` lines of `files` (oldest first, as log_file_chain() returns them). With
// `since`: files last modified before it are skipped, a line stamped before it is dropped and
// so are the unstamped lines that follow it (its continuation).
[[nodiscard]] std::vector<std::string> last_log_lines(
    const std::vector<std::filesystem::path>& files, std::size_t count,
    std::optional<std::chrono::system_clock::time_point> since = std::nullopt);

// Follows log `file_name` in `directory` like `tail -F`: poll() returns the complete lines
// written since the last call. When the writer rotates the live file, the rest of it is read
// from its rotated name (gunzipped if it was compressed meanwhile) before the new live file; a
// file truncated or replaced under the same name is read again from its start.
class LogFollower {
 public:
  struct Start;
  // Starts at the current end of the live file.
  LogFollower(std::filesystem::path directory, std::string file_name);
  // `logs -n N -f`: the last `count` lines (as last_log_lines()) and a follower that starts
  // right after them, read in one pass so that no line written meanwhile falls in between.
  [[nodiscard]] static Start after_last_lines(
      std::filesystem::path directory, std::string file_name, std::size_t count,
      std::optional<std::chrono::system_clock::time_point> since);
  [[nodiscard]] std::vector<std::string> poll();
  [[nodiscard]] std::filesystem::path live_path() const { return directory_ / file_name_; }

 private:
  [[nodiscard]] std::set<std::string> rotated_names() const;  // stamps without ".gz"
  std::filesystem::path directory_;
  std::string file_name_;
  std::set<std::string> seen_rotated_;
  std::uint64_t offset_ = 0;  // of the next unread byte of the live file
};

struct LogFollower::Start {
  LogFollower follower;
  std::vector<std::string> last_lines;
};

}  // namespace daemonize::logs
