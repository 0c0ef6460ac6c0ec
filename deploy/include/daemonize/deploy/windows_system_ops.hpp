// The real SystemOps for Windows (Windows builds only): the wide-character file API,
// CreateProcessW and LookupAccountNameW. Paths are UTF-8 in and out.
//
// - `mode` and `owner` of writes and directories are ignored: Windows has ACLs, not modes, and
//   deploy grants the service account its access through WindowsServiceApi::grant_access.
// - An atomic write replaces the target with MoveFileExW(MOVEFILE_REPLACE_EXISTING |
//   MOVEFILE_WRITE_THROUGH) from "<path>.daemonize-tmp-<pid>" next to it. A running executable
//   cannot be replaced but can be renamed, so when the replace is refused the target is first
//   renamed to "<path>.old-<pid>" (the upgrade path of a running daemonize.exe: the old process
//   keeps its image, new starts get the new file). Later writes of the same path delete such
//   leftovers once nothing runs them, and temporaries of writers that died (best effort).
// - Accounts are looked up (find_user/find_group: whether LookupAccountNameW knows the name;
//   uid and gid are 0) but never created or deleted: deploy uses built-in, virtual or existing
//   accounts for Windows services, and those calls throw SystemError.
// - With a root (deploy --root DIR) every path is taken relative to DIR: the drive becomes a
//   directory ("C:\ProgramData\x" -> "DIR\C\ProgramData\x"), a UNC path goes under DIR\UNC
//   ("\\server\share\x" -> "DIR\UNC\server\share\x"), anything else is appended to DIR.
#pragma once

#include <string>

#include "daemonize/core/system_ops.hpp"

namespace daemonize::deploy {

class WindowsSystemOps final : public SystemOps {
 public:
  // `root` = "" works on the host; otherwise every path is resolved under `root`.
  explicit WindowsSystemOps(std::string root = "");

  [[nodiscard]] std::optional<std::string> read_file(const std::string& path) const override;
  [[nodiscard]] bool exists(const std::string& path) const override;
  void write_file_atomic(const std::string& path, std::string_view content, unsigned mode,
                         const FileOwner& owner) override;
  void create_directory(const std::string& path, unsigned mode, const FileOwner& owner) override;
  bool remove(const std::string& path, bool recursive) override;
  // argv[0] without a directory is looked up with SearchPathW (".exe" appended when it has no
  // extension); the command line is quoted as CommandLineToArgvW splits it. No console window.
  CommandResult run(const std::vector<std::string>& argv) override;
  [[nodiscard]] std::optional<AccountInfo> find_user(const std::string& name) const override;
  [[nodiscard]] std::optional<unsigned> find_group(const std::string& name) const override;
  void create_system_group(const std::string& name) override;
  void create_system_user(const std::string& name, const std::string& group) override;
  void delete_user(const std::string& name) override;
  void delete_group(const std::string& name) override;

  [[nodiscard]] const std::string& root() const { return root_; }
  // The path on the host: `path` itself, or its place under the root.
  [[nodiscard]] std::string host_path(const std::string& path) const;

 private:
  std::string root_;
};

}  // namespace daemonize::deploy
