// An in-memory LogFileSystem with injectable failures, for driving the writer event by event.
#pragma once

#include <cerrno>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/watchdog/log_rotation.hpp"

namespace daemonize::logs::testing {

class FakeFiles final : public LogFileSystem {
 public:
  // Content by path ("dir/name"); an open descriptor keeps its file even after rename/remove.
  std::map<std::string, std::shared_ptr<std::string>> files;
  std::map<int, std::shared_ptr<std::string>> open_files;
  int next_fd = 3;
  std::optional<std::size_t> space_left;  // bytes the "disk" still takes; nullopt = unlimited
  int fail_open_errno = 0;
  int opens = 0;
  std::size_t largest_write = 0;

  int open_append(const std::string& path) override {
    ++opens;
    if (fail_open_errno != 0) return -fail_open_errno;
    auto& file = files[path];
    if (!file) file = std::make_shared<std::string>();
    open_files[next_fd] = file;
    return next_fd++;
  }
  long write(int fd, const char* data, std::size_t size) override {
    auto found = open_files.find(fd);
    if (found == open_files.end()) return -EBADF;
    std::size_t take = size;
    if (space_left) {
      if (*space_left == 0) return -ENOSPC;
      take = std::min(take, *space_left);
      *space_left -= take;
    }
    found->second->append(data, take);
    largest_write = std::max(largest_write, take);
    return static_cast<long>(take);
  }
  void close(int fd) override { open_files.erase(fd); }
  std::uint64_t size(int fd) override { return open_files.at(fd)->size(); }
  int rename(const std::string& from, const std::string& to) override {
    auto found = files.find(from);
    if (found == files.end()) return -ENOENT;
    files[to] = found->second;
    files.erase(found);
    return 0;
  }
  void remove(const std::string& path) override { files.erase(path); }
  bool exists(const std::string& path) override { return files.count(path) != 0; }
  std::vector<std::string> list(const std::string& directory) override {
    std::vector<std::string> names;
    const std::string prefix = directory + "/";
    for (const auto& [path, content] : files) {
      if (path.rfind(prefix, 0) == 0) names.push_back(path.substr(prefix.size()));
    }
    return names;
  }
  int make_directory(const std::string&) override { return 0; }

  // Rotated files of `name` in name order, then the live file last.
  std::vector<std::string> contents_in_order(const std::string& directory,
                                             const std::string& name) {
    std::vector<std::string> out;
    for (const auto& [path, content] : files) {
      const std::string base = path.substr(directory.size() + 1);
      if (is_rotated_file_name(name, base)) out.push_back(*content);
    }
    auto live = files.find(directory + "/" + name);
    if (live != files.end()) out.push_back(*live->second);
    return out;
  }
  std::size_t rotated_count(const std::string& directory, const std::string& name) {
    std::size_t count = 0;
    for (const auto& [path, content] : files) {
      if (is_rotated_file_name(name, path.substr(directory.size() + 1))) ++count;
    }
    return count;
  }
};

}  // namespace daemonize::logs::testing
