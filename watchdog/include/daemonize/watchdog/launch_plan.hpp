// Start-up checks of `daemonize run`: everything that can be wrong with the configuration is
// found before the first spawn, and reported all at once (one problem per line).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/host_error.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize {

struct UserAccount {
  std::string name;
  unsigned uid = 0;
  unsigned gid = 0;  // primary group
  std::string home;
  std::string shell;
};

// What the child runs as when the (root) watchdog switches user.
struct UserSwitch {
  std::string name;
  unsigned uid = 0;
  unsigned gid = 0;
  std::vector<unsigned> groups;  // supplementary groups, resolved in the parent (initgroups)
};

// The exact process to start, fully resolved.
struct LaunchPlan {
  std::string executable;
  std::vector<std::string> argv;  // argv[0] is `command`
  std::map<std::string, std::string> environment;
  std::string working_directory;  // empty: the watchdog's own
  std::optional<std::uint32_t> umask;
  std::optional<std::uint64_t> nofile;
  std::optional<std::uint64_t> nproc;
  std::optional<UserSwitch> user;
  // effective_hooks() with every argv interpolated; each hook runs like the program above, with
  // its argv in place of executable/argv.
  HooksConfig hooks;
};

struct StartupProblem {
  int exit_code = 78;
  std::string message;  // one full line, "daemonize: ..." or "FILE:LINE:COL: error: ..."
};

struct StartupResult {
  std::optional<LaunchPlan> plan;  // set when there is no problem
  std::vector<StartupProblem> problems;
  [[nodiscard]] int exit_code() const { return problems.empty() ? 0 : problems.front().exit_code; }
};

// What the checks need from the host; faked in unit tests.
class HostQueries {
 public:
  virtual ~HostQueries() = default;
  // File contents, or why not (detail: "No such file or directory").
  [[nodiscard]] virtual HostResult<std::string> read_file(const std::string& path) const = 0;
  // "" when `path` is a regular file executable by us, else why not.
  [[nodiscard]] virtual std::string executable_problem(const std::string& path) const = 0;
  [[nodiscard]] virtual bool is_directory(const std::string& path) const = 0;
  [[nodiscard]] virtual std::optional<UserAccount> find_user(const std::string& name) const = 0;
  [[nodiscard]] virtual std::optional<unsigned> find_group(const std::string& name) const = 0;
  [[nodiscard]] virtual std::vector<unsigned> supplementary_groups(const UserAccount& user,
                                                                   unsigned gid) const = 0;
  [[nodiscard]] virtual unsigned effective_uid() const = 0;
  // Home directory of the account the watchdog runs as, for `~/` when HOME is unset (systemd
  // sets no HOME for a system service without User=); nullopt where unknown.
  [[nodiscard]] virtual std::optional<std::string> own_home() const { return std::nullopt; }
};

// The real host (posix_host.cpp).
[[nodiscard]] const HostQueries& system_host();

// Variables of the watchdog's environment that belong to the service manager's protocol with
// the watchdog and are never passed to the child: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID,
// LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES.
[[nodiscard]] bool is_watchdog_only_variable(const std::string& name);

// Where the service manager put its copy of service.env_files[index]:
// $CREDENTIALS_DIRECTORY/daemonize-env-<index> when `inherited` has CREDENTIALS_DIRECTORY (a
// systemd unit with User= loads each env file as a credential, read by systemd as root), else
// std::nullopt. The watchdog reads that copy when it exists, the path otherwise.
[[nodiscard]] std::optional<std::string> env_file_credential_path(
    std::size_t index, const std::map<std::string, std::string>& inherited);

// Reads env_files, resolves interpolation with manifest.md's precedence, checks required_env,
// the command, the working directory and the user. `inherited` is the watchdog's environment.
[[nodiscard]] StartupResult prepare_launch(const Service& service,
                                           const std::map<std::string, std::string>& inherited,
                                           const HostQueries& host);

}  // namespace daemonize
