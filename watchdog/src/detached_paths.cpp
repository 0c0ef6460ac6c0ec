// Where a detached watchdog keeps its pidfile, its log and its state (pure: the environment and
// the effective user are parameters).
#include "daemonize/watchdog/detached.hpp"

namespace daemonize {
namespace {
constexpr const char* kRootPidfileDirectory = "/var/lib/daemonize";
}  // namespace

std::optional<DetachedPaths> detached_paths(const std::string& name, const EnvironmentLookup& env,
                                            bool running_as_root) {
  DetachedPaths paths;
  if (running_as_root) {
    paths.pidfile = std::filesystem::path(kRootPidfileDirectory) / (name + ".pid");
  } else {
    std::filesystem::path base;
    if (auto state_home = env("XDG_STATE_HOME"); state_home && !state_home->empty()) {
      base = *state_home;
    } else if (auto home = env("HOME"); home && !home->empty()) {
      base = std::filesystem::path(*home) / ".local" / "state";
    } else {
      return std::nullopt;
    }
    paths.pidfile = base / "daemonize" / (name + ".pid");
  }
  const auto derived = paths_for_pidfile(paths.pidfile, env, running_as_root);
  paths.log_file = derived.log_file;
  paths.state_directory = derived.state_directory;
  return paths;
}

DetachedPaths paths_for_pidfile(const std::filesystem::path& pidfile, const EnvironmentLookup& env,
                                bool running_as_root) {
  DetachedPaths paths;
  paths.pidfile = pidfile;
  const auto name = pidfile.stem();
  // Root's default pidfile keeps its log with the system's logs; any other next to it.
  paths.log_file = running_as_root && pidfile.parent_path() == kRootPidfileDirectory
                       ? std::filesystem::path("/var/log/daemonize") / name
                       : pidfile.parent_path() / name;
  paths.log_file += ".log";
  if (auto runtime = env("RUNTIME_DIRECTORY"); runtime && !runtime->empty()) {
    // Like state_directory_candidates(): systemd may join several entries with ':'.
    paths.state_directory = runtime->substr(0, runtime->find(':'));
  } else if (running_as_root) {
    paths.state_directory = std::filesystem::path("/run/daemonize") / name;
  } else {
    // Next to the pidfile: survives logout, unlike $XDG_RUNTIME_DIR.
    paths.state_directory = pidfile.parent_path() / name;
  }
  return paths;
}

}  // namespace daemonize
