// The deploy orchestration: host detection for --target auto, the plan (files new/changed/
// unchanged, accounts, service-manager steps) with unified diffs, the atomic apply with wait and
// rollback, removal from the receipt, and the --output-dir review bundle. Every host access
// goes through SystemOps; service-manager commands through an Installer (none under --root).
// Target-agnostic: what differs per target comes from the Backend's InstallTarget.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemonize/core/backend.hpp"
#include "daemonize/core/installer.hpp"
#include "daemonize/core/model.hpp"
#include "daemonize/deploy/receipt.hpp"

namespace daemonize::deploy {

// ---- --target auto ---------------------------------------------------------------------------

struct TargetChoice {
  std::string target;                // "" when nothing fits (exit 69)
  std::vector<std::string> reasons;  // why each candidate was taken or rejected
};

// The first registered target whose InstallTarget::host_candidacy() fits (systemd when
// /run/systemd/system exists, launchd on macOS, the Windows service on a Windows build); its
// reason first, then the other candidates' in registry order. `needs_running_manager` is false
// for --output-dir, --root and diff, where nothing is started.
[[nodiscard]] TargetChoice detect_host_target(const BackendRegistry& registry,
                                              const SystemOps& host, bool needs_running_manager);

// ---- where things go -------------------------------------------------------------------------

struct Layout {
  std::string home;            // the deploying user's home, for `~/` in user scope
  std::string daemonize_path;  // the installed watchdog binary units execute
  std::string manifest_path;   // the installed manifest the watchdog reads
  std::string receipt_path;
};

// The target's default paths (InstallTarget::default_paths(); the POSIX conventions for a target
// deploy only writes review bundles for); `daemonize_path` overrides the binary's.
[[nodiscard]] Layout make_layout(const Service& service, const Backend& target,
                                 const std::string& home, const std::string& daemonize_path);

// The group that owns the files of a system service on `os`: wheel on macOS, root elsewhere.
[[nodiscard]] const char* root_group(TargetOs os);

// What the target's installer is built from for deploying `service` with `layout` (uid/user: the
// deploying user). The caller adds the password from the environment.
[[nodiscard]] InstallRequest install_request(const Service& service, const Layout& layout,
                                             unsigned uid, const std::string& user_name);

// The installer for deploying to `target`; nullptr when the target has no install facet or
// this build cannot talk to its manager.
[[nodiscard]] std::unique_ptr<Installer> make_installer(const Backend& target,
                                                        const InstallRequest& request);

// ---- the plan --------------------------------------------------------------------------------

struct DesiredFile {
  std::string path;  // absolute, `~` expanded
  std::string kind;  // "unit", "plist", "manifest", "tmpfiles", "logrotate", "binary"
  std::string content;
  unsigned mode = 0644;
  FileOwner owner;
  bool restarts = true;     // a change needs the program restarted
  bool definition = false;  // the manager must re-read it (unit, plist)
  bool binary = false;      // shown by hash, never as a text diff; not removed by `remove`
};

struct DeployInput {
  const Service* service = nullptr;
  const Backend* target = nullptr;
  std::vector<Artifact> artifacts;  // rendered with the layout's paths
  std::string manifest_text;        // the manifest bytes, installed as is
  std::string manifest_source;      // where they came from (for the receipt and INSTALL.md)
  std::optional<std::string> daemonize_binary;  // this binary's bytes; nullopt: not installed
  // The target's companion program's bytes (InstallTarget::companion_binary(): windows-task's
  // console-less daemonizew.exe), installed next to daemonize.exe; not in the receipt, so
  // `remove` keeps it like daemonize.exe.
  std::optional<std::string> companion_binary;
  Layout layout;
};

enum class FileStatus { created, changed, unchanged };
[[nodiscard]] const char* to_string(FileStatus status);

struct PlannedFile {
  DesiredFile desired;
  std::optional<std::string> installed;  // what is there now
  FileStatus status = FileStatus::created;
  std::optional<unsigned> installed_mode;  // set when only the mode differs (the same content)
};

struct DeploySettings {
  bool root_mode = false;  // --root: no manager commands, no accounts, owners kept
  bool start = true;       // --no-start: install + enable only
  bool wait = true;        // --no-wait
  std::chrono::milliseconds wait_timeout = std::chrono::seconds(120);
  std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500);
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: really sleep
  int journal_lines = 20;
};

struct Plan {
  std::string service;
  std::string target;
  std::string service_id;
  std::vector<PlannedFile> files;
  std::vector<std::string> changed_env_files;
  std::vector<std::string> groups_to_create;
  std::vector<std::string> users_to_create;
  std::string account_group;  // the manifest's `group` ("" = a group named after the user)
  std::string log_directory;  // "" when no stream writes a file
  FileOwner log_owner;
  bool log_directory_missing = false;
  bool receipt_missing = false;
  bool definitions_changed = false;
  bool restart = false;
  std::vector<ManagerStep> manager_steps;
  std::vector<std::string> errors;  // deploy refuses before changing anything
  std::vector<std::string> warnings;
  std::vector<std::string> notes;
  Receipt receipt;  // written after a successful apply
  std::string receipt_path;
  std::optional<Receipt> previous;

  // Nothing to write, create or run.
  [[nodiscard]] bool up_to_date() const;
  // A file or an env file differs from what is installed (`diff` exits 1).
  [[nodiscard]] bool differs() const;
};

// Reads what is installed and decides. `installer` is nullptr under --root.
[[nodiscard]] Plan make_plan(const DeployInput& input, SystemOps& ops, Installer* installer,
                             const DeploySettings& settings);

// The steps, one per line, then the unified diff of every changed text file.
void print_plan(const Plan& plan, std::ostream& out);
// Only the unified diffs (and one line per changed binary / env file).
[[nodiscard]] std::string plan_diff(const Plan& plan);
[[nodiscard]] std::string plan_to_json(const Plan& plan);

// ---- apply / remove --------------------------------------------------------------------------

struct Outcome {
  int exit_code = 0;
  std::string status;  // "up to date", "deployed", "rolled back", "removed", ...
};

// Applies `plan`: accounts, log directory, atomic file writes, manager steps, wait until active
// and ready, receipt. On failure: prints the reason and the journal, restores the previous
// files, restarts the previous version (or removes a failed first install), returns non-zero.
Outcome apply_plan(Plan& plan, SystemOps& ops, Installer* installer, const DeploySettings& settings,
                   std::ostream& out, std::ostream& err);

// Stops and disables the service and deletes exactly what `receipt` lists (then the receipt);
// `purge` also the log directory, the runtime state and the accounts deploy created.
Outcome remove_installed(const Receipt& receipt, const std::string& receipt_file, SystemOps& ops,
                         Installer* installer, bool purge, bool dry_run, std::ostream& out,
                         std::ostream& err);

// --output-dir: the rendered files, the manifest and INSTALL.md with the exact commands, written
// into `directory` through `ops` (nothing else is touched).
Outcome write_review_bundle(const DeployInput& input, const std::string& directory, SystemOps& ops,
                            std::ostream& out, std::ostream& err);

// The INSTALL.md text for `input` (commands as run from inside the bundle directory).
[[nodiscard]] std::string install_instructions(const DeployInput& input);

// ---- status ----------------------------------------------------------------------------------

// The installer of a service deploy installed, from its receipt (remove, start/stop, status),
// built by the registered target the receipt names: `user` is the invoking user (launchd gui
// domain, systemd lingering, a cron service's detached watchdog). nullptr when no registered
// target of that name can install.
[[nodiscard]] std::unique_ptr<Installer> installer_from_receipt(const BackendRegistry& registry,
                                                                const Receipt& receipt,
                                                                const InvokingUser& user);

// The service manager's view for `status`: prints "  manager: ..." lines and returns whether
// the manager reports the service active. `json` receives the same as an object when non-null.
bool print_manager_status(const Receipt& receipt, SystemOps& ops, Installer& installer,
                          std::ostream& out, std::string* json);

// What `daemonize status NAME` adds when deploy installed NAME (its receipt, system scope first,
// then `home`'s user scope): the manager's lines on `out`, and a warning when the running
// watchdog's version (`watchdog_version`, "" = unknown) differs from the installed binary's.
// `json`, when non-null, receives {"manager": {...}, "stale_watchdog": bool}. Returns whether the
// manager reports the service active; std::nullopt when there is no receipt (nothing printed).
std::optional<bool> print_service_manager_view(const BackendRegistry& registry,
                                               const std::string& name,
                                               const std::string& watchdog_version, SystemOps& ops,
                                               const std::string& home, unsigned uid,
                                               std::ostream& out, std::string* json);

}  // namespace daemonize::deploy
