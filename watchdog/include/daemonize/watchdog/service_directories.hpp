// [directories] outside systemd: the watchdog creates them with the service's owner and mode
// before the first start, hands their paths to the program as systemd does
// (RUNTIME_DIRECTORY, STATE_DIRECTORY, ...), and removes the runtime ones when it ends.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/model.hpp"

namespace daemonize {

enum class DirectoryKind { runtime, state, cache, logs, configuration };

struct ServiceDirectory {
  DirectoryKind kind = DirectoryKind::runtime;
  std::string key;   // "directories.runtime[0]"
  std::string path;  // absolute
};

// systemd's variable for a kind: "RUNTIME_DIRECTORY", ...
[[nodiscard]] const char* directory_variable(DirectoryKind kind);

// The base directory of `kind` for `os` and `scope` (docs/manifest.md, [directories]), from the
// watchdog's environment; nullopt with `problem` set when a variable it needs is unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;
[[nodiscard]] std::optional<std::string> directory_base(DirectoryKind kind, TargetOs os,
                                                        Scope scope,
                                                        const EnvironmentLookup& environment,
                                                        std::string& problem);

struct ResolvedDirectories {
  std::vector<ServiceDirectory> directories;
  std::vector<std::string> problems;  // "daemonize: ..." lines
};
[[nodiscard]] ResolvedDirectories resolve_service_directories(const Service& service,
                                                              const EnvironmentLookup& environment);

// The program's variables for `directories`, as systemd sets them: absolute paths of one
// kind, joined by `separator` (':'; on Windows ';', as a drive letter has a ':').
[[nodiscard]] std::map<std::string, std::string> directory_environment(
    const std::vector<ServiceDirectory>& directories, char separator = ':');

// True when systemd made `directories` already: it sets STATE_DIRECTORY & co. for the kinds a
// unit has, and lists the runtime ones in RUNTIME_DIRECTORY (which `run --detach` sets to the
// watchdog's own state directory, so for runtime the path itself must be listed).
[[nodiscard]] bool directories_made_by_service_manager(
    const std::vector<ServiceDirectory>& directories, const EnvironmentLookup& environment);

// What creating and removing needs from the host; faked in unit tests.
class DirectoryOperations {
 public:
  virtual ~DirectoryOperations() = default;
  [[nodiscard]] virtual bool exists(const std::string& path) const = 0;
  // Creates one directory (its parent exists); "" or why not.
  virtual std::string make_directory(const std::string& path) = 0;
  virtual std::string set_mode(const std::string& path, std::uint32_t mode) = 0;
  virtual std::string set_owner(const std::string& path, unsigned uid, unsigned gid) = 0;
  virtual std::string remove_tree(const std::string& path) = 0;
};

struct DirectoryOwner {
  unsigned uid = 0;
  unsigned gid = 0;
};

// Creates every directory (missing parents 0755, as systemd), then gives it `mode` and, when
// `owner` is set, that owner — also when it existed. "" or "daemonize: cannot create ...".
[[nodiscard]] std::string create_service_directories(
    const std::vector<ServiceDirectory>& directories, std::uint32_t mode,
    const std::optional<DirectoryOwner>& owner, DirectoryOperations& operations);

// Removes the runtime directories (with their content); returns one warning per failure.
[[nodiscard]] std::vector<std::string> remove_runtime_directories(
    const std::vector<ServiceDirectory>& directories, DirectoryOperations& operations);

// The host's (posix_service_directories.cpp / windows_service_directories.cpp).
[[nodiscard]] DirectoryOperations& system_directory_operations();

}  // namespace daemonize
