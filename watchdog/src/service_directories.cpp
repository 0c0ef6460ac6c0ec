#include "daemonize/watchdog/service_directories.hpp"

#include <array>
#include <cstdio>
#include <tuple>

namespace daemonize {
namespace {

std::string octal(std::uint32_t mode) {
  char text[8];
  (void)std::snprintf(text, sizeof text, "%04o", mode);
  return text;
}

char separator(TargetOs os) { return os == TargetOs::windows ? '\\' : '/'; }

// A value of the environment, or "" when unset.
std::string value_of(const EnvironmentLookup& environment, const std::string& name) {
  auto value = environment(name);
  return value ? *value : "";
}

}  // namespace

const char* directory_variable(DirectoryKind kind) {
  switch (kind) {
    case DirectoryKind::runtime:
      return "RUNTIME_DIRECTORY";
    case DirectoryKind::state:
      return "STATE_DIRECTORY";
    case DirectoryKind::cache:
      return "CACHE_DIRECTORY";
    case DirectoryKind::logs:
      return "LOGS_DIRECTORY";
    case DirectoryKind::configuration:
      return "CONFIGURATION_DIRECTORY";
  }
  return "RUNTIME_DIRECTORY";
}

std::optional<std::string> directory_base(DirectoryKind kind, TargetOs os, Scope scope,
                                          const EnvironmentLookup& environment,
                                          std::string& problem) {
  // A variable that must be set, with its fallback under HOME ("" = none).
  auto from = [&](const char* variable, const char* under_home) -> std::optional<std::string> {
    if (auto value = value_of(environment, variable); !value.empty()) return value;
    if (under_home != nullptr) {
      if (auto home = value_of(environment, "HOME"); !home.empty()) return home + under_home;
    }
    problem =
        std::string(variable) + (under_home != nullptr ? " and HOME are" : " is") + " not set";
    return std::nullopt;
  };
  const bool user = scope == Scope::user;
  switch (os) {
    case TargetOs::linux:
      switch (kind) {
        case DirectoryKind::runtime:
          return user ? from("XDG_RUNTIME_DIR", nullptr) : "/run";
        case DirectoryKind::state:
          return user ? from("XDG_STATE_HOME", "/.local/state") : "/var/lib";
        case DirectoryKind::cache:
          return user ? from("XDG_CACHE_HOME", "/.cache") : "/var/cache";
        case DirectoryKind::logs: {
          if (!user) return "/var/log";
          auto state = from("XDG_STATE_HOME", "/.local/state");
          return state ? std::optional(*state + "/log") : std::nullopt;
        }
        case DirectoryKind::configuration:
          return user ? from("XDG_CONFIG_HOME", "/.config") : "/etc";
      }
      break;
    case TargetOs::macos: {
      if (kind == DirectoryKind::runtime) return user ? from("TMPDIR", nullptr) : "/var/run";
      std::string home;
      if (user) {
        auto found = from("HOME", nullptr);
        if (!found) return std::nullopt;
        home = *found;
      }
      switch (kind) {
        case DirectoryKind::state:
          return home + "/Library/Application Support";
        case DirectoryKind::cache:
          return home + "/Library/Caches";
        case DirectoryKind::logs:
          return home + "/Library/Logs";
        case DirectoryKind::configuration:
          return home + "/Library/Preferences";
        case DirectoryKind::runtime:
          break;
      }
      break;
    }
    case TargetOs::windows: {
      auto data = from(user ? "LOCALAPPDATA" : "ProgramData", nullptr);
      if (!data) return std::nullopt;
      // One data folder per program; the runtime ones apart, as they are removed at stop.
      if (kind == DirectoryKind::runtime) return *data + "\\daemonize\\run";
      return data;
    }
  }
  return std::nullopt;
}

ResolvedDirectories resolve_service_directories(const Service& service,
                                                const EnvironmentLookup& environment) {
  ResolvedDirectories resolved;
  const auto& d = service.directories;
  const std::array<std::tuple<DirectoryKind, const std::vector<std::string>*, const char*>, 5>
      kinds{{{DirectoryKind::runtime, &d.runtime, "directories.runtime"},
             {DirectoryKind::state, &d.state, "directories.state"},
             {DirectoryKind::cache, &d.cache, "directories.cache"},
             {DirectoryKind::logs, &d.logs, "directories.logs"},
             {DirectoryKind::configuration, &d.configuration, "directories.configuration"}}};
  for (const auto& [kind, names, key] : kinds) {
    if (names->empty()) continue;
    std::string problem;
    const auto base = directory_base(kind, service.os, service.scope, environment, problem);
    if (!base) {
      resolved.problems.push_back("daemonize: '" + std::string(key) +
                                  "' needs a base directory: " + problem);
      continue;
    }
    for (std::size_t i = 0; i < names->size(); ++i) {
      std::string relative = (*names)[i];
      if (service.os == TargetOs::windows) {
        for (auto& c : relative) c = c == '/' ? '\\' : c;
      }
      resolved.directories.push_back({kind, std::string(key) + "[" + std::to_string(i) + "]",
                                      *base + separator(service.os) + relative});
    }
  }
  return resolved;
}

std::map<std::string, std::string> directory_environment(
    const std::vector<ServiceDirectory>& directories, char separator) {
  std::map<std::string, std::string> variables;
  for (const auto& directory : directories) {
    auto& value = variables[directory_variable(directory.kind)];
    if (!value.empty()) value += separator;
    value += directory.path;
  }
  return variables;
}

bool directories_made_by_service_manager(const std::vector<ServiceDirectory>& directories,
                                         const EnvironmentLookup& environment) {
  if (directories.empty()) return false;
  for (const auto& directory : directories) {
    const auto listed = environment(directory_variable(directory.kind));
    if (!listed) return false;
    if (directory.kind != DirectoryKind::runtime) continue;
    const std::string entries = ":" + *listed + ":";
    if (entries.find(":" + directory.path + ":") == std::string::npos) return false;
  }
  return true;
}

std::string create_service_directories(const std::vector<ServiceDirectory>& directories,
                                       std::uint32_t mode,
                                       const std::optional<DirectoryOwner>& owner,
                                       DirectoryOperations& operations) {
  for (const auto& directory : directories) {
    const auto& path = directory.path;
    // Each missing component, from the first one below the base.
    std::vector<std::string> missing;
    for (std::string prefix = path; !prefix.empty() && !operations.exists(prefix);) {
      missing.push_back(prefix);
      const auto cut = prefix.find_last_of("/\\");
      if (cut == std::string::npos || cut == 0) break;
      prefix.resize(cut);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      if (auto error = operations.make_directory(*it); !error.empty()) {
        return "daemonize: cannot create " + directory.key + " '" + *it + "': " + error;
      }
      if (*it != path) {
        if (auto error = operations.set_mode(*it, 0755); !error.empty()) {
          return "daemonize: cannot set the mode of '" + *it + "': " + error;
        }
      }
    }
    if (auto error = operations.set_mode(path, mode); !error.empty()) {
      return "daemonize: cannot set mode " + octal(mode) + " on " + directory.key + " '" + path +
             "': " + error;
    }
    if (owner) {
      if (auto error = operations.set_owner(path, owner->uid, owner->gid); !error.empty()) {
        return "daemonize: cannot give " + directory.key + " '" + path + "' to uid " +
               std::to_string(owner->uid) + ": " + error;
      }
    }
  }
  return "";
}

std::vector<std::string> remove_runtime_directories(
    const std::vector<ServiceDirectory>& directories, DirectoryOperations& operations) {
  std::vector<std::string> warnings;
  for (const auto& directory : directories) {
    if (directory.kind != DirectoryKind::runtime || !operations.exists(directory.path)) continue;
    if (auto error = operations.remove_tree(directory.path); !error.empty()) {
      warnings.push_back("cannot remove " + directory.key + " '" + directory.path + "': " + error);
    }
  }
  return warnings;
}

}  // namespace daemonize
