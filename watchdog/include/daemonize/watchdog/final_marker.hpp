// The final-state marker of a detached watchdog (`run --detach`, the cron target): written in its
// state directory when it ends for good — it gave up, the program ended and the restart policy
// does not restart it, or `daemonize stop` stopped it — so that the next `run --detach` (the
// crontab's every-minute line) does not start it again. Like a failed or stopped systemd unit it
// holds until `daemonize start`, a changed manifest (a new deploy) or a reboot.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace daemonize {

inline constexpr const char* kFinalMarkerName = "final.json";

struct FinalMarker {
  std::string reason;     // "gave_up", "exited" or "stopped"
  int exit_code = 0;      // the watchdog's exit status (75 for gave_up, the program's for exited)
  std::string last_exit;  // "exit code 3", "" when not known
  std::string at;         // RFC 3339 UTC
  std::string boot_id;    // /proc/sys/kernel/random/boot_id when written
  std::string manifest;   // the manifest's absolute path
  std::string manifest_digest;  // manifest_digest() of its bytes when written
};

[[nodiscard]] std::string final_marker_to_json(const FinalMarker& marker);
[[nodiscard]] std::optional<FinalMarker> final_marker_from_json(const std::string& text);

// "fnv1a64:<16 hex digits>" of `bytes`: tells a changed manifest apart (not a security check:
// whoever can change the manifest can remove the marker).
[[nodiscard]] std::string manifest_digest(std::string_view bytes);
// The digest of the file at `path`; "" when it cannot be read.
[[nodiscard]] std::string manifest_file_digest(const std::filesystem::path& path);

// The kernel's id of this boot; "" where there is none.
[[nodiscard]] std::string current_boot_id();

// Why a detached watchdog that ended with `final_state` (a SupervisorState name) leaves a
// marker: "gave_up", "exited" (policy never, or on-failure after a success exit code), or
// std::nullopt (a stop request: `daemonize stop` writes its own marker, a shutdown none).
[[nodiscard]] std::optional<std::string> final_marker_reason(const std::string& final_state,
                                                             bool stop_requested);

// Whether `marker` still keeps `run --detach` from starting: written in this boot for this very
// manifest. A marker of another boot or of another manifest is stale.
[[nodiscard]] bool final_marker_holds(const FinalMarker& marker, const std::string& boot_id,
                                      const std::string& digest);

// The marker in `state_directory` when it holds for the manifest at `manifest_path` in this boot.
[[nodiscard]] std::optional<FinalMarker> holding_final_marker(
    const std::filesystem::path& state_directory, const std::filesystem::path& manifest_path);

// One line for `run --detach` and `status`: "gave up (exit 75) at T" / "stopped at T"...
[[nodiscard]] std::string describe_final_marker(const FinalMarker& marker);

// `directory`/final.json: read (std::nullopt when missing or unreadable), written atomically
// (FILE.tmp then rename; "" or the error), removed (true when it was there).
[[nodiscard]] std::optional<FinalMarker> read_final_marker(const std::filesystem::path& directory);
[[nodiscard]] std::string write_final_marker(const std::filesystem::path& directory,
                                             const FinalMarker& marker);
bool remove_final_marker(const std::filesystem::path& directory);

}  // namespace daemonize
