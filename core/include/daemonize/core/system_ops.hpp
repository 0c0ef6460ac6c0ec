// Everything `deploy`, `remove` and the service-manager commands do to the host goes through
// SystemOps: files, commands, accounts. Renderers stay pure; installers and the deploy
// orchestration take a SystemOps& so that unit tests run them against a recording fake.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemonize/core/host_error.hpp"

namespace daemonize {

// Owner of a written file or created directory; empty names keep the writing process's own,
// except an empty group with a user: that user's primary group. A numeric group is a gid.
struct FileOwner {
  std::string user;
  std::string group;
  friend bool operator==(const FileOwner&, const FileOwner&) = default;
};

// What run() observed.
struct CommandResult {
  int exit_status = 0;  // the exit code; 128 + N when killed by signal N; 127 when not startable
  std::string output;   // stdout and stderr, interleaved as written
  [[nodiscard]] bool ok() const { return exit_status == 0; }
};

struct AccountInfo {
  std::string name;
  unsigned uid = 0;
  unsigned gid = 0;  // primary group
  std::string home;
};

class SystemOps {
 public:
  virtual ~SystemOps() = default;

  // The file's bytes; std::nullopt when it does not exist. Throws SystemError when it exists
  // but cannot be read.
  [[nodiscard]] virtual std::optional<std::string> read_file(const std::string& path) const = 0;
  // Whether `path` exists (file, directory or anything else; a dangling symlink counts).
  [[nodiscard]] virtual bool exists(const std::string& path) const = 0;
  // The permission bits of `path` (07777, following symlinks); std::nullopt when it does not
  // exist or the host has no such bits (Windows has ACLs).
  [[nodiscard]] virtual std::optional<unsigned> file_mode(const std::string& /*path*/) const {
    return std::nullopt;
  }
  // The owner of `path` (user name, group as a gid), to keep it when rewriting the file;
  // std::nullopt when it does not exist, its user has no name or the host has no such owners.
  [[nodiscard]] virtual std::optional<FileOwner> file_owner(const std::string& /*path*/) const {
    return std::nullopt;
  }

  // Replaces `path` atomically: readers see the old or the new bytes, never a mix. Missing
  // parent directories are created (0755, owned by the writing process). Throws SystemError.
  virtual void write_file_atomic(const std::string& path, std::string_view content, unsigned mode,
                                 const FileOwner& owner) = 0;
  // Creates `path` (and missing parents) if absent, then sets mode and owner. Throws SystemError.
  virtual void create_directory(const std::string& path, unsigned mode, const FileOwner& owner) = 0;
  // Removes a file, or a directory with its contents when `recursive`. Returns false when
  // nothing was there. Throws SystemError.
  virtual bool remove(const std::string& path, bool recursive = false) = 0;

  // Runs argv[0] (looked up in PATH) with argv, stdin closed, and waits for it. Never throws
  // for a failing or missing program: that is an exit status (127 when it cannot start).
  virtual CommandResult run(const std::vector<std::string>& argv) = 0;

  // Account database lookups (getpwnam/getgrnam); std::nullopt when absent.
  [[nodiscard]] virtual std::optional<AccountInfo> find_user(const std::string& name) const = 0;
  [[nodiscard]] virtual std::optional<unsigned> find_group(const std::string& name) const = 0;
  // Creates a system group / a system user without home and login shell, in `group` (empty:
  // a group of the same name). Throws SystemError with the tool's output when it fails.
  virtual void create_system_group(const std::string& name) = 0;
  virtual void create_system_user(const std::string& name, const std::string& group) = 0;
  // Deletes an account (remove --purge). Throws SystemError.
  virtual void delete_user(const std::string& name) = 0;
  virtual void delete_group(const std::string& name) = 0;
};

}  // namespace daemonize
