// `--target windows-service`: install-<name>.cmd, an idempotent sc.exe script for review.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "common.hpp"
#include "daemonize/core/windows_stop_budget.hpp"
#include "daemonize/windows/quoting.hpp"
#include "daemonize/windows/render.hpp"

namespace daemonize::windows {

namespace {

using detail::CmdScript;
using detail::is_set;
using Part = CmdScript::Part;

// Run sc.exe from System32: cmd.exe looks in the current directory first, so a bare "sc.exe"
// would run whatever sc.exe sits next to the script.
constexpr std::string_view sc_program = "\"%SystemRoot%\\System32\\sc.exe\"";
constexpr std::string_view password_variable = "DAEMONIZE_SERVICE_PASSWORD";
// Margin over stop.timeout for the uninstall mode's wait for STOPPED.
constexpr std::chrono::seconds stop_wait_margin{30};

const char* sc_start_type(WindowsStart start) {
  switch (start) {
    case WindowsStart::automatic:
      return "auto";
    case WindowsStart::delayed_automatic:
      return "delayed-auto";
    case WindowsStart::demand:
      return "demand";
    case WindowsStart::disabled:
      return "disabled";
  }
  return "auto";
}

// sc.exe's actions= text: "restart/<ms>" per delay, joined by '/'.
std::string failure_actions(const ServiceRegistration& registration) {
  std::string actions;
  for (const auto& delay : registration.restart_delays) {
    if (!actions.empty()) actions += '/';
    actions += "restart/" + std::to_string(delay.count());
  }
  return actions;
}

// The SCM restarts a crashed watchdog with the manifest's backoff: delay, delay*multiplier, ...
// capped at max_delay. It repeats the last action for every later failure until the reset
// period passes without one.
std::vector<std::chrono::milliseconds> restart_delays(const RestartConfig& restart) {
  if (restart.policy == RestartPolicy::never) return {};
  std::vector<std::chrono::milliseconds> delays;
  double delay_ms = static_cast<double>(restart.delay.count());
  const double cap_ms = static_cast<double>(std::max(restart.max_delay, restart.delay).count());
  for (int attempt = 0; attempt < 3; ++attempt) {
    delays.emplace_back(static_cast<long long>(std::llround(delay_ms)));
    delay_ms = std::min(delay_ms * restart.multiplier, cap_ms);
  }
  return delays;
}

// Unit types only systemd has: no Windows service can carry such a name.
constexpr std::array<std::string_view, 10> systemd_only_suffixes{
    ".target", ".socket", ".mount", ".automount", ".path",
    ".timer",  ".device", ".slice", ".scope",     ".swap"};
constexpr std::string_view service_suffix = ".service";

// The SCM's dependencies: `requires` (hard, like DependOnService), mapped to Windows names.
// `after` orders only and `wants` is a soft dependency; the SCM has only hard ones, so neither
// is registered: a DependOnService entry would stop the service from starting whenever that
// service is missing or fails.
std::vector<std::string> dependency_list(const Service& service, detail::Diagnostics& diagnostics) {
  auto listed = [](const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
  };
  if (!service.dependencies.after.empty()) {
    diagnostics.warning("dependencies.after",
                        "dependencies.after (" + listed(service.dependencies.after) +
                            ") only orders the start, and the SCM has only hard dependencies: "
                            "it is not registered; list the Windows services this one needs "
                            "in [os.windows.dependencies] requires");
  }
  if (!service.dependencies.wants.empty()) {
    diagnostics.warning("dependencies.wants",
                        "dependencies.wants (" + listed(service.dependencies.wants) +
                            ") is a soft dependency, and the SCM has only hard dependencies: "
                            "it is not registered; list the Windows services this one needs "
                            "in [os.windows.dependencies] requires");
  }
  if (!service.dependencies.requires_mounts_for.empty()) {
    diagnostics.warning("dependencies.requires_mounts_for",
                        "the SCM cannot wait for a mount; dependencies.requires_mounts_for is "
                        "ignored");
  }
  std::vector<std::string> seen;
  const auto& names = service.dependencies.requires_units;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string key = "dependencies.requires[" + std::to_string(i) + "]";
    std::string name = names[i];
    const auto suffix =
        std::find_if(systemd_only_suffixes.begin(), systemd_only_suffixes.end(),
                     [&name](std::string_view candidate) { return name.ends_with(candidate); });
    if (suffix != systemd_only_suffixes.end()) {
      diagnostics.warning(key, "'" + name + "' is a systemd " + std::string(suffix->substr(1)) +
                                   " unit, which Windows does not have; dropped (set "
                                   "[os.windows.dependencies] requires)");
      continue;
    }
    if (name.ends_with(service_suffix)) name.resize(name.size() - service_suffix.size());
    if (name.empty() || name.find_first_of("/\\\"") != std::string::npos ||
        has_control_characters(name)) {
      diagnostics.error(key,
                        "'" + names[i] + "' is not a Windows service name (no / \\ \" allowed)");
      continue;
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
  }
  return seen;
}

std::string joined_dependencies(const std::vector<std::string>& dependencies) {
  std::string joined;
  for (const auto& name : dependencies) {
    if (!joined.empty()) joined += '/';
    joined += name;
  }
  return joined;
}

void check_service(const Service& service, detail::Diagnostics& diagnostics) {
  const auto account = service_account(service.windows.account);
  detail::check_common(service, account.scm_name, diagnostics);
  for (const auto& key : service.sandbox.keys_set()) {
    diagnostics.warning(key, "'" + key + "' is not enforced by the SCM (the sandbox is systemd's)");
  }
  for (const auto& key : unit_relation_keys_set(service)) {
    diagnostics.warning(key, "'" + key +
                                 "' is not registered: the SCM has no such relations "
                                 "or names (they are systemd's)");
  }
  if (service.supervisor == SupervisorMode::native) {
    diagnostics.warning("service.supervisor",
                        "supervisor = \"native\": a plain program is not a Windows service (it "
                        "cannot answer the SCM), so the SCM runs the daemonize watchdog "
                        "(daemonize.exe run --service) as in \"daemonize\" mode");
  }
  if (account.scm_name.rfind("NT SERVICE\\", 0) == 0 &&
      account.scm_name != "NT SERVICE\\" + service.name) {
    diagnostics.warning("windows.account", "'" + account.scm_name +
                                               "' is the virtual account of another service; the "
                                               "SCM only creates NT SERVICE\\" +
                                               service.name + " for this one");
  }
  if (account.needs_password) {
    diagnostics.warning("windows.account",
                        "account '" + service.windows.account + "' needs its password: install-" +
                            service.name + ".cmd reads it from the environment variable " +
                            std::string(password_variable) + " (never written into a file)");
  }
  for (const auto& [key, stream] : {std::pair{"logs.stdout", &service.logs.stdout_stream},
                                    std::pair{"logs.stderr", &service.logs.stderr_stream}}) {
    if (stream->kind == LogStream::Kind::inherit) {
      diagnostics.warning(key, std::string(key) +
                                   " = \"inherit\": a Windows service has no console or journal, "
                                   "so this output is discarded; write it to a file instead");
    }
  }
  if (is_set(service, "reload.signal")) {
    diagnostics.warning("reload.signal",
                        "the SCM has no reload control; `daemonize reload` asks the watchdog, "
                        "which cannot deliver " +
                            std::string(to_string(service.reload.signal)) + " on Windows");
  }
  // TERM and INT start the stop with Ctrl+C, QUIT with Ctrl+Break, KILL terminates the job
  // (windows-runtime.md); the other signals have no Windows counterpart.
  const Signal stop_signal = service.stop.signal;
  if (is_set(service, "stop.signal") &&
      (stop_signal == Signal::hangup || stop_signal == Signal::usr1 ||
       stop_signal == Signal::usr2)) {
    diagnostics.warning("stop.signal", std::string("stop.signal = \"") + to_string(stop_signal) +
                                           "\" has no Windows counterpart: the stop starts with "
                                           "Ctrl+C, as for TERM");
  }
}

}  // namespace

std::optional<ServiceRegistration> service_registration(const Service& service,
                                                        const RenderOptions& options,
                                                        std::vector<Diagnostic>& diagnostics_out) {
  detail::Diagnostics diagnostics;
  check_service(service, diagnostics);
  if (service.scope == Scope::user) {
    diagnostics.error("service.scope",
                      "scope = \"user\": Windows services are system-wide; a per-user service is a "
                      "Task Scheduler task at logon (--target windows-task)");
  }
  if (service.schedule) {
    // The SCM starts services, it does not schedule them; Task Scheduler does.
    diagnostics.error("schedule",
                      "[schedule]: a Windows service cannot run on a schedule; a scheduled job is "
                      "a Task Scheduler task (--target windows-task, [windows] backend = "
                      "\"task\")");
  }
  const std::string watchdog = watchdog_path(options);
  const std::string manifest = installed_manifest_path(service, options);
  if (!is_absolute_windows_path(watchdog)) {
    diagnostics.error("", "--daemonize-path '" + watchdog + "' is not an absolute Windows path");
  }
  if (!is_absolute_windows_path(manifest)) {
    diagnostics.error(
        "", "the installed manifest path '" + manifest + "' is not an absolute Windows path");
  }
  auto dependencies = dependency_list(service, diagnostics);
  const bool failed = diagnostics.has_errors();
  for (auto& diagnostic : diagnostics.take()) diagnostics_out.push_back(std::move(diagnostic));
  if (failed) return std::nullopt;

  ServiceRegistration registration;
  registration.name = service.name;
  registration.display_name = service.display_name.empty() ? service.name : service.display_name;
  registration.description = service.description;
  registration.image_path = service_image_path(service, options);
  registration.start = service.windows.start;
  registration.account = service_account(service.windows.account);
  registration.dependencies = std::move(dependencies);
  registration.failure_reset_period =
      std::chrono::duration_cast<std::chrono::seconds>(service.restart.window);
  registration.restart_delays = restart_delays(service.restart);
  registration.preshutdown_timeout = preshutdown_timeout(service.stop.timeout);
  return registration;
}

RenderResult render_windows_service(const Service& service, const RenderOptions& options) {
  std::vector<Diagnostic> diagnostics;
  const auto registered = service_registration(service, options, diagnostics);
  if (!registered) return {{}, std::move(diagnostics)};
  const ServiceRegistration& registration = *registered;
  const std::string dependencies = joined_dependencies(registration.dependencies);

  const std::string& name = registration.name;
  const auto& account = registration.account;
  const std::string& image = registration.image_path;
  const std::string& display_name = registration.display_name;
  const auto stop_wait_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                     windows::stop_timeout(service.stop.timeout) + stop_wait_margin)
                                     .count();

  // The settings `sc create` and `sc config` share; reconfiguring clears dependencies with "/".
  auto sc_settings = [&](bool create) {
    std::vector<Part> parts{{create ? "create" : "config", false},
                            {name, false},
                            {"binPath=", false},
                            {image, true},
                            {"start=", false},
                            {sc_start_type(registration.start), false},
                            {"obj=", false},
                            {account.scm_name, true},
                            {"DisplayName=", false},
                            {display_name, true}};
    if (!dependencies.empty() || !create) {
      parts.push_back({"depend=", false});
      parts.push_back({dependencies.empty() ? "/" : dependencies, false});
    }
    return parts;
  };
  // The password is expanded by cmd.exe at run time, never written into the script.
  const std::string password_suffix =
      account.needs_password ? " password= \"%" + std::string(password_variable) + "%\"" : "";

  CmdScript script;
  script.raw("@echo off");
  script.raw("rem install-" + name + ".cmd: registers the Windows service \"" + name +
             "\" with the service control manager.");
  script.raw("rem Generated by daemonize; review it, then run it as Administrator:");
  script.documentation(service);
  script.raw("rem   install-" + name + ".cmd            create the service, or reconfigure it");
  script.raw("rem   install-" + name + ".cmd uninstall  stop the service and delete it");
  script.raw(
      "rem The service runs the daemonize watchdog, which starts and supervises the program");
  script.raw("rem as the manifest says; the SCM restarts the watchdog only if it crashes.");
  script.raw("setlocal EnableExtensions DisableDelayedExpansion");
  script.raw("if /i \"%~1\"==\"uninstall\" goto uninstall");
  script.raw("if not \"%~1\"==\"\" goto usage");
  if (account.needs_password) {
    script.raw("if not defined " + std::string(password_variable) + " goto need_password");
  }
  script.raw(std::string(sc_program) + " query " + name + " >nul 2>&1");
  script.raw("if errorlevel 1 goto create");
  script.raw("echo daemonize: reconfiguring the existing service " + name);
  script.command(sc_program, sc_settings(false), password_suffix);
  script.raw("if errorlevel 1 goto failed_config");
  script.raw("goto settings");
  script.raw(":create");
  script.raw("echo daemonize: creating the service " + name);
  script.command(sc_program, sc_settings(true), password_suffix);
  script.raw("if errorlevel 1 goto failed_create");
  script.raw(":settings");
  script.command(sc_program,
                 {{"description", false}, {name, false}, {registration.description, true}});
  script.raw("if errorlevel 1 goto failed_description");
  script.command(sc_program, {{"failure", false},
                              {name, false},
                              {"reset=", false},
                              {std::to_string(registration.failure_reset_period.count()), false},
                              {"actions=", false},
                              {failure_actions(registration), true}});
  script.raw("if errorlevel 1 goto failed_failure");
  script.raw("rem Failure flag 0: recovery runs only when the watchdog dies without reporting");
  script.raw("rem SERVICE_STOPPED; a give-up (exit 75) is reported as STOPPED and is final.");
  script.raw(std::string(sc_program) + " failureflag " + name + " 0");
  script.raw("if errorlevel 1 goto failed_failureflag");
  script.raw("echo daemonize: the service " + name + " is installed; start it with: sc.exe start " +
             name);
  script.raw("exit /b 0");
  script.raw("");
  script.raw(":uninstall");
  script.raw(std::string(sc_program) + " query " + name + " >nul 2>&1");
  script.raw("if errorlevel 1 goto not_installed");
  script.raw("echo daemonize: stopping the service " + name);
  script.raw(std::string(sc_program) + " stop " + name + " >nul 2>&1");
  script.raw("set /a waited=0");
  script.raw(":wait_stopped");
  script.raw(std::string(sc_program) + " query " + name +
             " | \"%SystemRoot%\\System32\\find.exe\" \"STOPPED\" >nul");
  script.raw("if not errorlevel 1 goto delete");
  script.raw("if %waited% geq " + std::to_string(stop_wait_seconds) + " goto delete");
  script.raw("\"%SystemRoot%\\System32\\ping.exe\" -n 2 127.0.0.1 >nul");
  script.raw("set /a waited+=1");
  script.raw("goto wait_stopped");
  script.raw(":delete");
  script.raw(std::string(sc_program) + " delete " + name);
  script.raw("if errorlevel 1 goto failed_delete");
  script.raw("echo daemonize: deleted the service " + name);
  script.raw("exit /b 0");
  script.raw(":not_installed");
  script.raw("echo daemonize: the service " + name + " is not installed; nothing to do");
  script.raw("exit /b 0");
  script.raw("");
  script.raw(":usage");
  script.raw(">&2 echo usage: install-" + name + ".cmd [uninstall]");
  script.raw("exit /b 2");
  if (account.needs_password) {
    script.raw(":need_password");
    script.raw(">&2 echo daemonize: set " + std::string(password_variable) +
               " to the password of the service account first");
    script.raw("exit /b 2");
  }
  for (const char* step : {"config", "create", "description", "failure", "failureflag", "delete"}) {
    script.raw(std::string(":failed_") + step);
    // Redirection first: "echo text 1>&2" would print a trailing space.
    script.raw(std::string(">&2 echo daemonize: sc.exe ") + step + " " + name +
               " failed with exit code %ERRORLEVEL%");
    script.raw("exit /b %ERRORLEVEL%");
  }

  std::string content = script.text();
  // cmd.exe reads a batch file in the console's code page: switch it to UTF-8 when a value
  // needs it (the template itself is ASCII).
  if (std::any_of(content.begin(), content.end(),
                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    const auto first_line_end = content.find("\r\n") + 2;
    content.insert(first_line_end, "rem Values below are UTF-8.\r\nchcp 65001 >nul\r\n");
  }

  RenderResult result;
  Artifact artifact;
  artifact.file_name = "install-" + name + ".cmd";
  artifact.install_path = "";  // for review; deploy on Windows uses the SCM API
  artifact.content = content;
  artifact.mode = 0755;
  result.artifacts.push_back(std::move(artifact));
  result.diagnostics = std::move(diagnostics);
  return result;
}

}  // namespace daemonize::windows
