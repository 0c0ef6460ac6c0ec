// A recording SystemOps for unit tests: an in-memory file system, accounts, and scripted
// command results; every command run is recorded in order.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "daemonize/core/installer.hpp"
#include "daemonize/core/system_ops.hpp"

namespace daemonize::testing {

class FakeSystemOps final : public SystemOps {
 public:
  struct File {
    std::string content;
    unsigned mode = 0;
    FileOwner owner;
  };

  std::map<std::string, File> files;
  std::set<std::string> directories;
  std::map<std::string, AccountInfo> users;
  std::map<std::string, unsigned> groups;
  std::vector<std::vector<std::string>> commands;  // every run(), in order
  std::vector<std::string> writes;                 // every write_file_atomic path, in order
  // Answers run(); the default says "ok" with no output.
  std::function<CommandResult(const std::vector<std::string>&)> respond;
  // write_file_atomic of this path throws (simulated failure).
  std::string fail_writes_to;

  // read_file of these paths throws "Permission denied" (a file the process may not open).
  std::set<std::string> unreadable;
  std::optional<std::string> read_file(const std::string& path) const override {
    if (unreadable.count(path) != 0) {
      throw SystemError("open " + path + ": Permission denied",
                        SystemError::Kind::permission_denied);
    }
    const auto found = files.find(path);
    if (found == files.end()) return std::nullopt;
    return found->second.content;
  }
  std::optional<unsigned> file_mode(const std::string& path) const override {
    const auto found = files.find(path);
    if (found == files.end()) return std::nullopt;
    return found->second.mode;
  }
  bool exists(const std::string& path) const override {
    return files.count(path) != 0 || directories.count(path) != 0;
  }
  void write_file_atomic(const std::string& path, std::string_view content, unsigned mode,
                         const FileOwner& owner) override {
    if (path == fail_writes_to) throw SystemError("rename " + path + ": Read-only file system");
    writes.push_back(path);
    files[path] = File{std::string(content), mode, owner};
  }
  void create_directory(const std::string& path, unsigned mode, const FileOwner& owner) override {
    directories.insert(path);
    directory_modes[path] = {"", mode, owner};
  }
  bool remove(const std::string& path, bool recursive) override {
    bool removed = files.erase(path) + directories.erase(path) > 0;
    if (recursive) {
      for (auto it = files.begin(); it != files.end();) {
        if (it->first.starts_with(path + "/")) {
          it = files.erase(it);
          removed = true;
        } else {
          ++it;
        }
      }
    }
    return removed;
  }
  CommandResult run(const std::vector<std::string>& argv) override {
    commands.push_back(argv);
    return respond ? respond(argv) : CommandResult{};
  }
  std::optional<AccountInfo> find_user(const std::string& name) const override {
    const auto found = users.find(name);
    if (found == users.end()) return std::nullopt;
    return found->second;
  }
  std::optional<unsigned> find_group(const std::string& name) const override {
    const auto found = groups.find(name);
    if (found == groups.end()) return std::nullopt;
    return found->second;
  }
  void create_system_group(const std::string& name) override {
    groups[name] = 900 + static_cast<unsigned>(groups.size());
    accounts_created.push_back("group " + name);
  }
  void create_system_user(const std::string& name, const std::string& group) override {
    if (group.empty()) groups[name] = 900 + static_cast<unsigned>(groups.size());
    users[name] =
        AccountInfo{name, 990, group.empty() ? groups[name] : groups[group], "/nonexistent"};
    accounts_created.push_back("user " + name + (group.empty() ? "" : ":" + group));
  }
  void delete_user(const std::string& name) override {
    users.erase(name);
    accounts_deleted.push_back("user " + name);
  }
  void delete_group(const std::string& name) override {
    groups.erase(name);
    accounts_deleted.push_back("group " + name);
  }

  // Commands run, each joined with spaces; those starting with `prefix` only.
  [[nodiscard]] std::vector<std::string> command_lines(const std::string& prefix = "") const {
    std::vector<std::string> lines;
    for (const auto& argv : commands) {
      auto line = shell_join(argv);
      if (line.starts_with(prefix)) lines.push_back(line);
    }
    return lines;
  }

  std::map<std::string, File> directory_modes;
  std::vector<std::string> accounts_created;
  std::vector<std::string> accounts_deleted;
};

}  // namespace daemonize::testing
