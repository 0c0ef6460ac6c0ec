// Service -> launchd.plist(5). The mapping table lives in docs/targets/launchd.md; keep both
// in step.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "daemonize/core/installer.hpp"  // posix_install_paths(): what deploy installs
#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/paths.hpp"
#include "daemonize/core/schedule.hpp"
#include "daemonize/core/units.hpp"
#include "daemonize/launchd/backend.hpp"
#include "daemonize/launchd/plist.hpp"

namespace daemonize::launchd {
namespace {

// More StartCalendarInterval dictionaries than this are refused (a cron expression whose
// fields multiply out, like "*/5 */2 * * *", becomes one dictionary per time).
constexpr std::size_t kMostCalendarIntervals = 256;

constexpr std::int64_t milliseconds_per_second = 1000;
// In daemonize mode launchd's SIGTERM reaches the watchdog, which gives the child stop.timeout
// and then kills the process tree; launchd must wait a little longer than that.
constexpr std::int64_t watchdog_stop_margin_seconds = 5;
// What launchd captures from the watchdog itself in daemonize mode (its own diagnostics and the
// streams the manifest sets to "inherit"); launchd would otherwise send them to /dev/null.
constexpr const char* watchdog_log_file_name = "watchdog.log";

std::int64_t whole_seconds_rounded_up(Duration duration) {
  const std::int64_t milliseconds = duration.count();
  if (milliseconds <= 0) return 0;
  return (milliseconds + milliseconds_per_second - 1) / milliseconds_per_second;
}

bool is_whole_seconds(Duration duration) { return duration.count() % milliseconds_per_second == 0; }

bool is_valid_label(const std::string& label) {
  if (label.empty() || label.size() > 255) return false;
  const auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  };
  if (label.front() == '.' || label.front() == '-') return false;
  return std::all_of(label.begin(), label.end(), allowed);
}

// Collects diagnostics and checks every string before it enters the plist.

// service.documentation as a comment before <plist>: a plist has no key for it. "--" may not
// appear in an XML comment; "-%2D" is the same URL.
std::string documentation_comment(const std::vector<std::string>& urls) {
  if (urls.empty()) return "";
  std::string text = "<!-- Documentation:";
  for (const auto& url : urls) {
    std::string safe;
    for (char c : url)
      safe += (c == '-' && !safe.empty() && safe.back() == '-') ? "%2D" : std::string(1, c);
    text += " " + safe;
  }
  return text + " -->\n";
}

class PlistRenderer {
 public:
  PlistRenderer(const Service& service, const RenderOptions& options)
      : service_(service), options_(options) {}

  RenderResult render() {
    const bool native = service_.supervisor == SupervisorMode::native;
    PlistValue job = PlistValue::dictionary();

    const std::string label = job_label(service_);
    if (!is_valid_label(label)) {
      error("launchd.label",
            "launchd: label \"" + printable(label) +
                "\" must start with a letter or digit and hold only letters, digits, '.', '-' "
                "and '_' (it names the job and the file <label>.plist)");
    } else {
      job.set("Label", PlistValue::string(label));
    }

    if (native) {
      add_native_program(job);
    } else {
      add_watchdog_program(job);
    }
    if (service_.schedule) {
      add_schedule(job);
    } else {
      job.set("RunAtLoad", PlistValue::boolean(true));
      add_keep_alive(job, native);
    }
    add_throttle_interval(job, native);
    add_exit_timeout(job, native);
    add_process_type(job);
    add_account(job, native);
    if (service_.umask) {
      job.set("Umask", PlistValue::integer(static_cast<std::int64_t>(*service_.umask)));
    }
    add_resource_limits(job);
    add_log_paths(job, native);
    add_hooks_and_kill_scope(job, native);
    warn_unexpressible(native);
    check_service_type(native);

    RenderResult result;
    result.diagnostics = std::move(diagnostics_);
    if (!has_errors(result.diagnostics)) {
      Artifact artifact;
      artifact.file_name = label + ".plist";
      artifact.install_path = plist_install_path(service_);
      artifact.content = write_xml_plist(job);
      if (auto comment = documentation_comment(service_.documentation); !comment.empty()) {
        artifact.content.insert(artifact.content.find("<plist version="), comment);
      }
      artifact.mode = 0644;
      result.artifacts.push_back(std::move(artifact));
    }
    return result;
  }

 private:
  void warn(std::string key, std::string message) {
    diagnostics_.push_back(
        Diagnostic{Severity::warning, "", 0, 0, std::move(key), std::move(message)});
  }
  // A native-mode loss of a key the manifest may not even write (its default applies): point at
  // `supervisor = "native"`, the choice that causes it, unless the key itself is in the file.
  void warn_native(std::string key, std::string message) {
    warn_or_point_at(std::move(key), std::move(message), "service.supervisor");
  }
  // A warning about `key`, positioned at `fallback_key` when `key` is not written in the file.
  void warn_or_point_at(std::string key, std::string message, const std::string& fallback_key) {
    Diagnostic diagnostic{Severity::warning, "", 0, 0, std::move(key), std::move(message)};
    if (service_.positions.find(diagnostic.key) == service_.positions.end()) {
      const auto position = service_.position_of(fallback_key);
      diagnostic.line = position.line;
      diagnostic.column = position.column;
    }
    diagnostics_.push_back(std::move(diagnostic));
  }
  static std::string format_number(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
  }
  void error(std::string key, std::string message) {
    diagnostics_.push_back(
        Diagnostic{Severity::error, "", 0, 0, std::move(key), std::move(message)});
  }

  // [service] type on macOS: no subreaper (an orphaned daemon goes to launchd, which cannot hand
  // it over) and no NOTIFY_SOCKET, in either mode. A oneshot works: its success ends the job.
  void check_service_type(bool native) {
    switch (service_.type) {
      case ServiceType::simple:
        return;
      case ServiceType::forking:
        error("service.type",
              std::string("launchd: type = \"forking\" is not supported: ") +
                  (native ? "launchd cannot adopt a daemon that forks away from its launcher"
                          : "macOS has no subreaper, so the watchdog cannot adopt the daemon") +
                  "; run the program in the foreground (type = \"simple\")");
        return;
      case ServiceType::notify:
        error("service.type",
              "launchd: type = \"notify\" is not supported: macOS has no sd_notify; use "
              "type = \"simple\" (with [health] for readiness under the watchdog)");
        return;
      case ServiceType::oneshot:
        if (native && service_.remain_after_exit) {
          warn("service.remain_after_exit",
               "launchd: remain_after_exit is not expressible with supervisor = \"native\" "
               "(launchctl shows the finished job as not running); use supervisor = "
               "\"daemonize\"");
        }
        return;
    }
  }

  // `text` with characters that would garble a one-line message replaced.
  static std::string printable(const std::string& text) {
    std::string result;
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      result += (byte < 0x20 || byte == 0x7F) ? '?' : c;
    }
    return result;
  }

  // The value as a plist string, or nullopt after an error naming `key` when XML cannot hold it.
  // `what` names the value in the message when it does not come from a manifest key.
  std::optional<std::string> xml_string(const std::string& key, std::string value,
                                        const std::string& what = "") {
    if (const auto problem = find_xml_text_problem(value)) {
      error(key, "launchd: " + (what.empty() ? "the value of " + key : what) +
                     " cannot be written to a plist: " + problem->description + " (at byte " +
                     std::to_string(problem->byte_offset) +
                     " of the value; XML 1.0 cannot represent it)");
      return std::nullopt;
    }
    return value;
  }

  // Native mode: the literal text (`$$` -> `$`); `${...}` is an error since launchd neither
  // expands variables nor reads env files.
  std::optional<std::string> native_literal(const std::string& key, const std::string& raw) {
    auto parsed = parse_template(raw);
    if (const auto* syntax = std::get_if<TemplateError>(&parsed)) {
      error(key, "launchd: " + syntax->message + " (at byte " + std::to_string(syntax->offset) +
                     " of the value)");
      return std::nullopt;
    }
    const auto& parsed_template = std::get<Template>(parsed);
    if (parsed_template.has_references()) {
      std::string names;
      for (const auto& segment : parsed_template.segments) {
        if (const auto* reference = std::get_if<VariableReference>(&segment)) {
          if (!names.empty()) names += ", ";
          names += "${" + reference->name + "}";
        }
      }
      error(key, "launchd: " + names + " in " + key +
                     " cannot be used with supervisor = \"native\": launchd neither expands "
                     "variables nor reads env files (use supervisor = \"daemonize\", or write the "
                     "literal value; `$$` is a literal '$')");
      return std::nullopt;
    }
    return xml_string(key, parsed_template.literal());
  }

  void warn_if_tilde(const std::string& key, const std::string& value, const char* plist_key) {
    if (!value.empty() && value.front() == '~') {
      warn_or_point_at(key,
                       std::string("launchd: ") + plist_key + " \"" + printable(value) +
                           "\" starts with '~', which launchd does not expand; `daemonize "
                           "deploy` must install it with the absolute home directory (do not "
                           "copy this output as is)",
                       "service.scope");
    }
  }

  void add_watchdog_program(PlistValue& job) {
    // Without --daemonize-path: where `deploy` installs the binary (a user agent's in the
    // user's home), so the review output and what deploy writes agree.
    const bool default_path = options_.daemonize_path.empty();
    const std::string daemonize_path =
        default_path ? posix_install_paths(service_, "").daemonize_path : options_.daemonize_path;
    const std::string manifest_path = options_.installed_manifest_path.empty()
                                          ? default_installed_manifest_path(service_)
                                          : options_.installed_manifest_path;
    if (default_path) {
      warn_if_tilde("service.scope", daemonize_path, "the watchdog path");
    } else if (daemonize_path.front() != '/') {
      error("", "launchd: --daemonize-path \"" + printable(daemonize_path) +
                    "\" must be absolute (launchd does not search PATH for daemons)");
      return;
    }
    warn_if_tilde("service.scope", manifest_path, "the installed manifest path");
    auto daemonize_arg = xml_string("", daemonize_path, "--daemonize-path");
    auto manifest_arg = xml_string("", manifest_path, "the installed manifest path");
    if (!daemonize_arg || !manifest_arg) return;
    job.set("ProgramArguments", PlistValue::array({PlistValue::string(std::move(*daemonize_arg)),
                                                   PlistValue::string("run"),
                                                   PlistValue::string(std::move(*manifest_arg))}));
  }

  void add_native_program(PlistValue& job) {
    PlistValue arguments = PlistValue::array();
    bool complete = true;
    if (auto command = native_literal("service.command", service_.command)) {
      if (command->empty() || command->front() != '/') {
        error("service.command", "launchd: command \"" + printable(*command) +
                                     "\" must be an absolute path with supervisor = \"native\"");
        complete = false;
      } else {
        arguments.append(PlistValue::string(std::move(*command)));
      }
    } else {
      complete = false;
    }
    for (std::size_t i = 0; i < service_.args.size(); ++i) {
      if (split_reference(service_.args[i])) {
        error("service.args[" + std::to_string(i) + "]",
              "launchd: '" + service_.args[i] +
                  "' cannot be used with supervisor = \"native\": launchd neither expands "
                  "variables nor splits them into arguments (use supervisor = \"daemonize\")");
        complete = false;
        continue;
      }
      auto argument = native_literal("service.args[" + std::to_string(i) + "]", service_.args[i]);
      if (!argument) {
        complete = false;
        continue;
      }
      arguments.append(PlistValue::string(std::move(*argument)));
    }
    if (complete) job.set("ProgramArguments", std::move(arguments));

    if (!service_.working_directory.empty()) {
      if (auto directory =
              native_literal("service.working_directory", service_.working_directory)) {
        warn_if_tilde("service.working_directory", *directory, "WorkingDirectory");
        job.set("WorkingDirectory", PlistValue::string(std::move(*directory)));
      }
    }

    if (!service_.env_files.empty()) {
      error("service.env_files",
            "launchd: env_files cannot be used with supervisor = \"native\": launchd does not "
            "read environment files (use supervisor = \"daemonize\", or move the variables into "
            "[env])");
    }

    PlistValue environment = PlistValue::dictionary();
    for (const auto& [name, raw_value] : service_.env) {
      const std::string key = "env." + name;
      if (name.empty() || name.find('=') != std::string::npos) {
        error(key, "launchd: environment variable name \"" + printable(name) +
                       "\" must be non-empty and must not contain '='");
        continue;
      }
      auto checked_name = xml_string(key, name);
      auto value = native_literal(key, raw_value);
      if (checked_name && value)
        environment.set(std::move(*checked_name), PlistValue::string(std::move(*value)));
    }
    if (!environment.keys().empty()) job.set("EnvironmentVariables", std::move(environment));
  }

  // [schedule]: launchd starts the job on the calendar or at the interval; it never starts a
  // job that is still running, and nothing keeps it alive.
  void add_schedule(PlistValue& job) {
    const auto& schedule = *service_.schedule;
    if (!schedule.cron.empty()) {
      const auto parsed = parse_cron(schedule.cron);
      if (const auto* expression = std::get_if<CronExpression>(&parsed)) {
        const auto intervals = launchd_calendar_intervals(*expression, kMostCalendarIntervals);
        if (!intervals) {
          error("schedule.cron", "launchd: cron = \"" + schedule.cron + "\" takes more than " +
                                     std::to_string(kMostCalendarIntervals) +
                                     " StartCalendarInterval entries; use fewer combinations");
          return;
        }
        std::vector<PlistValue> entries;
        for (const auto& interval : *intervals) {
          PlistValue entry = PlistValue::dictionary();
          for (const auto& [key, value] : interval) entry.set(key, PlistValue::integer(value));
          entries.push_back(std::move(entry));
        }
        job.set("StartCalendarInterval",
                entries.size() == 1 ? std::move(entries.front()) : PlistValue::array(entries));
      }
      if (schedule.persistent) {
        warn("schedule.persistent",
             "launchd: 'schedule.persistent' holds only for sleep: launchd runs a calendar job "
             "missed while the Mac slept at wake, not one missed while it was off");
      }
    } else {
      const auto seconds = std::chrono::ceil<std::chrono::seconds>(schedule.every).count();
      if (schedule.every % std::chrono::seconds(1) != Duration(0)) {
        warn("schedule.every", "launchd: StartInterval counts whole seconds; every " +
                                   format_duration(schedule.every) + " runs every " +
                                   std::to_string(seconds) + "s");
      }
      job.set("StartInterval", PlistValue::integer(seconds));
    }
    if (schedule.randomized_delay.count() > 0) {
      warn("schedule.randomized_delay",
           "launchd: 'schedule.randomized_delay' is not expressible (launchd starts a job on "
           "time)");
    }
    if (schedule.overlap != ScheduleOverlap::skip) {
      warn("schedule.overlap", std::string("launchd: overlap = \"") + to_string(schedule.overlap) +
                                   "\" is not expressible: launchd does not start a job that is "
                                   "still running, so that run is skipped (overlap = \"skip\")");
    }
  }

  void add_keep_alive(PlistValue& job, bool native) {
    if (!native) {
      // Restart the watchdog only if it crashes: its exit 75 (gave up) is final.
      job.set("KeepAlive", PlistValue::dictionary().set("Crashed", PlistValue::boolean(true)));
      return;
    }
    switch (service_.restart.policy) {
      case RestartPolicy::always:
        job.set("KeepAlive", PlistValue::boolean(true));
        break;
      case RestartPolicy::on_failure:
        job.set("KeepAlive",
                PlistValue::dictionary().set("SuccessfulExit", PlistValue::boolean(false)));
        break;
      case RestartPolicy::never:
        job.set("KeepAlive", PlistValue::boolean(false));
        break;
    }
  }

  void add_throttle_interval(PlistValue& job, bool native) {
    const Duration delay = service_.restart.delay;
    const std::int64_t seconds = std::max<std::int64_t>(1, whole_seconds_rounded_up(delay));
    job.set("ThrottleInterval", PlistValue::integer(seconds));
    if (native && service_.restart.policy != RestartPolicy::never &&
        (!is_whole_seconds(delay) || delay.count() == 0)) {
      warn("restart.delay", "launchd: ThrottleInterval counts whole seconds; restart.delay " +
                                format_duration(delay) + " becomes " + std::to_string(seconds) +
                                " s");
    }
  }

  void add_exit_timeout(PlistValue& job, bool native) {
    const Duration timeout = service_.stop.timeout;
    // "infinity": launchd reads ExitTimeOut 0 as "never SIGKILL" (nor does the watchdog).
    if (is_infinite(timeout)) {
      job.set("ExitTimeOut", PlistValue::integer(0));
      return;
    }
    if (!native) {
      job.set("ExitTimeOut", PlistValue::integer(whole_seconds_rounded_up(timeout) +
                                                 watchdog_stop_margin_seconds));
      return;
    }
    // ExitTimeOut 0 would mean "wait forever" to launchd, the opposite of a zero grace period.
    const std::int64_t seconds = std::max<std::int64_t>(1, whole_seconds_rounded_up(timeout));
    job.set("ExitTimeOut", PlistValue::integer(seconds));
    if (!is_whole_seconds(timeout) || timeout.count() == 0) {
      warn("stop.timeout",
           "launchd: ExitTimeOut counts whole seconds (0 would mean wait "
           "forever); stop.timeout " +
               format_duration(timeout) + " becomes " + std::to_string(seconds) + " s");
    }
  }

  void add_process_type(PlistValue& job) {
    const std::string& type = service_.launchd.process_type;
    if (type.empty()) return;
    static constexpr const char* known[] = {"Background", "Standard", "Adaptive", "Interactive"};
    if (std::find(std::begin(known), std::end(known), type) == std::end(known)) {
      error("launchd.process_type", "launchd: process_type \"" + printable(type) +
                                        "\" must be one of Background, Standard, Adaptive, "
                                        "Interactive");
      return;
    }
    job.set("ProcessType", PlistValue::string(type));
  }

  void add_account(PlistValue& job, bool native) {
    if (service_.scope == Scope::user) {
      // An agent runs as the user who loaded it; launchd ignores UserName/GroupName there.
      if (!service_.user.empty()) {
        warn("service.user",
             "launchd: user is ignored for scope = \"user\" (a LaunchAgent runs "
             "as the logged-in user who loads it); UserName is not written");
      }
      if (!service_.group.empty()) {
        warn("service.group",
             "launchd: group is ignored for scope = \"user\" (a LaunchAgent "
             "runs as the logged-in user who loads it); GroupName is not written");
      }
      return;
    }
    // d mode: launchd starts the watchdog as root, which reads env files (root-only ones too)
    // and starts the program as user/group itself, as under cron's root crontab.
    if (!native) return;
    if (!service_.user.empty()) {
      if (auto user = xml_string("service.user", service_.user)) {
        job.set("UserName", PlistValue::string(std::move(*user)));
      }
    }
    if (!service_.group.empty()) {
      if (auto group = xml_string("service.group", service_.group)) {
        job.set("GroupName", PlistValue::string(std::move(*group)));
      }
    }
  }

  void add_resource_limits(PlistValue& job) {
    PlistValue limits = PlistValue::dictionary();
    const auto add_limit = [&](const char* manifest_key, const char* plist_key,
                               const std::optional<std::uint64_t>& value) {
      if (!value) return;
      if (*value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        error(manifest_key,
              std::string("launchd: ") + manifest_key + " is larger than a plist integer can hold");
        return;
      }
      limits.set(plist_key, PlistValue::integer(static_cast<std::int64_t>(*value)));
    };
    add_limit("limits.nofile", "NumberOfFiles", service_.limits.nofile);
    add_limit("limits.nproc", "NumberOfProcesses", service_.limits.nproc);
    if (limits.keys().empty()) return;
    // Soft = hard: the manifest states one limit, as setrlimit in the watchdog does.
    job.set("SoftResourceLimits", limits);
    job.set("HardResourceLimits", std::move(limits));
  }

  // Native mode: the child's streams. Daemonize mode: what launchd captures from the watchdog.
  void add_log_paths(PlistValue& job, bool native) {
    const std::string& directory = service_.logs.directory;
    if (!native) {
      if (directory.empty()) return;
      auto path = xml_string("logs.directory", join_path(directory, watchdog_log_file_name));
      if (!path) return;
      warn_if_tilde("logs.directory", *path, "StandardOutPath");
      job.set("StandardOutPath", PlistValue::string(*path));
      job.set("StandardErrorPath", PlistValue::string(std::move(*path)));
      return;
    }
    const auto add_stream = [&](const LogStream& stream, const char* manifest_key,
                                const char* plist_key) {
      switch (stream.kind) {
        case LogStream::Kind::null:
          job.set(plist_key, PlistValue::string("/dev/null"));
          return;
        case LogStream::Kind::inherit:
          warn(manifest_key, std::string("launchd: \"inherit\" has nowhere to go on launchd, "
                                         "which sends a job's output to /dev/null unless ") +
                                 plist_key + " is set; " + manifest_key + " is discarded");
          return;
        case LogStream::Kind::file: {
          auto path = xml_string("logs.directory", join_path(directory, stream.file_name));
          if (!path) return;
          warn_if_tilde("logs.directory", *path, plist_key);
          job.set(plist_key, PlistValue::string(std::move(*path)));
          return;
        }
      }
    };
    add_stream(service_.logs.stdout_stream, "logs.stdout", "StandardOutPath");
    add_stream(service_.logs.stderr_stream, "logs.stderr", "StandardErrorPath");
  }

  // launchd runs one program and has no hooks: in native mode [hooks] and [reload] command are
  // errors (the watchdog runs them with supervisor = "daemonize"). stop.kill = "main" is
  // AbandonProcessGroup: launchd then leaves the job's process group alone at its end.
  void add_hooks_and_kill_scope(PlistValue& job, bool native) {
    if (service_.stop.kill == KillScope::main)
      job.set("AbandonProcessGroup", PlistValue::boolean(true));
    if (!native) return;
    for (const auto phase : {HookPhase::pre_start, HookPhase::post_start, HookPhase::stop,
                             HookPhase::post_stop, HookPhase::reload}) {
      if (service_.hooks.of(phase).empty()) continue;
      const std::string key = "hooks." + std::string(to_string(phase));
      error(key, "launchd has no hooks: '" + key +
                     "' cannot run with supervisor = \"native\"; use supervisor = \"daemonize\" "
                     "(the watchdog runs them)");
    }
    if (!service_.reload.command.empty()) {
      error("reload.command",
            "launchd has no reload: 'reload.command' cannot run with supervisor = \"native\"; use "
            "supervisor = \"daemonize\" (the watchdog runs it on `daemonize reload`)");
    }
  }

  void warn_unexpressible(bool native) {
    const char* watchdog_cannot =
        native ? " (supervisor = \"native\": nothing enforces it)"
               : "; with supervisor = \"daemonize\" the watchdog cannot enforce it on macOS either";
    if (service_.limits.memory) {
      warn("limits.memory",
           std::string("launchd: memory limit is not expressible") + watchdog_cannot);
    }
    if (service_.limits.cpu) {
      warn("limits.cpu", std::string("launchd: cpu limit is not expressible") + watchdog_cannot);
    }
    if (!service_.dependencies.after.empty()) {
      warn("dependencies.after",
           "launchd: there is no start ordering between jobs; dependencies.after is ignored "
           "(the service starts without waiting)");
    }
    if (!service_.dependencies.requires_units.empty()) {
      warn("dependencies.requires",
           "launchd: there are no job dependencies; dependencies.requires is ignored (the "
           "service starts without waiting and the required services are not started)");
    }
    for (const auto& key : service_.sandbox.keys_set()) {
      warn(key, "launchd: '" + key + "' is not enforced (launchd has no such sandbox setting)");
    }
    for (const auto& key : unit_relation_keys_set(service_)) {
      warn(key, "launchd: '" + key + "' is ignored (jobs have no such relations or names)");
    }
    if (native && !service_.directories.empty()) {
      warn("directories",
           "launchd: in native mode nothing creates [directories]; use supervisor = "
           "\"daemonize\" (the watchdog creates them)");
    }
    if (!service_.dependencies.wants.empty()) {
      warn("dependencies.wants",
           "launchd: there are no job dependencies; dependencies.wants is ignored (the service "
           "starts without waiting and the wanted services are not started)");
    }
    if (!service_.dependencies.requires_mounts_for.empty()) {
      warn("dependencies.requires_mounts_for",
           "launchd: a job cannot wait for a mount; dependencies.requires_mounts_for is ignored");
    }
    if (!native) return;  // The watchdog implements everything below in daemonize mode.

    if (service_.health) {
      warn_native("health",
                  "launchd: health checks are not expressible with supervisor = \"native\" "
                  "(use supervisor = \"daemonize\"); [health] is ignored");
    }
    const RestartConfig& restart = service_.restart;
    if (restart.policy != RestartPolicy::never) {
      if (restart.multiplier != 1.0) {
        warn_native("restart.multiplier",
                    "launchd: exponential backoff (restart.multiplier = " +
                        format_number(restart.multiplier) +
                        ") is not expressible with supervisor = \"native\"; launchd restarts "
                        "after a fixed ThrottleInterval, so restart.multiplier, "
                        "restart.max_delay and restart.reset_after are ignored");
      }
      if (restart.max_restarts != 0) {
        warn_native("restart.max_restarts",
                    "launchd: restart.max_restarts = " + std::to_string(restart.max_restarts) +
                        " (within " + format_duration(restart.window) +
                        ") is not expressible with supervisor = \"native\"; launchd never gives "
                        "up and restarts the service without limit (throttled by "
                        "ThrottleInterval)");
      }
      if (restart.policy == RestartPolicy::on_failure &&
          restart.success_exit_codes != std::vector<int>{0}) {
        warn_native("restart.success_exit_codes",
                    "launchd: only exit status 0 counts as success for "
                    "KeepAlive = {SuccessfulExit = false}; other restart.success_exit_codes are "
                    "restarted");
      }
      if (restart.policy != RestartPolicy::never && !restart.prevent_exit_codes.empty()) {
        warn_native("restart.prevent_exit_codes",
                    "launchd: KeepAlive cannot exclude exit codes; "
                    "restart.prevent_exit_codes are restarted like any other exit");
      }
    }
    if (service_.stop.signal != Signal::term) {
      warn_native("stop.signal",
                  std::string("launchd: launchd always stops a job with SIGTERM (then "
                              "SIGKILL after ExitTimeOut); stop.signal ") +
                      to_string(service_.stop.signal) + " needs supervisor = \"daemonize\"");
    }
    if (!service_.required_env.empty()) {
      std::string unchecked;
      for (const auto& name : service_.required_env) {
        const auto found = service_.env.find(name);
        if (found != service_.env.end() && !found->second.empty()) continue;
        if (!unchecked.empty()) unchecked += ", ";
        unchecked += name;
      }
      if (!unchecked.empty()) {
        warn_native("service.required_env",
                    "launchd: nothing checks required_env with supervisor = \"native\"; " +
                        unchecked + " will not be verified at start");
      }
    }
    const bool writes_files = service_.logs.stdout_stream.kind == LogStream::Kind::file ||
                              service_.logs.stderr_stream.kind == LogStream::Kind::file;
    if (writes_files) {
      const char* no_rotation =
          "launchd appends to StandardOutPath/StandardErrorPath forever with supervisor = "
          "\"native\" (rotate with newsyslog.conf(5), or use supervisor = \"daemonize\")";
      if (service_.logs.max_size != 0) {
        warn_native("logs.max_size", "launchd: log rotation by size (logs.max_size = " +
                                         format_size(service_.logs.max_size) +
                                         ") is not expressible; " + no_rotation);
      }
      if (service_.logs.rotate_every != RotateEvery::none) {
        warn_native(
            "logs.rotate_every",
            std::string("launchd: log rotation by time is not expressible; ") + no_rotation);
      }
      if (service_.logs.compress) {
        warn_native(
            "logs.compress",
            std::string("launchd: compressing rotated logs is not expressible; ") + no_rotation);
      }
      if (service_.logs.timestamps) {
        warn_native("logs.timestamps",
                    "launchd: launchd writes the job's output unchanged; "
                    "logs.timestamps needs supervisor = \"daemonize\"");
      }
    }
  }

  const Service& service_;
  const RenderOptions& options_;
  std::vector<Diagnostic> diagnostics_;
};

class LaunchdBackend final : public Backend {
 public:
  [[nodiscard]] std::string_view name() const override { return "launchd"; }
  [[nodiscard]] TargetOs os() const override { return TargetOs::macos; }
  [[nodiscard]] std::optional<std::string> unsupported_reason(
      const Service& service) const override {
    return command_os_mismatch(service, TargetOs::macos);
  }
  [[nodiscard]] RenderResult render(const Service& service,
                                    const RenderOptions& options) const override {
    return render_launchd_plist(service, options);
  }
};

}  // namespace

std::string job_label(const Service& service) {
  return service.launchd.label.empty() ? "org.daemonize." + service.name : service.launchd.label;
}

std::string default_installed_manifest_path(const Service& service) {
  if (service.scope == Scope::user) {
    return "~/Library/Application Support/daemonize/" + service.name + ".toml";
  }
  return "/usr/local/etc/daemonize/" + service.name + ".toml";
}

std::string plist_install_path(const Service& service) {
  const std::string file_name = job_label(service) + ".plist";
  if (service.scope == Scope::user) return "~/Library/LaunchAgents/" + file_name;
  return "/Library/LaunchDaemons/" + file_name;
}

RenderResult render_launchd_plist(const Service& service, const RenderOptions& options) {
  return PlistRenderer(service, options).render();
}

}  // namespace daemonize::launchd

namespace daemonize {

std::unique_ptr<Backend> make_launchd_backend() {
  return std::make_unique<launchd::LaunchdBackend>();
}

}  // namespace daemonize
