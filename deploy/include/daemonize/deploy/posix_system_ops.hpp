// The real SystemOps for Linux and macOS: POSIX file calls, fork/exec, getpwnam and the
// shadow-utils account tools. With a root prefix (deploy --root DIR) every path is taken
// relative to DIR, owners are not changed and accounts are neither looked up nor created there.
// An atomic write also deletes temporaries that killed writers left next to the target.
// Test-only: DAEMONIZE_FAULT_KILL_AT=N makes the process SIGKILL itself at the Nth step of a
// host change (tests/deploy/crash_safe_deploy.py; docs/security.md "Crash-safe deploy").
#pragma once

#include <string>

#include "daemonize/core/system_ops.hpp"

namespace daemonize::deploy {

class PosixSystemOps final : public SystemOps {
 public:
  // `root` = "" works on the host; otherwise every path is resolved under `root`.
  explicit PosixSystemOps(std::string root = "");

  [[nodiscard]] std::optional<std::string> read_file(const std::string& path) const override;
  [[nodiscard]] bool exists(const std::string& path) const override;
  [[nodiscard]] std::optional<unsigned> file_mode(const std::string& path) const override;
  [[nodiscard]] std::optional<FileOwner> file_owner(const std::string& path) const override;
  // As root: opens `path` in a child that switched to the account (initgroups, setgid,
  // setuid), so modes, groups and ACLs of the file and its directories all count.
  void write_file_atomic(const std::string& path, std::string_view content, unsigned mode,
                         const FileOwner& owner) override;
  void create_directory(const std::string& path, unsigned mode, const FileOwner& owner) override;
  bool remove(const std::string& path, bool recursive) override;
  CommandResult run(const std::vector<std::string>& argv) override;
  [[nodiscard]] std::optional<AccountInfo> find_user(const std::string& name) const override;
  [[nodiscard]] std::optional<unsigned> find_group(const std::string& name) const override;
  void create_system_group(const std::string& name) override;
  void create_system_user(const std::string& name, const std::string& group) override;
  void delete_user(const std::string& name) override;
  void delete_group(const std::string& name) override;

  [[nodiscard]] const std::string& root() const { return root_; }

 private:
  [[nodiscard]] std::string host_path(const std::string& path) const;
  void apply_owner(int fd, const std::string& path, const FileOwner& owner) const;
  void run_account_tool(const std::vector<std::string>& argv);
  // DAEMONIZE_FAULT_KILL_AT: raises SIGKILL when this is the Nth call.
  void fault_point();

  std::string root_;
  unsigned long fault_kill_at_ = 0;  // 0: no fault injection
  unsigned long fault_steps_ = 0;
};

}  // namespace daemonize::deploy
