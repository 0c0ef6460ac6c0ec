// Shared by deploy, diff, remove, start/stop/restart/reload: choosing the target, loading and
// rendering the manifest with the installed paths, and finding an installed service's receipt.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/installer.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "host_facts.hpp"  // invoking_home(), invoking_user_name()

namespace daemonize::cli {

struct DeployTargetOptions {
  std::string file;
  std::string target = "auto";
  std::string root;  // --root DIR
  std::string daemonize_path;
  bool quiet = false;  // --quiet: no note about what --target auto chose
};

struct PreparedDeploy {
  std::optional<Service> service;
  deploy::DeployInput input;
  std::unique_ptr<SystemOps> ops;        // rooted at --root
  std::unique_ptr<Installer> installer;  // nullptr under --root
};

// Chooses the target (auto: explained on stderr), loads, checks and renders the manifest.
// `needs_running_manager`: the command talks to the service manager (not --output-dir/--root/
// diff). `with_binary`: read this executable's bytes to install it. Returns 0 or an exit code
// (after printing why).
int prepare_deploy(const BackendRegistry& registry, const DeployTargetOptions& options,
                   bool needs_running_manager, bool with_binary, PreparedDeploy& prepared);

struct InstalledService {
  deploy::Receipt receipt;
  std::string receipt_file;
};

// The receipt of FILE (a manifest: its name and scope) or NAME (system scope first, then the
// user's). Returns 0 or an exit code after printing why.
int find_installed(SystemOps& ops, const std::string& file_or_name, InstalledService& found);

// The host's SystemOps (POSIX or Windows: system_ops_posix.cpp / system_ops_windows.cpp), with
// every path under `root` when it is not empty (--root).
[[nodiscard]] std::unique_ptr<SystemOps> make_host_system_ops(const std::string& root = "");

// The installer for an installed service (from its receipt, by the target it names).
[[nodiscard]] std::unique_ptr<Installer> installer_for(const BackendRegistry& registry,
                                                       const deploy::Receipt& receipt);

}  // namespace daemonize::cli
