// cron: no service manager. Activation merges the rendered block into the invoking user's
// crontab (`crontab -l`, then `crontab -` through sh, refusing when the crontab changed since it
// was read) and starts the detached watchdog the way cron would; status asks the pidfile lock
// (`flock -n`), never the pid in the file.
#include <boost/json.hpp>
#include <sstream>

#include "daemonize/core/unified_diff.hpp"
#include "daemonize/cron/backend.hpp"
#include "daemonize/cron/install.hpp"

namespace daemonize::cron {
namespace {

using Argv = std::vector<std::string>;

// Installs $1 as the crontab when it still is $2 (what deploy read): a concurrent `crontab -e`
// is never overwritten. `$(...; echo .)` keeps trailing newlines for the comparison.
constexpr const char* kInstallScript =
    "current=$(crontab -l 2>/dev/null; echo .); current=${current%.}; "
    "if [ \"$current\" != \"$2\" ]; then "
    "echo 'the crontab changed since deploy read it; nothing was written, run the command again' "
    ">&2; exit 1; fi; "
    "if [ -z \"$1\" ]; then crontab -r; else printf '%s' \"$1\" | crontab -; fi";

class CronInstaller final : public Installer {
 public:
  explicit CronInstaller(InstallerSpec spec) : spec_(std::move(spec)) {
    const bool root = spec_.uid == 0 || spec_.scope == Scope::system;
    const std::string base = root ? "/var/lib/daemonize/" : spec_.home + "/.local/state/daemonize/";
    pidfile_ = base + spec_.name + ".pid";
    log_file_ = (root ? "/var/log/daemonize/" : base) + spec_.name + ".log";
    const std::string state_directory = root ? "/run/daemonize/" + spec_.name : base + spec_.name;
    state_file_ = state_directory + "/state.json";
    final_marker_ = state_directory + "/final.json";  // watchdog/final_marker.hpp
    if (spec_.daemonize_path.empty()) spec_.daemonize_path = "daemonize";
  }

  [[nodiscard]] std::string_view target() const override { return "cron"; }
  [[nodiscard]] std::string service_id() const override { return "cron:" + spec_.name; }

  std::vector<ManagerStep> activation_steps(SystemOps& ops, const Activation& activation) override {
    std::vector<ManagerStep> steps;
    const auto crontab = read_crontab(ops);
    if (!crontab.error.empty()) {
      steps.push_back(failing_step("read the crontab", crontab.error));
      return steps;
    }
    const auto merged = merge_block(crontab.text, spec_.name, block());
    if (merged != crontab.text) {
      const bool present = has_block(crontab.text);
      steps.push_back({std::string(present ? "update" : "add") + " the crontab block of " +
                           spec_.name + " (" + owner() + ")",
                       {install_argv(merged, crontab.text)}});
    }
    // A scheduled job runs when cron says, not at deploy.
    if (!activation.start || spec_.schedule) return steps;
    const auto current = status(ops);
    if (!current.active) {
      steps.push_back({"start the detached watchdog of " + spec_.name, start_argvs()});
    } else if (activation.restart) {
      steps.push_back({"restart the detached watchdog of " + spec_.name + " (pid " +
                           std::to_string(current.main_pid) + ")",
                       with_stop_first(start_argvs())});
    }
    return steps;
  }

  std::string managed_definition_diff(SystemOps& ops) override {
    const auto crontab = read_crontab(ops);
    if (!crontab.error.empty()) return "";
    const auto merged = merge_block(crontab.text, spec_.name, block());
    return unified_diff(crontab.text, merged, "crontab of " + owner() + " (installed)",
                        "crontab of " + owner() + " (after deploy)");
  }

  std::vector<ManagerStep> deactivation_steps(SystemOps& ops) override {
    std::vector<ManagerStep> steps;
    // The block first: cron must not start the watchdog again while it stops.
    const auto crontab = read_crontab(ops);
    if (!crontab.error.empty()) {
      steps.push_back(failing_step("read the crontab", crontab.error));
    } else if (has_block(crontab.text)) {
      steps.push_back({"remove the crontab block of " + spec_.name + " (" + owner() + ")",
                       {install_argv(merge_block(crontab.text, spec_.name, ""), crontab.text)}});
    }
    if (status(ops).active) {
      steps.push_back({"stop the detached watchdog of " + spec_.name, {stop_argv()}});
    }
    return steps;
  }

  std::vector<ManagerStep> after_removal_steps() override { return {}; }

  ManagerStep control_step(SystemOps& ops, ControlAction action) override {
    const std::string verb = to_string(action);
    const std::string description = verb + " " + service_id();
    // `daemonize stop|reload NAME` finds the live watchdog through its pidfile; asking it only
    // when the lock is held means it never comes back here.
    const bool alive = status(ops).active;
    switch (action) {
      case ControlAction::start:
        return {description, start_argvs()};
      case ControlAction::stop:
        if (!alive) return {description + " (not running)", {}};
        return {description, {stop_argv()}};
      case ControlAction::restart:
        if (!alive) return {description, start_argvs()};
        return {description, with_stop_first(start_argvs())};
      case ControlAction::reload:
        if (!alive) return failing_step(description, spec_.name + " is not running");
        return {description, {with_cron_environment({spec_.daemonize_path, "reload", spec_.name})}};
    }
    return {description, {}};
  }

  ServiceStatus status(SystemOps& ops) override {
    ServiceStatus result;
    const auto crontab = read_crontab(ops);
    result.enabled = crontab.error.empty() && has_block(crontab.text);
    if (spec_.schedule) {
      // A job is "up" while its line is in the crontab; its runs come and go.
      result.known = result.enabled;
      result.active = result.enabled;
      result.state = result.enabled ? "scheduled (in the crontab of " + owner() + ")"
                                    : "not scheduled (no crontab block)";
      return result;
    }
    const bool pidfile_exists = ops.exists(pidfile_);
    result.known = result.enabled || pidfile_exists;
    if (!pidfile_exists) {
      result.state = "not running (no pidfile " + pidfile_ + ")";
      return result;
    }
    // Exit 1: the watchdog holds its exclusive lock. A shared probe is released at once.
    const auto probe = ops.run({"flock", "--nonblock", "--shared", pidfile_, "true"});
    result.raw = probe.output;
    if (probe.exit_status == 1) {
      result.active = true;
      result.main_pid = pid_in(ops.read_file(pidfile_).value_or(""));
      result.state = "running (detached watchdog pid " + std::to_string(result.main_pid) + ")";
    } else if (probe.ok()) {
      result.failed = true;  // a pidfile nobody holds: the watchdog ended
      result.state = "not running (stale pidfile " + pidfile_ + ")";
      result.last_exit_status = last_exit_status(ops);
    } else {
      result.state =
          "unknown (flock exited " + std::to_string(probe.exit_status) + ": " + probe.output + ")";
    }
    return result;
  }

  std::string recent_log(SystemOps& ops, int lines) override {
    std::optional<std::string> text;
    try {
      text = ops.read_file(log_file_);
    } catch (const SystemError&) {
      return "";
    }
    if (!text) return "";
    std::size_t start = text->size();
    for (int count = 0; start > 0 && count <= lines; --start) {
      if ((*text)[start - 1] == '\n' && ++count > lines) break;
    }
    return text->substr(start);
  }

  // By hand, the merge deploy does: drop an older block of this service from the crontab,
  // append the bundle's, then start the watchdog as the every-minute line would.
  [[nodiscard]] std::vector<std::string> review_activation(std::vector<std::string> /*lines*/,
                                                           const std::string& sudo) const override {
    std::string name_pattern;  // a basic regular expression matching the name literally
    for (const char c : spec_.name) {
      if (c == '.' || c == '[' || c == '*' || c == '^' || c == '$' || c == '\\') {
        name_pattern += '\\';
      }
      name_pattern += c;
    }
    const std::string block_lines =
        "/^# BEGIN daemonize " + name_pattern + " /,/^# END daemonize " + name_pattern + "$/d";
    return {"# replace the block of " + spec_.name + " in the crontab (" +
                (sudo.empty() ? "yours" : "root's") + ") with " + spec_.name + ".crontab:",
            "(" + sudo + "crontab -l 2>/dev/null | sed " + shell_join({block_lines}) + "; cat " +
                shell_join({spec_.name + ".crontab"}) + ") | " + sudo + "crontab -",
            "# start it now (cron starts it at the next minute and at boot):",
            sudo + shell_join({spec_.daemonize_path, "run", spec_.manifest_path, "--detach"})};
  }

  std::vector<std::string> host_warnings(SystemOps& ops) override {
    // Debian's cron and cronie write /run/crond.pid.
    if (ops.exists("/run/crond.pid")) return {};
    return {
        "no cron daemon seems to run (/run/crond.pid is missing): the @reboot and "
        "every-minute lines of " +
        spec_.name + " run only while cron runs"};
  }

 private:
  struct Crontab {
    std::string text;
    std::string error;  // "" when read (or when there is none yet)
  };

  static Crontab read_crontab(SystemOps& ops) {
    const auto listed = ops.run({"crontab", "-l"});
    if (listed.ok()) return {listed.output, ""};
    // Every cron says "no crontab for <user>" (exit 1) before the first install.
    if (listed.output.find("no crontab for") != std::string::npos) return {"", ""};
    return {"", "crontab -l exited " + std::to_string(listed.exit_status) + ": " + listed.output};
  }

  [[nodiscard]] bool has_block(const std::string& crontab) const {
    return merge_block(crontab, spec_.name, "") != crontab;
  }

  [[nodiscard]] std::string block() const {
    Service service;
    service.name = spec_.name;
    service.scope = spec_.scope;
    service.schedule = spec_.schedule;
    RenderOptions options;
    options.daemonize_path = spec_.daemonize_path;
    options.installed_manifest_path = spec_.manifest_path;
    const auto rendered = render_cron_block(service, options);
    return rendered.artifacts.empty() ? "" : rendered.artifacts.front().content;
  }

  [[nodiscard]] std::string owner() const {
    return spec_.user_name.empty() ? "the crontab" : spec_.user_name + "'s crontab";
  }

  static Argv install_argv(const std::string& merged, const std::string& read) {
    return {"sh", "-c", kInstallScript, "sh", merged, read};
  }

  static ManagerStep failing_step(const std::string& description, const std::string& message) {
    return {description, {{"sh", "-c", "printf '%s\\n' \"$1\" >&2; exit 1", "sh", message}}};
  }

  // The environment cron gives its jobs, so that deploy starts the watchdog exactly as the
  // crontab lines would (same pidfile, same state directory, same environment for the child).
  [[nodiscard]] Argv with_cron_environment(Argv command) const {
    Argv argv{"env", "-i", "HOME=" + spec_.home, "PATH=/usr/bin:/bin", "SHELL=/bin/sh"};
    if (!spec_.user_name.empty()) argv.push_back("LOGNAME=" + spec_.user_name);
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
  }
  [[nodiscard]] Argv start_argv() const {
    return with_cron_environment({spec_.daemonize_path, "run", spec_.manifest_path, "--detach"});
  }
  // A start is a start: it clears the final state a stop or a give-up left (without it, `run
  // --detach` would not start), as `systemctl start` starts a failed unit.
  [[nodiscard]] std::vector<Argv> start_argvs() const {
    return {{"rm", "-f", final_marker_}, start_argv()};
  }
  [[nodiscard]] std::vector<Argv> with_stop_first(std::vector<Argv> argvs) const {
    argvs.insert(argvs.begin(), stop_argv());
    return argvs;
  }
  [[nodiscard]] Argv stop_argv() const {
    return with_cron_environment({spec_.daemonize_path, "stop", spec_.name});
  }

  static int pid_in(const std::string& text) {
    try {
      return text.empty() ? 0 : std::stoi(text);
    } catch (const std::exception&) {
      return 0;
    }
  }

  // The watchdog's verdict in its state file (78: configuration, 65: manifest), 0 when none.
  int last_exit_status(SystemOps& ops) const {
    try {
      const auto text = ops.read_file(state_file_);
      if (!text) return 0;
      boost::system::error_code ec;
      const auto value = boost::json::parse(*text, ec);
      if (ec || !value.is_object()) return 0;
      const auto* code = value.as_object().if_contains("exit_code");
      return code && code->is_int64() ? static_cast<int>(code->as_int64()) : 0;
    } catch (const SystemError&) {
      return 0;
    }
  }

  InstallerSpec spec_;
  std::string pidfile_;
  std::string log_file_;
  std::string state_file_;
  std::string final_marker_;
};

}  // namespace

std::unique_ptr<Installer> make_installer(const InstallerSpec& spec) {
  return std::make_unique<CronInstaller>(spec);
}

}  // namespace daemonize::cron
