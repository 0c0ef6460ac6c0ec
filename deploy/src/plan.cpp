// Host detection, layout and the plan: what deploy would change, decided from what is there.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <ostream>

#include "daemonize/core/utf16le.hpp"
#include "daemonize/deploy/deploy.hpp"
#include "daemonize/deploy/text_tools.hpp"

namespace daemonize::deploy {
namespace {

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  utc = *std::gmtime(&now);  // NOLINT(concurrency-mt-unsafe): deploy is single-threaded
  char text[32];
  (void)std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string artifact_kind(const Artifact& artifact) {
  if (artifact.file_name.ends_with(".service")) return "unit";
  if (artifact.file_name.ends_with(".plist")) return "plist";
  if (artifact.file_name.ends_with(".xml")) return "task";
  if (artifact.install_path.find("tmpfiles.d/") != std::string::npos) return "tmpfiles";
  if (artifact.install_path.find("logrotate.d/") != std::string::npos) return "logrotate";
  return "file";
}

enum class Recorded { same, other_mode, not_recorded };

// How the last finished deploy's receipt recorded `file` (same path, hash and mode?).
Recorded recorded_state(const std::optional<Receipt>& previous, const DesiredFile& file) {
  if (!previous) return Recorded::not_recorded;
  const auto hash = sha256_hex(file.content);
  if (file.binary) {
    // A companion binary (daemonizew.exe) is not in the receipt: it is in place or it is not.
    if (previous->daemonize_path != file.path) return Recorded::same;
    return previous->daemonize_sha256 == hash ? Recorded::same : Recorded::not_recorded;
  }
  for (const auto& entry : previous->files) {
    if (entry.path != file.path) continue;
    if (entry.sha256 != hash) return Recorded::not_recorded;
    return entry.mode == file.mode ? Recorded::same : Recorded::other_mode;
  }
  return Recorded::not_recorded;
}

bool writes_log_files(const Service& service) {
  return service.logs.stdout_stream.kind == LogStream::Kind::file ||
         service.logs.stderr_stream.kind == LogStream::Kind::file;
}

}  // namespace

const char* to_string(FileStatus status) {
  switch (status) {
    case FileStatus::created:
      return "new";
    case FileStatus::changed:
      return "changed";
    case FileStatus::unchanged:
      return "unchanged";
  }
  return "?";
}

TargetChoice detect_host_target(const BackendRegistry& registry, const SystemOps& host,
                                bool needs_running_manager) {
  TargetChoice choice;
  for (const auto* backend : registry.all()) {
    const auto* install = backend->install_target();
    if (install == nullptr) continue;
    auto candidacy = install->host_candidacy(host, needs_running_manager);
    if (!candidacy) continue;
    if (candidacy->fits && choice.target.empty()) {
      choice.target = std::string(backend->name());
      choice.reasons.insert(choice.reasons.begin(), std::move(candidacy->reason));
    } else {
      choice.reasons.push_back(std::move(candidacy->reason));
    }
  }
  return choice;
}

Layout make_layout(const Service& service, const Backend& target, const std::string& home,
                   const std::string& daemonize_path) {
  const auto* install = target.install_target();
  const auto defaults =
      install ? install->default_paths(service, home) : posix_install_paths(service, home);
  Layout layout;
  layout.home = home;
  layout.manifest_path = expand_home(defaults.manifest_path, home);
  if (target.os() == TargetOs::windows) {
    layout.daemonize_path =
        expand_home(daemonize_path.empty() ? defaults.daemonize_path : daemonize_path, home);
    layout.receipt_path = windows_receipt_path(service.name, service.scope, home);
    return layout;
  }
  layout.daemonize_path =
      expand_home(daemonize_path.empty() ? defaults.daemonize_path : daemonize_path, home);
  layout.receipt_path = receipt_path(service.name, service.scope, home);
  return layout;
}

const char* root_group(TargetOs os) { return os == TargetOs::macos ? "wheel" : "root"; }

InstallRequest install_request(const Service& service, const Layout& layout, unsigned uid,
                               const std::string& user_name) {
  InstallRequest request;
  request.service = &service;
  request.daemonize_path = layout.daemonize_path;
  request.manifest_path = layout.manifest_path;
  request.user = {uid, user_name, layout.home};
  return request;
}

std::unique_ptr<Installer> make_installer(const Backend& target, const InstallRequest& request) {
  const auto* install = target.install_target();
  return install ? install->installer(request) : nullptr;
}

bool Plan::up_to_date() const {
  for (const auto& file : files) {
    if (file.status != FileStatus::unchanged) return false;
  }
  return changed_env_files.empty() && groups_to_create.empty() && users_to_create.empty() &&
         !log_directory_missing && !receipt_missing && manager_steps.empty();
}

bool Plan::differs() const {
  for (const auto& file : files) {
    if (file.status != FileStatus::unchanged) return true;
  }
  return !changed_env_files.empty();
}

Plan make_plan(const DeployInput& input, SystemOps& ops, Installer* installer,
               const DeploySettings& settings) {
  const Service& service = *input.service;
  const auto& layout = input.layout;
  const bool system_scope = service.scope == Scope::system;
  Plan plan;
  plan.service = service.name;
  plan.target = std::string(input.target->name());
  plan.service_id = installer ? installer->service_id() : service.name;

  // The previous install, if any.
  try {
    if (auto text = ops.read_file(layout.receipt_path)) {
      std::string error;
      plan.previous = receipt_from_json(*text, error);
      if (!plan.previous) plan.warnings.push_back(layout.receipt_path + ": " + error);
    }
  } catch (const SystemError& error) {
    plan.warnings.push_back(error.what());
  }
  plan.receipt_missing = !plan.previous;
  plan.receipt_path = layout.receipt_path;

  // Accounts: checked (and created) only on the real host.
  std::string manifest_group = service.group;
  plan.account_group = service.group;
  // Windows has ACLs, not owners and POSIX accounts.
  const bool windows_target = input.target->os() == TargetOs::windows;
  if (windows_target) {
    if (!service.user.empty()) {
      plan.notes.push_back("user = '" + service.user +
                           "' is not used on Windows: the account is [windows].account");
    }
  } else if (system_scope && !service.user.empty()) {
    if (settings.root_mode) {
      plan.notes.push_back("account '" + service.user +
                           "' is neither checked nor created under --root");
    } else {
      const auto account = ops.find_user(service.user);
      if (!service.group.empty() && !ops.find_group(service.group)) {
        if (service.create_user) {
          plan.groups_to_create.push_back(service.group);
        } else {
          plan.errors.push_back("group '" + service.group +
                                "' does not exist: create it, or set create_user = true");
        }
      }
      if (!account) {
        if (service.create_user) {
          plan.users_to_create.push_back(service.user);
        } else {
          plan.errors.push_back("user '" + service.user +
                                "' does not exist: create it, or set create_user = true so "
                                "deploy creates it as a system account");
        }
      }
      if (manifest_group.empty()) {
        manifest_group = account ? std::to_string(account->gid) : service.user;
      }
    }
  }

  // The files, in the order they are written: binary, manifest, then what the renderer made
  // (the unit last would be nicer for readers, but every file is in place before any reload).
  std::vector<DesiredFile> desired;
  // Windows has ACLs, not owners: the SCM installer grants the service account its access.
  const FileOwner root_owner = system_scope && !windows_target
                                   ? FileOwner{"root", root_group(input.target->os())}
                                   : FileOwner{};
  if (input.daemonize_binary) {
    desired.push_back({layout.daemonize_path, "binary", *input.daemonize_binary, 0755, root_owner,
                       true, false, true});
  }
  const auto* install = input.target->install_target();
  if (input.companion_binary && install) {
    if (const auto companion = install->companion_binary(layout.daemonize_path)) {
      desired.push_back({companion->install_path, "binary", *input.companion_binary, 0755,
                         root_owner, true, false, true});
    }
  }
  // Readable by the service, writable only by root.
  desired.push_back(
      {layout.manifest_path, "manifest", input.manifest_text, 0640,
       system_scope && !windows_target
           ? FileOwner{"root", manifest_group.empty() ? root_owner.group : manifest_group}
           : FileOwner{},
       true, false, false});
  for (const auto& artifact : input.artifacts) {
    if (artifact.install_path.empty()) continue;
    const auto kind = artifact_kind(artifact);
    const bool definition = kind == "unit" || kind == "plist" || kind == "task";
    desired.push_back({expand_home(artifact.install_path, layout.home), kind, artifact.content,
                       artifact.mode, root_owner, definition, definition, false});
  }

  for (auto& file : desired) {
    PlannedFile planned;
    try {
      planned.installed = ops.read_file(file.path);
    } catch (const SystemError& error) {
      plan.errors.push_back(error.what());
    }
    planned.status = !planned.installed                   ? FileStatus::created
                     : *planned.installed == file.content ? FileStatus::unchanged
                                                          : FileStatus::changed;
    if (planned.status == FileStatus::unchanged) {
      // In place, but is it what the last finished deploy recorded? A deploy killed after its
      // writes and before its receipt left new files that the manager may never have loaded
      // and the program never restarted with: this deploy finishes that work.
      const auto recorded = recorded_state(plan.previous, file);
      if (recorded != Recorded::same) {
        if (file.restarts) plan.restart = true;
        if (file.definition) plan.definitions_changed = true;
        plan.receipt_missing = true;  // the receipt must describe what is installed
      }
      // Rewrite when the receipt says it was installed with another mode (an earlier version's
      // 0644 manifest, say) or someone changed it by hand (a chmod 0644 of the manifest).
      const auto mode = ops.file_mode(file.path);
      if (recorded == Recorded::other_mode || (mode && *mode != file.mode)) {
        planned.status = FileStatus::changed;
        planned.installed_mode = mode;
      }
    }
    // A mode changed by hand is put right without a restart: the bytes are the same.
    if (planned.status != FileStatus::unchanged && !planned.installed_mode) {
      if (file.restarts) plan.restart = true;
      if (file.definition) plan.definitions_changed = true;
    }
    planned.desired = std::move(file);
    plan.files.push_back(std::move(planned));
  }

  // env_files: the watchdog reads them only at start, so a changed one needs a restart.
  // Their fingerprints go into the receipt, which anyone may read: a plain SHA-256 of a short
  // secret can be guessed offline, so it is keyed with the manifest, which only root and the
  // service's group can read (and the service sees the values anyway).
  // The previous receipt's fingerprints were keyed with the manifest installed then.
  std::string installed_manifest;
  for (const auto& file : plan.files) {
    if (file.desired.kind == "manifest" && file.installed) installed_manifest = *file.installed;
  }
  const auto env_key = sha256_hex(input.manifest_text);
  const auto previous_env_key = sha256_hex(installed_manifest);
  std::map<std::string, std::string> env_hashes;
  for (const auto& entry : service.env_files) {
    const bool optional = entry.starts_with("-");
    const auto path = expand_home(optional ? entry.substr(1) : entry, layout.home);
    std::string hash;
    std::string previous_hash;
    try {
      if (auto content = ops.read_file(path)) {
        hash = sha256_hex(env_key + "\n" + *content);
        previous_hash = sha256_hex(previous_env_key + "\n" + *content);
      } else if (!optional) {
        plan.errors.push_back("env file " + path +
                              " (service.env_files) does not exist, and the service cannot "
                              "start without it: create it, or mark it optional (\"-" +
                              path + "\")");
      }
      // Its values are secrets, as the manifest's 0640 says; deploy does not own the file.
      if (const auto mode = ops.file_mode(path); mode && (*mode & 0004U) != 0) {
        char octal[8];
        (void)std::snprintf(octal, sizeof octal, "%04o", *mode);
        plan.warnings.push_back("env file " + path + " is readable by every user (mode " + octal +
                                "); its values are secrets: chmod o-r " + path);
      }
    } catch (const SystemError& error) {
      // deploy reads it as whoever will at start (root for a system service, else the user);
      // a user deploying a system service fails at its first write anyway (exit 77).
      const bool not_root_yet =
          system_scope && error.kind() == SystemError::Kind::permission_denied;
      (windows_target || not_root_yet ? plan.warnings : plan.errors).push_back(error.what());
    }
    env_hashes[path] = hash;
    if (plan.previous) {
      const auto found = plan.previous->env_files.find(path);
      if (found == plan.previous->env_files.end() || found->second != previous_hash) {
        plan.changed_env_files.push_back(path);
        plan.restart = true;
      }
    }
  }

  // Windows: the watchdog creates its log directory (it holds %ProgramData% as the service sees
  // it); the SCM installer grants the service account write access to it.
  if (writes_log_files(service) && !windows_target) {
    plan.log_directory = expand_home(service.logs.directory, layout.home);
    if (system_scope && !settings.root_mode) plan.log_owner = {service.user, service.group};
    plan.log_directory_missing = !ops.exists(plan.log_directory);
  }

  if (installer && !settings.root_mode) {
    for (auto& warning : installer->host_warnings(ops)) plan.warnings.push_back(std::move(warning));
    for (auto& error : installer->host_errors(ops)) plan.errors.push_back(std::move(error));
    Activation activation;
    activation.definitions_changed = plan.definitions_changed;
    activation.restart = plan.restart;
    activation.start = settings.start;
    activation.wait = settings.wait;
    plan.manager_steps = installer->activation_steps(ops, activation);
  } else if (settings.root_mode) {
    plan.notes.push_back("--root: no service-manager command is run");
  }

  // The receipt written after success.
  auto& receipt = plan.receipt;
  receipt.service = service.name;
  receipt.target = plan.target;
  receipt.scope = service.scope;
  receipt.service_id = installer ? installer->service_id() : plan.service_id;
  receipt.daemonize_version = DAEMONIZE_VERSION;
  receipt.deployed_at = now_rfc3339();
  receipt.manifest_source = input.manifest_source;
  for (const auto& file : plan.files) {
    if (file.desired.binary) {
      if (file.desired.path != layout.daemonize_path) continue;  // the companion binary
      receipt.daemonize_path = file.desired.path;
      receipt.daemonize_sha256 = sha256_hex(file.desired.content);
      continue;
    }
    receipt.files.push_back({file.desired.path, file.desired.kind, sha256_hex(file.desired.content),
                             file.desired.mode});
  }
  receipt.env_files = std::move(env_hashes);
  receipt.log_directory = plan.log_directory;
  if (plan.previous) {
    receipt.log_directory_created = plan.previous->log_directory_created;
    receipt.users_created = plan.previous->users_created;
    receipt.groups_created = plan.previous->groups_created;
  }
  if (plan.log_directory_missing) receipt.log_directory_created = true;
  return plan;
}

std::string plan_diff(const Plan& plan) {
  std::string text;
  for (const auto& file : plan.files) {
    if (file.status == FileStatus::unchanged) continue;
    if (file.installed_mode) {
      char modes[32];
      (void)std::snprintf(modes, sizeof modes, "%04o -> %04o", *file.installed_mode,
                          file.desired.mode);
      text += "mode " + file.desired.path + ": " + modes + "\n";
      continue;
    }
    if (file.desired.binary) {
      text += "binary " + file.desired.path + ": " +
              (file.installed ? sha256_hex(*file.installed).substr(0, 12) : std::string("absent")) +
              " -> " + sha256_hex(file.desired.content).substr(0, 12) + "\n";
      continue;
    }
    // UTF-16 (Windows task XML) would diff as one byte a line: compare it as UTF-8 text.
    const bool utf16 = has_utf16le_bom(file.desired.content);
    const auto readable = [utf16](const std::string& bytes) {
      return utf16 && has_utf16le_bom(bytes) ? utf8_from_utf16le(bytes) : bytes;
    };
    text += unified_diff(readable(file.installed.value_or("")), readable(file.desired.content),
                         file.installed ? file.desired.path : "/dev/null", file.desired.path);
  }
  for (const auto& path : plan.changed_env_files) {
    text += "env file " + path + ": content changed since the last deploy\n";
  }
  return text;
}

void print_plan(const Plan& plan, std::ostream& out) {
  out << "plan for " << plan.service << " (" << plan.target << "):\n";
  for (const auto& group : plan.groups_to_create) out << "  create system group " << group << '\n';
  for (const auto& user : plan.users_to_create) out << "  create system user " << user << '\n';
  if (plan.log_directory_missing) out << "  create directory " << plan.log_directory << " (0750)\n";
  for (const auto& file : plan.files) {
    out << "  write " << file.desired.path << ": " << to_string(file.status) << '\n';
  }
  for (const auto& path : plan.changed_env_files) out << "  env file " << path << ": changed\n";
  for (const auto& step : plan.manager_steps) {
    out << "  " << step.description << '\n';
    for (const auto& argv : step.argvs) out << "      $ " << shell_join(argv) << '\n';
  }
  if (plan.receipt_missing) {
    out << "  write receipt "
        << (plan.previous ? "(the installed files differ from the last receipt)\n"
                          : "(first deploy)\n");
  }
  for (const auto& note : plan.notes) out << "  note: " << note << '\n';
  const auto diff = plan_diff(plan);
  if (!diff.empty()) out << '\n' << diff;
}

std::string plan_to_json(const Plan& plan) {
  namespace json = boost::json;
  json::array files;
  for (const auto& file : plan.files) {
    files.push_back(json::object{{"path", file.desired.path},
                                 {"kind", file.desired.kind},
                                 {"status", to_string(file.status)}});
  }
  json::array steps;
  for (const auto& step : plan.manager_steps) {
    json::array commands;
    for (const auto& argv : step.argvs) commands.push_back(json::value(shell_join(argv)));
    steps.push_back(json::object{{"description", step.description}, {"commands", commands}});
  }
  auto strings = [](const std::vector<std::string>& list) {
    return json::array(list.begin(), list.end());
  };
  const json::object object{{"service", plan.service},
                            {"target", plan.target},
                            {"up_to_date", plan.up_to_date()},
                            {"restart", plan.restart},
                            {"files", files},
                            {"changed_env_files", strings(plan.changed_env_files)},
                            {"create_groups", strings(plan.groups_to_create)},
                            {"create_users", strings(plan.users_to_create)},
                            {"steps", steps},
                            {"errors", strings(plan.errors)},
                            {"warnings", strings(plan.warnings)},
                            {"diff", plan_diff(plan)}};
  return json::serialize(object);
}

}  // namespace daemonize::deploy
