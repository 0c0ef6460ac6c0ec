// Applying a plan (with wait and rollback), removing what a receipt lists, the review bundle.
#include <boost/json.hpp>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>

#include "daemonize/core/exit_codes.hpp"
#include "daemonize/deploy/deploy.hpp"

namespace daemonize::deploy {
namespace {

void sleep_for(const DeploySettings& settings, std::chrono::milliseconds duration) {
  if (settings.sleep) {
    settings.sleep(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

int exit_code_for(const SystemError& error) {
  return error.kind() == SystemError::Kind::permission_denied ? exit_code::no_permission
                                                              : exit_code::cannot_create;
}

// Waits until the manager reports the service active and settled; "" when it is, else why not.
std::string wait_until_ready(SystemOps& ops, Installer& installer, const DeploySettings& settings) {
  const auto deadline = settings.wait_timeout;
  std::chrono::milliseconds waited{0};
  for (;;) {
    const auto status = installer.status(ops);
    if (status.active && !status.transitioning) return "";
    if (status.failed) {
      return installer.service_id() + " failed: " + status.state + ", exit status " +
             std::to_string(status.last_exit_status);
    }
    if (waited >= deadline) {
      return installer.service_id() + " did not become active and ready within " +
             std::to_string(deadline.count() / 1000) + "s (state: " + status.state + ")";
    }
    sleep_for(settings, settings.poll_interval);
    waited += settings.poll_interval;
  }
}

// One line per step: "  <what> ... " before it runs (flushed, so a terminal shows what is in
// progress), then its result word ("ok", "failed"); the CLI may colour that word.
class StepLines {
 public:
  explicit StepLines(std::ostream& out) : out_(out) {}
  void begin(const std::string& what) {
    out_ << "  " << what << " ... " << std::flush;
    open_ = true;
  }
  void end(const std::string& result) {
    out_ << result << '\n';
    open_ = false;
  }
  // Closes a step an exception interrupted.
  void fail_open() {
    if (open_) end("failed");
  }

 private:
  std::ostream& out_;
  bool open_ = false;
};

std::string indent(const std::string& text) {
  std::string result;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) result += "  | " + line + "\n";
  return result;
}

// What was there before apply, to put back on failure.
struct Backup {
  std::string path;
  std::optional<std::string> content;
  unsigned mode = 0644;
  FileOwner owner;
  bool definition = false;
};

}  // namespace

Outcome apply_plan(Plan& plan, SystemOps& ops, Installer* installer, const DeploySettings& settings,
                   std::ostream& out, std::ostream& err) {
  if (!plan.errors.empty()) {
    for (const auto& error : plan.errors) err << "daemonize: " << error << '\n';
    err << "daemonize: nothing was changed\n";
    return {exit_code::config_error, "refused"};
  }
  if (plan.up_to_date()) {
    out << plan.service << ": up to date\n";
    return {exit_code::success, "up to date"};
  }

  auto& receipt = plan.receipt;
  StepLines steps(out);
  try {
    for (const auto& group : plan.groups_to_create) {
      steps.begin("create system group " + group);
      ops.create_system_group(group);
      receipt.groups_created.push_back(group);
      steps.end("ok");
    }
    for (const auto& user : plan.users_to_create) {
      steps.begin("create system user " + user);
      ops.create_system_user(user, plan.account_group);
      receipt.users_created.push_back(user);
      if (plan.account_group.empty()) receipt.groups_created.push_back(user);  // --user-group
      steps.end("ok");
    }
    if (plan.log_directory_missing) {
      steps.begin("create directory " + plan.log_directory);
      ops.create_directory(plan.log_directory, 0750, plan.log_owner);
      steps.end("ok");
    }
  } catch (const SystemError& error) {
    steps.fail_open();
    err << "daemonize: " << error.what() << '\n';
    return {exit_code_for(error), "failed"};
  }

  std::vector<Backup> backups;
  auto restore_files = [&] {
    for (auto backup = backups.rbegin(); backup != backups.rend(); ++backup) {
      try {
        if (backup->content) {
          ops.write_file_atomic(backup->path, *backup->content, backup->mode, backup->owner);
        } else {
          ops.remove(backup->path, false);
        }
      } catch (const SystemError& error) {
        err << "daemonize: rollback: " << error.what() << '\n';
      }
    }
  };

  try {
    for (const auto& file : plan.files) {
      if (file.status == FileStatus::unchanged) continue;
      backups.push_back({file.desired.path, file.installed, file.desired.mode, file.desired.owner,
                         file.desired.definition});
      steps.begin("write " + file.desired.path + " (" + to_string(file.status) + ")");
      ops.write_file_atomic(file.desired.path, file.desired.content, file.desired.mode,
                            file.desired.owner);
      steps.end("ok");
    }
  } catch (const SystemError& error) {
    steps.fail_open();
    err << "daemonize: " << error.what() << '\n';
    err << "daemonize: restoring the previous files\n";
    restore_files();
    return {exit_code_for(error), "rolled back"};
  }

  std::string failure;
  int failure_code = exit_code::unavailable;
  if (installer && !settings.root_mode) {
    for (const auto& step : plan.manager_steps) {
      steps.begin(step.description);
      const auto result = run_step(ops, step);
      steps.end(result.ok() ? "ok" : "failed");
      if (!result.ok()) {
        failure = step.description + " failed: " + result.output;
        // An API step (Windows SCM) reports access denied as 77, like a file write.
        if (result.exit_status == exit_code::no_permission) failure_code = exit_code::no_permission;
        break;
      }
    }
    if (failure.empty() && settings.start && settings.wait && !plan.manager_steps.empty()) {
      steps.begin("wait until " + installer->service_id() + " is active and ready");
      failure = wait_until_ready(ops, *installer, settings);
      steps.end(failure.empty() ? "ok" : "failed");
    }
    if (!failure.empty()) {
      const auto status = installer->status(ops);
      // The watchdog's own verdicts are more precise than "unavailable".
      if (status.last_exit_status == exit_code::config_error ||
          status.last_exit_status == exit_code::data_error) {
        failure_code = status.last_exit_status;
      }
    }
  }

  if (!failure.empty()) {
    err << "daemonize: deploy of " << plan.service << " failed: " << failure << '\n';
    std::string journal;
    if (installer) {
      journal = installer->recent_log(ops, settings.journal_lines);
      if (!journal.empty())
        err << "daemonize: last log lines of " << plan.service_id << ":\n" << indent(journal);
    }
    // What to do next after a failed start, where the target knows.
    const auto hints =
        installer ? installer->failure_hints(installer->status(ops)) : std::vector<std::string>{};
    err << "daemonize: restoring the previous files\n";
    restore_files();
    if (installer) {
      if (plan.previous) {
        Activation activation;
        activation.definitions_changed = true;
        activation.restart = true;
        for (const auto& step : installer->activation_steps(ops, activation)) {
          const auto result = run_step(ops, step);
          if (!result.ok()) err << "daemonize: rollback: " << result.output << '\n';
        }
        const auto again = wait_until_ready(ops, *installer, settings);
        err << "daemonize: rolled back to the previous version"
            << (again.empty() ? ", which is running again" : ", which is not running: " + again)
            << '\n';
      } else {
        for (const auto& step : installer->deactivation_steps(ops)) (void)run_step(ops, step);
        for (const auto& step : installer->after_removal_steps()) (void)run_step(ops, step);
        err << "daemonize: removed the failed first install\n";
      }
    }
    for (const auto& hint : hints) err << "daemonize: hint: " << hint << '\n';
    return {failure_code, "rolled back"};
  }

  try {
    steps.begin("write receipt " + plan.receipt_path);
    ops.write_file_atomic(plan.receipt_path, receipt_to_json(receipt), 0644, {});
    steps.end("ok");
  } catch (const SystemError& error) {
    steps.fail_open();
    err << "daemonize: " << error.what() << '\n';
    return {exit_code_for(error), "failed"};
  }
  if (installer && !settings.root_mode) {
    const auto status = installer->status(ops);
    out << plan.service << ": deployed; " << installer->service_id() << " " << status.state;
    if (status.main_pid > 0) out << ", main pid " << status.main_pid;
    out << '\n';
  } else {
    out << plan.service << ": installed (no service-manager command run)\n";
  }
  for (const auto& warning : plan.warnings) err << "daemonize: warning: " << warning << '\n';
  return {exit_code::success, "deployed"};
}

Outcome remove_installed(const Receipt& receipt, const std::string& receipt_file, SystemOps& ops,
                         Installer* installer, bool purge, bool dry_run, std::ostream& out,
                         std::ostream& err) {
  std::vector<ManagerStep> before;
  std::vector<ManagerStep> after;
  if (installer) {
    before = installer->deactivation_steps(ops);
    after = installer->after_removal_steps();
  }
  // One line per step with its result; --dry-run: "would <step>" lines only.
  StepLines steps(out);
  auto show = [&](const std::string& line) {
    if (dry_run) {
      out << "would " << line << '\n';
    } else {
      steps.begin(line);
    }
  };
  auto run_manager_step = [&](const ManagerStep& step) {
    show(step.description);
    if (dry_run) return;
    const auto result = run_step(ops, step);
    steps.end(result.ok() ? "ok" : "failed");
    if (!result.ok()) err << "daemonize: warning: " << result.output << '\n';
  };
  int code = exit_code::success;
  for (const auto& step : before) run_manager_step(step);
  auto remove_path = [&](const std::string& path, bool recursive) {
    show("remove " + path);
    if (dry_run) return;
    try {
      steps.end(ops.remove(path, recursive) ? "ok" : "ok (already gone)");
    } catch (const SystemError& error) {
      steps.end("failed");
      err << "daemonize: " << error.what() << '\n';
      code = exit_code_for(error);
    }
  };
  for (const auto& file : receipt.files) remove_path(file.path, false);
  for (const auto& step : after) run_manager_step(step);
  if (purge) {
    if (!receipt.log_directory.empty() && receipt.log_directory_created) {
      remove_path(receipt.log_directory, true);
    }
    if (receipt.scope == Scope::system) remove_path("/run/daemonize/" + receipt.service, true);
    for (const auto& user : receipt.users_created) {
      show("delete user " + user);
      if (dry_run) continue;
      try {
        ops.delete_user(user);
        steps.end("ok");
      } catch (const SystemError& error) {
        steps.end("failed");
        err << "daemonize: " << error.what() << '\n';
      }
    }
    for (const auto& group : receipt.groups_created) {
      if (!ops.find_group(group)) continue;  // userdel removed a user's own group
      show("delete group " + group);
      if (dry_run) continue;
      try {
        ops.delete_group(group);
        steps.end("ok");
      } catch (const SystemError& error) {
        steps.end("failed");
        err << "daemonize: " << error.what() << '\n';
      }
    }
  }
  remove_path(receipt_file, false);
  if (!dry_run && code == exit_code::success) out << receipt.service << ": removed\n";
  return {code, dry_run ? "dry run" : "removed"};
}

namespace {

// Windows: the rendered install-<name>.cmd registers the service or task; the files it expects
// in place are copied first.
std::string windows_install_instructions(const DeployInput& input) {
  const Service& service = *input.service;
  std::ostringstream text;
  text << "# Installing " << service.name << " (" << input.target->name() << ")\n\n"
       << "Rendered by daemonize " << DAEMONIZE_VERSION << " from `" << input.manifest_source
       << "`.\nReview the files in this directory, then run these commands from inside it in "
       << (service.scope == Scope::system ? "an elevated Command Prompt"
                                          : "a Command Prompt of the user the service is for")
       << ". `daemonize deploy " << service.name
       << ".toml` (this directory's copy) on that machine does the same in one step, idempotently, "
          "with a diff, a wait until "
          "the service runs and a rollback on failure.\n\n```bat\n";
  std::set<std::string> made_directories;
  auto copy = [&](const std::string& from, const std::string& to) {
    const auto directory = to.substr(0, to.find_last_of('\\'));
    if (made_directories.insert(directory).second) {
      text << "if not exist \"" << directory << "\" mkdir \"" << directory << "\"\n";
    }
    text << "copy /Y \"" << from << "\" \"" << to << "\"\n";
  };
  copy("daemonize.exe", input.layout.daemonize_path);
  copy(service.name + ".toml", input.layout.manifest_path);
  // The console-less watchdog a task runs, next to daemonize.exe in the bundle's source.
  if (const auto* install = input.target->install_target()) {
    if (const auto companion = install->companion_binary(input.layout.daemonize_path)) {
      copy(companion->file_name, companion->install_path);
    }
  }
  for (const auto& artifact : input.artifacts) {
    if (!artifact.install_path.empty()) copy(artifact.file_name, artifact.install_path);
  }
  for (const auto& artifact : input.artifacts) {
    if (artifact.file_name.ends_with(".cmd")) text << artifact.file_name << "\n";
  }
  text << "```\n\nCheck it:\n\n```bat\n";
  if (const auto* install = input.target->install_target()) {
    for (const auto& line : install->check_commands(service, nullptr, "")) text << line << "\n";
  }
  text << "daemonize status " << service.name << "\n```\n";
  return text.str();
}

}  // namespace

std::string install_instructions(const DeployInput& input) {
  if (input.target->os() == TargetOs::windows) return windows_install_instructions(input);
  const Service& service = *input.service;
  const bool system_scope = service.scope == Scope::system;
  const std::string sudo = system_scope ? "sudo " : "";
  std::ostringstream text;
  text << "# Installing " << service.name << " (" << input.target->name() << ", "
       << to_string(service.scope) << " scope)\n\n"
       << "Rendered by daemonize " << DAEMONIZE_VERSION << " from `" << input.manifest_source
       << "`.\nReview the files in this directory, then run these commands from inside it"
       << (system_scope ? " (as root)" : "") << ". `daemonize deploy " << input.manifest_source
       << "` does the same in one step, idempotently, with a diff, a wait until the service is "
          "ready and a rollback on failure.\n\n```sh\n";
  // GNU install creates the parent directories with -D; BSD install (macOS) has no -D.
  const bool bsd_install = input.target->os() == TargetOs::macos;
  std::set<std::string> made_directories;
  auto install_file = [&](const std::string& mode, const std::string& owner,
                          const std::string& from, const std::string& to) {
    if (bsd_install) {
      const auto directory = to.substr(0, to.find_last_of('/'));
      if (!directory.empty() && made_directories.insert(directory).second) {
        text << sudo << "install -d -m 0755 " << shell_join({directory}) << '\n';
      }
      text << sudo << "install -m " << mode;
    } else {
      text << sudo << "install -D -m " << mode;
    }
    text << owner << ' ' << from << ' ' << shell_join({to}) << '\n';
  };
  install_file("0755", "", "\"$(command -v daemonize)\"", input.layout.daemonize_path);
  std::string group = service.group.empty() ? service.user : service.group;
  if (system_scope && !service.user.empty() && service.create_user) {
    text << "getent passwd " << service.user << " >/dev/null || " << sudo
         << "useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "
         << (service.group.empty() ? "--user-group" : "--gid " + service.group) << ' '
         << service.user << '\n';
  }
  if (service.logs.stdout_stream.kind == LogStream::Kind::file ||
      service.logs.stderr_stream.kind == LogStream::Kind::file) {
    text << sudo << "install -d -m 0750";
    if (system_scope && !service.user.empty()) text << " -o " << service.user << " -g " << group;
    text << ' ' << shell_join({expand_home(service.logs.directory, input.layout.home)}) << '\n';
  }
  const std::string root_owner =
      system_scope ? std::string(" -o root -g ") + root_group(input.target->os()) : "";
  install_file(
      "0640",
      system_scope ? " -o root -g " + (group.empty() ? root_group(input.target->os()) : group) : "",
      shell_join({service.name + ".toml"}), input.layout.manifest_path);
  for (const auto& artifact : input.artifacts) {
    if (artifact.install_path.empty()) continue;
    char mode[8];
    (void)std::snprintf(mode, sizeof mode, "%04o", artifact.mode);
    install_file(mode, root_owner, shell_join({artifact.file_name}),
                 expand_home(artifact.install_path, input.layout.home));
  }
  // The manager commands deploy would run on a fresh host.
  struct FreshHost final : SystemOps {
    std::optional<std::string> read_file(const std::string&) const override { return std::nullopt; }
    bool exists(const std::string&) const override { return false; }
    void write_file_atomic(const std::string&, std::string_view, unsigned,
                           const FileOwner&) override {}
    void create_directory(const std::string&, unsigned, const FileOwner&) override {}
    bool remove(const std::string&, bool) override { return false; }
    CommandResult run(const std::vector<std::string>&) override { return {1, ""}; }
    std::optional<AccountInfo> find_user(const std::string&) const override { return std::nullopt; }
    std::optional<unsigned> find_group(const std::string&) const override { return std::nullopt; }
    void create_system_group(const std::string&) override {}
    void create_system_user(const std::string&, const std::string&) override {}
    void delete_user(const std::string&) override {}
    void delete_group(const std::string&) override {}
  } fresh_host;
  // Built for uid 0: a user-scope command that names the user's id says so (review_command()).
  if (auto installer =
          make_installer(*input.target, install_request(service, input.layout, 0, ""))) {
    Activation activation;
    activation.definitions_changed = true;
    std::vector<std::string> lines;
    for (const auto& step : installer->activation_steps(fresh_host, activation)) {
      for (const auto& argv : step.argvs) lines.push_back(installer->review_command(argv, sudo));
    }
    for (const auto& line : installer->review_activation(std::move(lines), sudo)) {
      text << line << '\n';
    }
    text << "```\n\nCheck it:\n\n```sh\n";
    for (const auto& line :
         input.target->install_target()->check_commands(service, installer.get(), sudo)) {
      text << line << '\n';
    }
    text << "daemonize status " << service.name << "\n```\n";
  } else {
    text << "```\n\nRegister it with the service manager as described in docs/targets/"
         << input.target->name() << ".md.\n";
  }
  return text.str();
}

Outcome write_review_bundle(const DeployInput& input, const std::string& directory, SystemOps& ops,
                            std::ostream& out, std::ostream& err) {
  try {
    auto write = [&](const std::string& name, const std::string& content, unsigned mode) {
      // `--output-dir review/` names review/x, not review//x.
      const auto path = directory + (directory.ends_with('/') ? "" : "/") + name;
      ops.write_file_atomic(path, content, mode, {});
      out << "wrote " << path << '\n';
    };
    for (const auto& artifact : input.artifacts) {
      write(artifact.file_name, artifact.content, artifact.mode);
    }
    write(input.service->name + ".toml", input.manifest_text, 0640);
    write("INSTALL.md", install_instructions(input), 0644);
  } catch (const SystemError& error) {
    err << "daemonize: " << error.what() << '\n';
    return {exit_code_for(error), "failed"};
  }
  return {exit_code::success, "written"};
}

bool print_manager_status(const Receipt& receipt, SystemOps& ops, Installer& installer,
                          std::ostream& out, std::string* json) {
  const auto status = installer.status(ops);
  out << "  manager:    " << receipt.target << " " << installer.service_id() << ": "
      << status.state;
  if (status.main_pid > 0) out << ", main pid " << status.main_pid;
  out << ", " << (status.enabled ? "enabled" : "not enabled") << ", " << status.restarts
      << " restarts by the manager";
  if (status.last_exit_status != 0) out << ", last exit status " << status.last_exit_status;
  out << '\n';
  out << "  installed:  " << receipt.deployed_at << " by daemonize " << receipt.daemonize_version
      << " from " << receipt.manifest_source << '\n';
  if (json) {
    *json =
        boost::json::serialize(boost::json::object{{"target", receipt.target},
                                                   {"id", installer.service_id()},
                                                   {"known", status.known},
                                                   {"active", status.active},
                                                   {"failed", status.failed},
                                                   {"enabled", status.enabled},
                                                   {"state", status.state},
                                                   {"main_pid", status.main_pid},
                                                   {"restarts", status.restarts},
                                                   {"last_exit_status", status.last_exit_status},
                                                   {"installed_version", receipt.daemonize_version},
                                                   {"deployed_at", receipt.deployed_at}});
  }
  return status.active;
}

}  // namespace daemonize::deploy
