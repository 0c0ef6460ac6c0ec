// `--target windows-task`: <name>.xml in the Task Scheduler schema, written as Windows exports
// it (UTF-16LE with a BOM), and install-<name>.cmd registering it with schtasks.exe.
#include <algorithm>
#include <chrono>

#include "common.hpp"
#include "daemonize/core/interpolation.hpp"
#include "daemonize/core/xml_text.hpp"
#include "daemonize/windows/quoting.hpp"
#include "daemonize/windows/render.hpp"
#include "task_schedule.hpp"

namespace daemonize::windows {

namespace {

using detail::CmdScript;
using detail::is_set;
using detail::literal_text;

constexpr std::string_view schtasks_program = "\"%SystemRoot%\\System32\\schtasks.exe\"";
// Task Scheduler's limits on RestartOnFailure (the schema: Interval >= PT1M, Count 1..255).
constexpr Duration minimum_restart_interval = std::chrono::minutes(1);
constexpr std::uint32_t maximum_restart_count = 255;
// The SCM starts delayed-auto services about two minutes after the automatic ones.
constexpr Duration delayed_start = std::chrono::minutes(2);
constexpr std::size_t max_path = 260;

// Who the task runs as.
struct TaskPrincipal {
  std::string user_id;     // "" = the user who registers the task
  std::string logon_type;  // "" = not written (SYSTEM)
  std::string run_level;
  bool needs_password = false;
};

bool account_is_set(const Service& service) { return is_set(service, "windows.account"); }

// Least privilege by default: a system-scope task without [windows].account runs as
// LocalService, not SYSTEM. No built-in account needs the elevated token of HighestAvailable
// (it only matters for administrators under UAC), so every principal is LeastPrivilege.
TaskPrincipal task_principal(const Service& service, detail::Diagnostics& diagnostics) {
  if (service.scope == Scope::user) {
    TaskPrincipal principal{"", "InteractiveToken", "LeastPrivilege", false};
    if (account_is_set(service)) principal.user_id = service.windows.account;
    return principal;
  }
  const auto account = service_account(task_account(service));
  if (account.scm_name == "LocalSystem") return {"S-1-5-18", "", "LeastPrivilege", false};
  if (account.scm_name == "NT AUTHORITY\\LocalService") {
    return {"S-1-5-19", "ServiceAccount", "LeastPrivilege", false};
  }
  if (account.scm_name == "NT AUTHORITY\\NetworkService") {
    return {"S-1-5-20", "ServiceAccount", "LeastPrivilege", false};
  }
  if (account.scm_name.rfind("NT SERVICE\\", 0) == 0) {
    diagnostics.error("windows.account",
                      "Task Scheduler cannot run a task as the virtual account '" +
                          service.windows.account +
                          "'; use LocalSystem, LocalService, NetworkService or a user account");
    return {};
  }
  if (!account.needs_password) {  // a gMSA
    return {service.windows.account, "Password", "LeastPrivilege", false};
  }
  diagnostics.warning("windows.account", "account '" + service.windows.account +
                                             "' needs its password: install-" + service.name +
                                             ".cmd lets schtasks.exe prompt for it");
  return {service.windows.account, "Password", "LeastPrivilege", true};
}

// Who the warnings say the program runs as.
std::string account_in_words(const Service& service) {
  const auto account = task_account(service);
  return account.empty() ? std::string("the user who registers the task") : account;
}

// The program and its arguments as the task's Exec action holds them.
struct TaskAction {
  std::string command;  // quoted program
  std::string arguments;
  std::string working_directory;
};

// Task Scheduler expands %NAME% in an action's Command, Arguments and WorkingDirectory.
void reject_percent_variable(const std::string& key, const std::string& value,
                             detail::Diagnostics& diagnostics) {
  if (has_percent_variable(value)) {
    diagnostics.error(key, "'" + value +
                               "' holds a %NAME% pattern, which Task Scheduler would "
                               "expand; use supervisor = \"daemonize\" or remove it");
  }
}

// Native mode: the action runs the program itself, so every value must be literal.
std::string native_literal(const std::string& key, const std::string& value,
                           detail::Diagnostics& diagnostics) {
  const auto literal = literal_text(value);
  if (literal.has_references) {
    diagnostics.error(key, "'" + value +
                               "': ${...} cannot be resolved in supervisor = \"native\" "
                               "mode (Task Scheduler does not expand it); use supervisor = "
                               "\"daemonize\"");
    return value;
  }
  reject_percent_variable(key, literal.text, diagnostics);
  // XML 1.0 cannot hold C0 control characters other than tab, LF and CR, not even escaped.
  for (const char character : literal.text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 && character != '\t' && character != '\n' && character != '\r') {
      diagnostics.error(key,
                        "'" + key + "' holds a control character, which a task's XML cannot hold");
      break;
    }
  }
  return literal.text;
}

TaskAction native_action(const Service& service, detail::Diagnostics& diagnostics) {
  TaskAction action;
  action.command = quote_program(native_literal("service.command", service.command, diagnostics));
  std::vector<std::string> arguments;
  for (std::size_t i = 0; i < service.args.size(); ++i) {
    const std::string key = "service.args[" + std::to_string(i) + "]";
    if (split_reference(service.args[i])) {
      diagnostics.error(key, "'" + service.args[i] +
                                 "' cannot be used with supervisor = \"native\": Task Scheduler "
                                 "neither expands variables nor splits them into arguments (use "
                                 "supervisor = \"daemonize\")");
      continue;
    }
    arguments.push_back(native_literal(key, service.args[i], diagnostics));
  }
  action.arguments = join_arguments(arguments);
  if (!service.working_directory.empty()) {
    action.working_directory =
        native_literal("service.working_directory", service.working_directory, diagnostics);
  }
  return action;
}

TaskAction watchdog_action(const Service& service, const RenderOptions& options,
                           detail::Diagnostics& diagnostics) {
  const std::string program = console_less_watchdog_path(options, service.scope);
  const std::string manifest = installed_manifest_path(service, options);
  // The user-scope defaults start with %LOCALAPPDATA%, which Task Scheduler expands in the
  // user's environment when it starts the action; paths given by the caller must be literal.
  if (!options.daemonize_path.empty()) {
    if (!is_absolute_windows_path(program)) {
      diagnostics.error("", "--daemonize-path '" + program + "' is not an absolute Windows path");
    }
    reject_percent_variable("", program, diagnostics);
  }
  if (!options.installed_manifest_path.empty()) reject_percent_variable("", manifest, diagnostics);
  return {quote_program(program), "run " + quote_argument(manifest, true), ""};
}

// Keys a task running the program directly cannot honour.
void check_native(const Service& service, detail::Diagnostics& diagnostics) {
  // A task runs one program: nothing runs the hooks.
  for (const auto phase : {HookPhase::pre_start, HookPhase::post_start, HookPhase::stop,
                           HookPhase::post_stop, HookPhase::reload}) {
    if (service.hooks.of(phase).empty()) continue;
    const std::string key = "hooks." + std::string(to_string(phase));
    diagnostics.error(key, "a task runs one program and has no hooks: '" + key +
                               "' needs supervisor = \"daemonize\" (the watchdog runs them)");
  }
  if (!service.reload.command.empty()) {
    diagnostics.error("reload.command",
                      "a task has no reload: 'reload.command' needs supervisor = \"daemonize\"");
  }
  if (!service.env.empty()) {
    diagnostics.error("env",
                      "a task action has no environment of its own: [env] needs "
                      "supervisor = \"daemonize\"");
  }
  if (!service.env_files.empty()) {
    diagnostics.error("service.env_files",
                      "env_files need supervisor = \"daemonize\" (nothing reads them for a task)");
  }
  if (!service.required_env.empty()) {
    diagnostics.warning("service.required_env",
                        "required_env is not checked in supervisor = \"native\" mode");
  }
  const bool logs_to_nowhere = service.logs.stdout_stream.kind == LogStream::Kind::null &&
                               service.logs.stderr_stream.kind == LogStream::Kind::null;
  if (!logs_to_nowhere) {
    diagnostics.warning("logs",
                        "a task cannot redirect output: the program's stdout and stderr are "
                        "discarded in supervisor = \"native\" mode");
  }
  if (service.health) {
    diagnostics.warning("health", "[health] is not checked in supervisor = \"native\" mode");
  }
  if (service.limits.memory) {
    diagnostics.warning("limits.memory",
                        "limits.memory is not enforced in supervisor = \"native\" "
                        "mode (the watchdog's Job Object enforces it)");
  }
  if (service.limits.cpu) {
    diagnostics.warning("limits.cpu", "limits.cpu is not enforced in supervisor = \"native\" mode");
  }
  if (service.restart.policy == RestartPolicy::always) {
    diagnostics.warning("restart.policy",
                        "Task Scheduler restarts a task only when it fails; a clean exit is not "
                        "restarted (restart.policy = \"always\" acts as \"on-failure\")");
  }
  for (const auto* key :
       {"restart.success_exit_codes", "restart.prevent_exit_codes", "restart.multiplier",
        "restart.max_delay", "restart.reset_after", "restart.window"}) {
    if (is_set(service, key)) {
      diagnostics.warning(key, std::string(key) +
                                   " is not expressible: Task Scheduler retries a failed task "
                                   "at one fixed interval, up to a count");
    }
  }
  if (is_set(service, "stop.signal") || is_set(service, "stop.timeout")) {
    diagnostics.warning("stop",
                        "Task Scheduler ends a task with TerminateProcess: no stop signal, "
                        "no grace period");
  }
}

// RestartOnFailure from [restart]: Interval = delay (at least PT1M), Count = max_restarts
// (1..255). In daemonize mode the watchdog applies the exact values to the program; the task's
// setting only restarts a crashed watchdog, so clamping loses nothing there and is not reported.
struct TaskRestart {
  bool enabled = false;
  Duration interval{};
  std::uint32_t count = 0;
};

TaskRestart task_restart(const Service& service, detail::Diagnostics& diagnostics) {
  const auto& restart = service.restart;
  if (restart.policy == RestartPolicy::never) return {};
  const bool report = service.supervisor == SupervisorMode::native;
  TaskRestart mapped{true, restart.delay, restart.max_restarts};
  if (mapped.interval < minimum_restart_interval) {
    mapped.interval = minimum_restart_interval;
    if (report) {
      diagnostics.warning("restart.delay", "restart.delay " + xml_duration(restart.delay) +
                                               " is below Task Scheduler's minimum restart "
                                               "interval; the task waits PT1M");
    }
  }
  if (mapped.count == 0 || mapped.count > maximum_restart_count) {
    if (report) {
      diagnostics.warning("restart.max_restarts",
                          std::string("restart.max_restarts = ") +
                              std::to_string(restart.max_restarts) +
                              (restart.max_restarts == 0 ? " (unlimited)" : "") +
                              ": Task Scheduler allows at most 255 restarts; using 255");
    }
    mapped.count = maximum_restart_count;
  }
  return mapped;
}

std::string render_task_xml(const Service& service, const TaskPrincipal& principal,
                            const TaskAction& action, const TaskRestart& restart,
                            const std::string& deploying_user,
                            const std::vector<std::string>& schedule_triggers,
                            const char* instances_policy) {
  std::string xml;
  auto line = [&xml](std::string_view text) {
    xml += text;
    xml += "\r\n";
  };
  auto element = [&line](std::string_view indent, std::string_view name, std::string_view value) {
    line(std::string(indent) + "<" + std::string(name) + ">" + escape_xml_text(value) + "</" +
         std::string(name) + ">");
  };
  line("<?xml version=\"1.0\" encoding=\"UTF-16\"?>");
  line("<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">");
  line("  <RegistrationInfo>");
  element("    ", "Author", "daemonize");
  if (!service.description.empty()) element("    ", "Description", service.description);
  element("    ", "URI", "\\" + service.name);
  line("  </RegistrationInfo>");
  if (service.schedule) {
    // [schedule]: the task runs on its calendar or interval only.
    line("  <Triggers>");
    for (const auto& trigger : schedule_triggers) line(trigger);
    line("  </Triggers>");
  } else if (service.windows.start != WindowsStart::demand) {
    // start = demand: no trigger, the task runs only when asked (schtasks /Run).
    line("  <Triggers>");
    const bool at_logon = service.windows.task_trigger == TaskTrigger::logon;
    line(at_logon ? "    <LogonTrigger>" : "    <BootTrigger>");
    element("      ", "Enabled", "true");
    // A logon trigger for any user needs an administrator; one for the user who registers
    // the task does not.
    const std::string& trigger_user =
        principal.user_id.empty() ? deploying_user : principal.user_id;
    if (at_logon && service.scope == Scope::user && !trigger_user.empty()) {
      element("      ", "UserId", trigger_user);
    }
    if (service.windows.start == WindowsStart::delayed_automatic) {
      element("      ", "Delay", xml_duration(delayed_start));
    }
    line(at_logon ? "    </LogonTrigger>" : "    </BootTrigger>");
    line("  </Triggers>");
  }
  line("  <Principals>");
  line("    <Principal id=\"Author\">");
  if (!principal.user_id.empty()) element("      ", "UserId", principal.user_id);
  if (!principal.logon_type.empty()) element("      ", "LogonType", principal.logon_type);
  element("      ", "RunLevel", principal.run_level);
  line("    </Principal>");
  line("  </Principals>");
  line("  <Settings>");
  element("    ", "MultipleInstancesPolicy", instances_policy);
  element("    ", "DisallowStartIfOnBatteries", "false");
  element("    ", "StopIfGoingOnBatteries", "false");
  element("    ", "AllowHardTerminate", "true");
  // [schedule] persistent: a run missed while the machine was off runs when it is back.
  element("    ", "StartWhenAvailable",
          service.schedule && service.schedule->persistent ? "true" : "false");
  element("    ", "RunOnlyIfNetworkAvailable", "false");
  line("    <IdleSettings>");
  element("      ", "StopOnIdleEnd", "false");
  element("      ", "RestartOnIdle", "false");
  line("    </IdleSettings>");
  element("    ", "AllowStartOnDemand", "true");
  element("    ", "Enabled", service.windows.start == WindowsStart::disabled ? "false" : "true");
  element("    ", "Hidden", "false");
  element("    ", "RunOnlyIfIdle", "false");
  element("    ", "WakeToRun", "false");
  // The default PT72H would end the service after three days.
  element("    ", "ExecutionTimeLimit", "PT0S");
  // The default 7 is BELOW_NORMAL_PRIORITY_CLASS with low I/O priority; 4 is NORMAL.
  element("    ", "Priority", "4");
  if (restart.enabled) {
    line("    <RestartOnFailure>");
    element("      ", "Interval", xml_duration(restart.interval));
    element("      ", "Count", std::to_string(restart.count));
    line("    </RestartOnFailure>");
  }
  line("  </Settings>");
  line("  <Actions Context=\"Author\">");
  line("    <Exec>");
  element("      ", "Command", action.command);
  if (!action.arguments.empty()) element("      ", "Arguments", action.arguments);
  if (!action.working_directory.empty()) {
    element("      ", "WorkingDirectory", action.working_directory);
  }
  line("    </Exec>");
  line("  </Actions>");
  line("</Task>");
  return xml;
}

std::string render_register_script(const Service& service, const TaskPrincipal& principal) {
  const std::string& name = service.name;
  CmdScript script;
  script.raw("@echo off");
  script.raw("rem install-" + name + ".cmd: registers the scheduled task \"" + name + "\" from " +
             name + ".xml (next to this script).");
  script.raw("rem Generated by daemonize; review it, then run it" +
             std::string(service.scope == Scope::user ? " as the user the task is for:"
                                                      : " as Administrator:"));
  script.documentation(service);
  script.raw("rem   install-" + name +
             ".cmd            create the task, or replace its definition");
  script.raw("rem   install-" + name + ".cmd uninstall  end the task and delete it");
  script.raw("setlocal EnableExtensions DisableDelayedExpansion");
  script.raw("if /i \"%~1\"==\"uninstall\" goto uninstall");
  script.raw("if not \"%~1\"==\"\" goto usage");
  script.raw("echo daemonize: registering the task " + name);
  std::string suffix;
  if (principal.needs_password) {
    // /RP * makes schtasks.exe prompt; the password is never written into a file.
    suffix = " /RU " + quote_argument(principal.user_id, true) + " /RP *";
  }
  script.command(schtasks_program,
                 {{"/Create", false}, {"/TN", false}, {name, true}, {"/XML", false}},
                 " \"%~dp0" + name + ".xml\" /F" + suffix);
  script.raw("if errorlevel 1 goto failed_create");
  script.raw("echo daemonize: the task " + name +
             " is registered; start it now with: "
             "schtasks.exe /Run /TN " +
             name);
  script.raw("exit /b 0");
  script.raw("");
  script.raw(":uninstall");
  script.raw(std::string(schtasks_program) + " /Query /TN \"" + name + "\" >nul 2>&1");
  script.raw("if errorlevel 1 goto not_installed");
  script.raw(
      "rem /End terminates the task's process tree at once (Task Scheduler has no graceful stop).");
  script.raw(std::string(schtasks_program) + " /End /TN \"" + name + "\" >nul 2>&1");
  script.raw(std::string(schtasks_program) + " /Delete /TN \"" + name + "\" /F");
  script.raw("if errorlevel 1 goto failed_delete");
  script.raw("echo daemonize: deleted the task " + name);
  script.raw("exit /b 0");
  script.raw(":not_installed");
  script.raw("echo daemonize: the task " + name + " is not registered; nothing to do");
  script.raw("exit /b 0");
  script.raw("");
  script.raw(":usage");
  script.raw(">&2 echo usage: install-" + name + ".cmd [uninstall]");
  script.raw("exit /b 2");
  for (const char* step : {"create", "delete"}) {
    script.raw(std::string(":failed_") + step);
    script.raw(std::string(">&2 echo daemonize: schtasks.exe /") +
               (step[0] == 'c' ? "Create" : "Delete") + " " + name +
               " failed with exit code %ERRORLEVEL%");
    script.raw("exit /b %ERRORLEVEL%");
  }
  return script.text();
}

}  // namespace

std::string task_account(const Service& service) {
  if (account_is_set(service)) return service_account(service.windows.account).scm_name;
  return service.scope == Scope::user ? "" : "NT AUTHORITY\\LocalService";
}

RenderResult render_windows_task(const Service& service, const RenderOptions& options) {
  detail::Diagnostics diagnostics;
  detail::check_common(service, account_in_words(service), diagnostics);
  if (service.supervisor == SupervisorMode::daemonize) {
    // A service's watchdog gets `daemonize reload` as an SCM control code; a task has no channel.
    for (const auto* key : {"hooks.reload", "reload.command"}) {
      if (is_set(service, key)) {
        diagnostics.warning(key, std::string(key) +
                                     " never runs for a task: Task Scheduler has no control that "
                                     "reaches the watchdog, `daemonize reload` restarts the task "
                                     "(a windows-service has one)");
      }
    }
  }
  for (const auto& key : service.sandbox.keys_set()) {
    diagnostics.warning(key, "'" + key + "' is not enforced by Task Scheduler");
  }
  if (!service.aliases.empty()) {
    diagnostics.warning("service.aliases", "a task has one name; 'service.aliases' is ignored");
  }
  if (service.supervisor == SupervisorMode::native && !service.directories.empty()) {
    diagnostics.warning("directories",
                        "in native mode nothing creates [directories]; use supervisor = "
                        "\"daemonize\" (the watchdog creates them)");
  }
  if (!service.dependencies.empty()) {
    diagnostics.warning("dependencies",
                        "Task Scheduler has no dependencies between tasks; [dependencies] is "
                        "ignored");
  }
  if (service.scope == Scope::system && service.windows.task_trigger == TaskTrigger::logon &&
      !account_is_set(service)) {
    diagnostics.warning("windows.task_trigger",
                        "task_trigger = \"logon\" with scope = \"system\": the task starts as " +
                            account_in_words(service) + " whenever any user logs on");
  }
  if (service.scope == Scope::user && service.windows.task_trigger == TaskTrigger::logon &&
      service.windows.start != WindowsStart::demand && options.deploying_user.empty() &&
      !account_is_set(service)) {
    diagnostics.warning(
        "windows.task_trigger",
        "the logon trigger of a user-scope task names no user here (only `daemonize "
        "deploy` on Windows knows who registers it): it fires at every user's "
        "logon and registering it needs an administrator; set windows.account to "
        "the user, or deploy on that machine");
  }
  const auto principal = task_principal(service, diagnostics);
  TaskAction action;
  if (service.supervisor == SupervisorMode::native) {
    check_native(service, diagnostics);
    action = native_action(service, diagnostics);
  } else {
    action = watchdog_action(service, options, diagnostics);
  }
  const auto restart = task_restart(service, diagnostics);
  const auto schedule_triggers = schedule_trigger_lines(service, diagnostics);
  const char* instances_policy = multiple_instances_policy(service, diagnostics);
  // The schema limits Command (with its quotes) and WorkingDirectory to MAX_PATH characters.
  if (action.command.size() > max_path) {
    diagnostics.error("service.command", "the task's Command is longer than 260 characters");
  }
  if (action.working_directory.size() > max_path) {
    diagnostics.error("service.working_directory",
                      "the task's WorkingDirectory is longer than 260 characters");
  }
  if (diagnostics.has_errors()) return {{}, diagnostics.take()};

  RenderResult result;
  Artifact xml;
  xml.file_name = service.name + ".xml";
  xml.content =
      utf16le_with_bom(render_task_xml(service, principal, action, restart, options.deploying_user,
                                       schedule_triggers, instances_policy));
  xml.install_path = installed_task_xml_path(service);  // where deploy puts it
  result.artifacts.push_back(std::move(xml));
  Artifact script;
  script.file_name = "install-" + service.name + ".cmd";
  script.content = render_register_script(service, principal);
  script.mode = 0755;
  result.artifacts.push_back(std::move(script));
  result.diagnostics = diagnostics.take();
  return result;
}

}  // namespace daemonize::windows
