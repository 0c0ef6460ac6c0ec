// Decisions of the windows-service and windows-task renderers, one behaviour per test.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "daemonize/core/loader.hpp"
#include "daemonize/windows/backend.hpp"
#include "daemonize/windows/quoting.hpp"
#include "daemonize/windows/render.hpp"

namespace daemonize::windows {
namespace {

Service load(const std::string& text) {
  auto result = load_manifest_text(text, "test.toml", TargetOs::windows);
  for (const auto& diagnostic : result.diagnostics) ADD_FAILURE() << format_diagnostic(diagnostic);
  if (!result.service) throw std::runtime_error("manifest did not load");
  return *result.service;
}

Service minimal_service() {
  Service service;
  service.name = "demo";
  service.display_name = "demo";
  service.command = "C:\\Program Files\\My App\\app.exe";
  service.os = TargetOs::windows;
  service.windows.account = "NT SERVICE\\demo";
  return service;
}

const Diagnostic* find_diagnostic(const RenderResult& result, const std::string& key,
                                  Severity severity) {
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key == key && diagnostic.severity == severity) return &diagnostic;
  }
  return nullptr;
}

std::string script_of(const RenderResult& result) {
  EXPECT_EQ(result.artifacts.size(), 1U);
  return result.artifacts.empty() ? "" : result.artifacts.front().content;
}

std::string task_xml(const RenderResult& result) {
  EXPECT_EQ(result.artifacts.size(), 2U);
  return result.artifacts.empty() ? "" : utf8_from_utf16le(result.artifacts.front().content);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(WindowsServiceRender, ImageIsTheQuotedWatchdog) {
  const auto service = minimal_service();
  EXPECT_EQ(service_image_path(service, {}),
            "\"C:\\Program Files\\daemonize\\daemonize.exe\" run --service "
            "\"C:\\ProgramData\\daemonize\\demo.toml\"");
  RenderOptions options;
  options.daemonize_path = "D:\\My Tools\\daemonize.exe";
  options.installed_manifest_path = "D:\\conf dir\\demo.toml";
  EXPECT_EQ(service_image_path(service, options),
            "\"D:\\My Tools\\daemonize.exe\" run --service \"D:\\conf dir\\demo.toml\"");
}

TEST(WindowsServiceRender, ScriptRegistersWithScExe) {
  const auto result = render_windows_service(minimal_service(), {});
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto script = script_of(result);
  EXPECT_EQ(result.artifacts.front().file_name, "install-demo.cmd");
  EXPECT_TRUE(contains(
      script,
      "\"%SystemRoot%\\System32\\sc.exe\" create demo binPath= \"\\\"C:\\Program "
      "Files\\daemonize\\daemonize.exe\\\" run --service "
      "\\\"C:\\ProgramData\\daemonize\\demo.toml\\\"\" start= auto obj= \"NT SERVICE\\demo\" "
      "DisplayName= \"demo\"\r\n"))
      << script;
  EXPECT_TRUE(contains(script, " config demo binPath= ")) << script;
  EXPECT_TRUE(contains(script, " depend= /\r\n")) << "reconfiguring clears dependencies";
  EXPECT_TRUE(contains(script, "sc.exe\" failureflag demo 0\r\n"));
  EXPECT_TRUE(contains(script,
                       "sc.exe\" failure demo reset= 300 actions= "
                       "\"restart/1000/restart/2000/restart/4000\"\r\n"))
      << script;
  EXPECT_TRUE(contains(script, ":uninstall\r\n"));
  EXPECT_TRUE(contains(script, "sc.exe\" delete demo\r\n"));
  EXPECT_TRUE(contains(script, "setlocal EnableExtensions DisableDelayedExpansion\r\n"));
}

TEST(WindowsServiceRender, EveryLineEndsWithCrLf) {
  const auto script = script_of(render_windows_service(minimal_service(), {}));
  for (std::size_t i = 0; i < script.size(); ++i) {
    if (script[i] == '\n') {
      ASSERT_TRUE(i > 0 && script[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(WindowsServiceRender, StartTypesAndAccounts) {
  auto service = minimal_service();
  service.windows.start = WindowsStart::delayed_automatic;
  service.windows.account = "LocalSystem";
  auto script = script_of(render_windows_service(service, {}));
  EXPECT_TRUE(contains(script, " start= delayed-auto obj= \"LocalSystem\" "));
  service.windows.start = WindowsStart::demand;
  service.windows.account = "localservice";
  script = script_of(render_windows_service(service, {}));
  EXPECT_TRUE(contains(script, " start= demand obj= \"NT AUTHORITY\\LocalService\" "));
  service.windows.start = WindowsStart::disabled;
  service.windows.account = "NetworkService";
  script = script_of(render_windows_service(service, {}));
  EXPECT_TRUE(contains(script, " start= disabled obj= \"NT AUTHORITY\\NetworkService\" "));
}

TEST(WindowsServiceRender, UserAccountPasswordComesFromTheEnvironment) {
  auto service = minimal_service();
  service.windows.account = "CORP\\svc-demo";
  const auto result = render_windows_service(service, {});
  ASSERT_NE(find_diagnostic(result, "windows.account", Severity::warning), nullptr);
  const auto script = script_of(result);
  EXPECT_TRUE(contains(script,
                       "obj= \"CORP\\svc-demo\" DisplayName= \"demo\" password= "
                       "\"%DAEMONIZE_SERVICE_PASSWORD%\"\r\n"))
      << script;
  EXPECT_TRUE(contains(script, "if not defined DAEMONIZE_SERVICE_PASSWORD goto need_password"));
  service.windows.account = "CORP\\gmsa-demo$";
  EXPECT_FALSE(contains(script_of(render_windows_service(service, {})), "password="));
}

TEST(WindowsServiceRender, MetacharactersAreEscapedForCmd) {
  auto service = minimal_service();
  service.display_name = "A & B | C";
  service.description = "100% sure <x> ^y (z) \"q & r\"";
  const auto script = script_of(render_windows_service(service, {}));
  // Inside sc's quoted value cmd sees quotes too, so & stays bare; % is always doubled.
  EXPECT_TRUE(contains(script, "DisplayName= \"A & B | C\"")) << script;
  // The description's own quotes are \" for sc.exe, which flips cmd's quote state: the & in
  // "q & r" is outside quotes for cmd and gets a caret.
  EXPECT_TRUE(contains(script, "description demo \"100%% sure <x> ^y (z) \\\"q ^& r\\\"\"\r\n"))
      << script;
}

TEST(WindowsServiceRender, NonAsciiSwitchesCmdToUtf8) {
  auto service = minimal_service();
  EXPECT_FALSE(contains(script_of(render_windows_service(service, {})), "chcp"));
  service.description = "caf\xC3\xA9";
  const auto script = script_of(render_windows_service(service, {}));
  EXPECT_TRUE(script.starts_with("@echo off\r\nrem Values below are UTF-8.\r\nchcp 65001 >nul\r\n"))
      << script;
}

TEST(WindowsServiceRender, FailureActionsFollowTheBackoff) {
  auto service = minimal_service();
  service.restart.delay = std::chrono::seconds(10);
  service.restart.multiplier = 4.0;
  service.restart.max_delay = std::chrono::seconds(60);
  service.restart.window = std::chrono::hours(1);
  auto script = script_of(render_windows_service(service, {}));
  EXPECT_TRUE(
      contains(script, "reset= 3600 actions= \"restart/10000/restart/40000/restart/60000\""))
      << script;
  service.restart.policy = RestartPolicy::never;
  script = script_of(render_windows_service(service, {}));
  EXPECT_TRUE(contains(script, "reset= 3600 actions= \"\"\r\n")) << script;
}

TEST(WindowsServiceRender, RequiresBecomesDependAfterIsOrderingOnly) {
  auto service = minimal_service();
  service.dependencies.after = {"network-online.target", "postgresql"};
  service.dependencies.requires_units = {"Tcpip", "postgresql"};
  const auto result = render_windows_service(service, {});
  const auto* after = find_diagnostic(result, "dependencies.after", Severity::warning);
  ASSERT_NE(after, nullptr);
  EXPECT_TRUE(contains(after->message, "[os.windows.dependencies] requires")) << after->message;
  const auto script = script_of(result);
  EXPECT_TRUE(contains(script, " depend= Tcpip/postgresql\r\n")) << script;
  EXPECT_FALSE(contains(script, "network-online")) << script;

  service.dependencies.requires_units = {};
  const auto after_only = script_of(render_windows_service(service, {}));
  EXPECT_TRUE(contains(after_only, " config demo ")) << after_only;
  EXPECT_TRUE(contains(after_only, " depend= /")) << "reconfiguring clears them\n" << after_only;
  EXPECT_FALSE(contains(after_only, "depend= postgresql")) << after_only;

  service.dependencies.requires_units = {"bad/name"};
  EXPECT_NE(find_diagnostic(render_windows_service(service, {}), "dependencies.requires[0]",
                            Severity::error),
            nullptr);
}

TEST(WindowsServiceRender, SystemdOnlyUnitsAreDroppedAndServiceSuffixesStripped) {
  auto service = minimal_service();
  service.dependencies.requires_units = {
      "network-online.target", "postgresql.service", "docker.socket",   "Tcpip",
      "var-lib.mount",         "home.automount",     "x.path",          "y.timer",
      "dev-sda.device",        "system.slice",       "session-1.scope", "dev-sdb.swap",
      "Dnscache.service"};
  std::vector<Diagnostic> diagnostics;
  const auto registration = service_registration(service, {}, diagnostics);
  ASSERT_TRUE(registration.has_value());
  EXPECT_EQ(registration->dependencies,
            (std::vector<std::string>{"postgresql", "Tcpip", "Dnscache"}));
  for (const std::size_t index : {0U, 2U, 4U, 5U, 6U, 7U, 8U, 9U, 10U, 11U}) {
    const auto key = "dependencies.requires[" + std::to_string(index) + "]";
    const auto found = std::find_if(diagnostics.begin(), diagnostics.end(), [&](const auto& d) {
      return d.key == key && d.severity == Severity::warning;
    });
    ASSERT_NE(found, diagnostics.end()) << key;
    EXPECT_TRUE(contains(found->message, service.dependencies.requires_units[index]))
        << found->message;
  }
  EXPECT_TRUE(contains(script_of(render_windows_service(service, {})),
                       " depend= postgresql/Tcpip/Dnscache\r\n"));
}

TEST(WindowsServiceRender, OsWindowsDependenciesReplaceTheBaseArrays) {
  const auto service = load(
      "[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n"
      "[dependencies]\nafter = [\"network-online.target\"]\n"
      "requires = [\"postgresql.service\", \"redis\"]\n"
      "[os.windows.dependencies]\nrequires = [\"postgresql-x64-16\"]\n");
  // Arrays are replaced, not appended; a key the override does not set keeps the base value.
  EXPECT_EQ(service.dependencies.requires_units, (std::vector<std::string>{"postgresql-x64-16"}));
  EXPECT_EQ(service.dependencies.after, (std::vector<std::string>{"network-online.target"}));
  std::vector<Diagnostic> diagnostics;
  const auto registration = service_registration(service, {}, diagnostics);
  ASSERT_TRUE(registration.has_value());
  EXPECT_EQ(registration->dependencies, (std::vector<std::string>{"postgresql-x64-16"}));
  const auto cleared = load(
      "[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n"
      "[dependencies]\nrequires = [\"redis\"]\n[os.windows.dependencies]\nrequires = []\n");
  EXPECT_TRUE(cleared.dependencies.requires_units.empty());
}

TEST(WindowsServiceRender, NativeModeWarnsAndStillRunsTheWatchdog) {
  auto service = minimal_service();
  service.supervisor = SupervisorMode::native;
  service.args = {"--flag"};
  const auto result = render_windows_service(service, {});
  EXPECT_NE(find_diagnostic(result, "service.supervisor", Severity::warning), nullptr);
  EXPECT_TRUE(contains(script_of(result), "daemonize.exe\\\" run --service"));
  EXPECT_FALSE(contains(script_of(result), "app.exe"));
}

TEST(WindowsServiceRender, StopSignalsWithoutAWindowsCounterpartWarn) {
  // TERM/INT → Ctrl+C, QUIT → Ctrl+Break, KILL → TerminateJobObject: no warning.
  for (const std::string signal : {"TERM", "INT", "QUIT", "KILL"}) {
    const auto service = load(
        "[service]\nname = \"demo\"\ncommand = \"C:\\\\app.exe\"\n"
        "[stop]\nsignal = \"" +
        signal + "\"\n");
    EXPECT_EQ(
        find_diagnostic(render_windows_service(service, {}), "stop.signal", Severity::warning),
        nullptr)
        << signal;
  }
  for (const std::string signal : {"HUP", "USR1", "USR2"}) {
    const auto service = load(
        "[service]\nname = \"demo\"\ncommand = \"C:\\\\app.exe\"\n"
        "[stop]\nsignal = \"" +
        signal + "\"\n");
    const auto result = render_windows_service(service, {});
    const auto* warning = find_diagnostic(result, "stop.signal", Severity::warning);
    ASSERT_NE(warning, nullptr) << signal;
    EXPECT_EQ(warning->message, "stop.signal = \"" + signal +
                                    "\" has no Windows counterpart: the stop starts with Ctrl+C, "
                                    "as for TERM");
  }
}

TEST(WindowsServiceRender, UserScopeIsRefused) {
  auto service = minimal_service();
  service.scope = Scope::user;
  const auto result = render_windows_service(service, {});
  EXPECT_NE(find_diagnostic(result, "service.scope", Severity::error), nullptr);
  EXPECT_TRUE(result.artifacts.empty());
  EXPECT_TRUE(make_windows_service_backend()->unsupported_reason(service).has_value());
  EXPECT_FALSE(make_windows_task_backend()->unsupported_reason(service).has_value());
}

TEST(WindowsRender, PosixCommandIsAnErrorOnBothTargets) {
  auto service = minimal_service();
  service.command = "/opt/payments/bin/server";
  for (const auto& result :
       {render_windows_service(service, {}), render_windows_task(service, {})}) {
    EXPECT_NE(find_diagnostic(result, "service.command", Severity::error), nullptr);
    EXPECT_TRUE(result.artifacts.empty());
  }
}

TEST(WindowsRender, PosixCommandErrorCarriesItsLine) {
  // The loader only warns (a POSIX path is fine for other targets); the Windows targets refuse
  // it with the key, and the CLI attaches the line (validate --target windows-*). `render all`
  // skips them instead, through unsupported_reason.
  auto loaded = load_manifest_text("[service]\nname = \"x\"\ncommand = \"/usr/bin/x\"\n", "x.toml",
                                   TargetOs::windows);
  ASSERT_TRUE(loaded.service.has_value());
  for (const auto& backend : {make_windows_service_backend(), make_windows_task_backend()}) {
    EXPECT_TRUE(backend->unsupported_reason(*loaded.service).has_value());
    auto result = backend->render(*loaded.service, {});
    attach_positions(result.diagnostics, *loaded.service);
    const auto* error = find_diagnostic(result, "service.command", Severity::error);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->line, 3);
    EXPECT_EQ(error->file, "x.toml");
  }
}

TEST(WindowsRender, ProgramFilesCommandIsNeverUnquoted) {
  // Acceptance: C:\Program Files\My App\app.exe never appears without a quote before it.
  auto service = minimal_service();
  service.args = {"x"};
  for (const auto mode : {SupervisorMode::daemonize, SupervisorMode::native}) {
    service.supervisor = mode;
    RenderOptions options;
    options.daemonize_path = "C:\\Program Files\\My App\\app.exe";
    std::vector<std::string> texts;
    for (const auto& artifact : render_windows_service(service, options).artifacts) {
      texts.push_back(artifact.content);
    }
    for (const auto& artifact : render_windows_task(service, options).artifacts) {
      texts.push_back(artifact.file_name.ends_with(".xml") ? utf8_from_utf16le(artifact.content)
                                                           : artifact.content);
    }
    ASSERT_FALSE(texts.empty());
    for (const auto& text : texts) {
      for (auto at = text.find("C:\\Program Files\\My App\\app"); at != std::string::npos;
           at = text.find("C:\\Program Files\\My App\\app", at + 1)) {
        ASSERT_GT(at, 0U);
        const char before = text[at - 1];
        EXPECT_TRUE(before == '"') << "unquoted at " << at << " in\n" << text;
      }
    }
  }
}

TEST(WindowsTaskRender, DaemonSettings) {
  const auto result = render_windows_task(minimal_service(), {});
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto& xml_bytes = result.artifacts.front().content;
  EXPECT_EQ(result.artifacts.front().file_name, "demo.xml");
  ASSERT_GE(xml_bytes.size(), 2U);
  EXPECT_EQ(xml_bytes.substr(0, 2), "\xFF\xFE");
  const auto xml = task_xml(result);
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n"));
  for (const auto* part :
       {"<BootTrigger>",
        "<UserId>S-1-5-19</UserId>\r\n      <LogonType>ServiceAccount</LogonType>\r\n      "
        "<RunLevel>LeastPrivilege</RunLevel>",
        "<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
        "<DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
        "<StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
        "<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>",
        "<AllowHardTerminate>true</AllowHardTerminate>", "<Interval>PT1M</Interval>",
        "<Count>10</Count>", "<Command>\"C:\\Program Files\\daemonize\\daemonizew.exe\"</Command>",
        "<Arguments>run \"C:\\ProgramData\\daemonize\\demo.toml\"</Arguments>"}) {
    EXPECT_TRUE(contains(xml, part)) << part << "\n" << xml;
  }
  const auto& script = result.artifacts.back();
  EXPECT_EQ(script.file_name, "install-demo.cmd");
  EXPECT_TRUE(contains(script.content,
                       "schtasks.exe\" /Create /TN \"demo\" /XML "
                       "\"%~dp0demo.xml\" /F\r\n"))
      << script.content;
}

TEST(WindowsTaskRender, WatchdogPathBecomesTheConsoleLessTwin) {
  RenderOptions options;
  options.daemonize_path = "D:\\bin\\DAEMONIZE.EXE";
  EXPECT_EQ(console_less_watchdog_path(options), "D:\\bin\\DAEMONIZEw.EXE");
  options.daemonize_path = "D:\\bin\\my-daemonize.exe";
  EXPECT_EQ(console_less_watchdog_path(options), "D:\\bin\\my-daemonize.exe");
  EXPECT_EQ(console_less_watchdog_path({}), "C:\\Program Files\\daemonize\\daemonizew.exe");
}

TEST(WindowsTaskRender, UserScopeRunsAtLogonWithTheUsersToken) {
  auto service = minimal_service();
  service.scope = Scope::user;
  service.windows.task_trigger = TaskTrigger::logon;
  const auto xml = task_xml(render_windows_task(service, {}));
  EXPECT_TRUE(contains(xml, "<LogonTrigger>"));
  EXPECT_TRUE(contains(xml, "<LogonType>InteractiveToken</LogonType>"));
  EXPECT_TRUE(contains(xml, "<RunLevel>LeastPrivilege</RunLevel>"));
  EXPECT_FALSE(contains(xml, "S-1-5-18"));
}

// One rule for every user-scope path: under %LOCALAPPDATA%, which Task Scheduler expands in the
// user's environment; nothing in C:\Program Files or C:\ProgramData.
TEST(WindowsTaskRender, UserScopePathsAreTheUsersLocalAppData) {
  auto service = minimal_service();
  service.scope = Scope::user;
  service.windows.task_trigger = TaskTrigger::logon;
  EXPECT_EQ(default_watchdog_path(Scope::user),
            "%LOCALAPPDATA%\\Programs\\daemonize\\daemonize.exe");
  EXPECT_EQ(default_watchdog_path(Scope::system), "C:\\Program Files\\daemonize\\daemonize.exe");
  EXPECT_EQ(installed_manifest_path(service, {}), "%LOCALAPPDATA%\\daemonize\\demo.toml");
  EXPECT_EQ(installed_task_xml_path(service), "%LOCALAPPDATA%\\daemonize\\tasks\\demo.xml");
  EXPECT_EQ(console_less_watchdog_path({}, Scope::user),
            "%LOCALAPPDATA%\\Programs\\daemonize\\daemonizew.exe");

  const auto result = render_windows_task(service, {});
  EXPECT_FALSE(has_errors(result.diagnostics));
  ASSERT_EQ(result.artifacts.size(), 2U);
  EXPECT_EQ(result.artifacts.front().install_path, "%LOCALAPPDATA%\\daemonize\\tasks\\demo.xml");
  const auto xml = task_xml(result);
  EXPECT_TRUE(
      contains(xml,
               "      <Command>\"%LOCALAPPDATA%\\Programs\\daemonize\\daemonizew.exe\""
               "</Command>\r\n"
               "      <Arguments>run \"%LOCALAPPDATA%\\daemonize\\demo.toml\"</Arguments>\r\n"))
      << xml;
  EXPECT_FALSE(contains(xml, "Program Files"));
  EXPECT_FALSE(contains(xml, "ProgramData"));
  // The user-scope log directory too.
  const auto loaded =
      load("[service]\nname = \"tray\"\ncommand = 'C:\\app.exe'\nscope = \"user\"\n");
  EXPECT_EQ(loaded.logs.directory, "%LOCALAPPDATA%\\tray\\logs");
}

// Paths the caller gives (deploy: the expanded ones) must be literal: no variable.
TEST(WindowsTaskRender, GivenUserScopePathsMustBeLiteral) {
  auto service = minimal_service();
  service.scope = Scope::user;
  RenderOptions options;
  options.daemonize_path = "%LOCALAPPDATA%\\Programs\\daemonize\\daemonize.exe";
  EXPECT_TRUE(has_errors(render_windows_task(service, options).diagnostics));
  options.daemonize_path = "C:\\Users\\a\\AppData\\Local\\Programs\\daemonize\\daemonize.exe";
  options.installed_manifest_path = "C:\\Users\\a\\AppData\\Local\\daemonize\\demo.toml";
  const auto xml = task_xml(render_windows_task(service, options));
  EXPECT_TRUE(contains(
      xml,
      "<Command>\"C:\\Users\\a\\AppData\\Local\\Programs\\daemonize\\daemonizew.exe\"</Command>"))
      << xml;
}

// A logon trigger for any user needs an administrator; deploy names the deploying user in it,
// and only in user scope (the principal stays the registering user's interactive token).
TEST(WindowsTaskRender, DeployNamesTheDeployingUserInTheLogonTrigger) {
  auto service = minimal_service();
  service.scope = Scope::user;
  service.windows.task_trigger = TaskTrigger::logon;
  RenderOptions options;
  options.deploying_user = "HOST\\alice";
  auto xml = task_xml(render_windows_task(service, options));
  EXPECT_TRUE(contains(xml,
                       "    <LogonTrigger>\r\n      <Enabled>true</Enabled>\r\n      "
                       "<UserId>HOST\\alice</UserId>\r\n    </LogonTrigger>\r\n"))
      << xml;
  EXPECT_TRUE(contains(xml,
                       "    <Principal id=\"Author\">\r\n      <LogonType>InteractiveToken"
                       "</LogonType>\r\n      <RunLevel>LeastPrivilege</RunLevel>\r\n"))
      << xml;
  EXPECT_FALSE(contains(task_xml(render_windows_task(service, {})), "<UserId>"));

  service.scope = Scope::system;
  service.windows.task_trigger = TaskTrigger::boot;
  xml = task_xml(render_windows_task(service, options));
  EXPECT_FALSE(contains(xml, "HOST\\alice")) << xml;
}

// Rendered away from Windows (render, or deploy --output-dir on Linux) nobody knows the user who
// will register a user's logon task: the trigger then names none, and the renderer says what
// that costs.
TEST(WindowsTaskRender, AUsersLogonTaskWithoutAKnownUserIsAWarning) {
  auto service = minimal_service();
  service.scope = Scope::user;
  service.windows.task_trigger = TaskTrigger::logon;
  const auto warned = [](const RenderResult& result) {
    return std::any_of(result.diagnostics.begin(), result.diagnostics.end(), [](const auto& d) {
      return d.key == "windows.task_trigger" &&
             d.message.find(
                 "fires at every user's logon and registering it needs an "
                 "administrator; set windows.account") != std::string::npos;
    });
  };
  EXPECT_TRUE(warned(render_windows_task(service, {})));
  RenderOptions options;
  options.deploying_user = "HOST\\alice";
  EXPECT_FALSE(warned(render_windows_task(service, options)));
  service.windows.start = WindowsStart::demand;  // no trigger at all
  EXPECT_FALSE(warned(render_windows_task(service, {})));
}

TEST(WindowsTaskRender, StartTypes) {
  auto service = minimal_service();
  service.windows.start = WindowsStart::delayed_automatic;
  EXPECT_TRUE(contains(task_xml(render_windows_task(service, {})), "<Delay>PT2M</Delay>"));
  service.windows.start = WindowsStart::demand;
  EXPECT_FALSE(contains(task_xml(render_windows_task(service, {})), "<Triggers>"));
  service.windows.start = WindowsStart::disabled;
  EXPECT_TRUE(contains(task_xml(render_windows_task(service, {})), "<Enabled>false</Enabled>"));
}

TEST(WindowsTaskRender, RestartOnFailureIsClampedWithWarningsInNativeMode) {
  auto service = minimal_service();
  service.supervisor = SupervisorMode::native;
  service.logs.stdout_stream.kind = LogStream::Kind::null;
  service.logs.stderr_stream.kind = LogStream::Kind::null;
  service.restart.delay = std::chrono::seconds(5);
  service.restart.max_restarts = 0;
  auto result = render_windows_task(service, {});
  auto xml = task_xml(result);
  EXPECT_TRUE(contains(xml, "<Interval>PT1M</Interval>"));
  EXPECT_TRUE(contains(xml, "<Count>255</Count>"));
  EXPECT_NE(find_diagnostic(result, "restart.delay", Severity::warning), nullptr);
  EXPECT_NE(find_diagnostic(result, "restart.max_restarts", Severity::warning), nullptr);

  service.restart.delay = std::chrono::seconds(90);
  service.restart.max_restarts = 256;
  result = render_windows_task(service, {});
  xml = task_xml(result);
  EXPECT_TRUE(contains(xml, "<Interval>PT1M30S</Interval>"));
  EXPECT_TRUE(contains(xml, "<Count>255</Count>"));
  EXPECT_EQ(find_diagnostic(result, "restart.delay", Severity::warning), nullptr);

  service.restart.policy = RestartPolicy::never;
  EXPECT_FALSE(contains(task_xml(render_windows_task(service, {})), "RestartOnFailure"));
}

TEST(WindowsTaskRender, DaemonizeModeClampsSilently) {
  auto service = minimal_service();
  service.restart.max_restarts = 0;
  const auto result = render_windows_task(service, {});
  EXPECT_TRUE(contains(task_xml(result), "<Count>255</Count>"));
  EXPECT_EQ(find_diagnostic(result, "restart.max_restarts", Severity::warning), nullptr);
}

TEST(WindowsTaskRender, NativeModeRunsTheProgramWithQuotedArguments) {
  auto service = minimal_service();
  service.supervisor = SupervisorMode::native;
  service.args = {"a b", "", "x\\\"y", "C:\\dir with space\\", "cost: 5$$"};
  service.working_directory = "C:\\Program Files\\My App";
  const auto xml = task_xml(render_windows_task(service, {}));
  EXPECT_TRUE(contains(xml, "<Command>\"C:\\Program Files\\My App\\app.exe\"</Command>")) << xml;
  EXPECT_TRUE(contains(xml,
                       "<Arguments>\"a b\" \"\" \"x\\\\\\\"y\" \"C:\\dir with space\\\\\" "
                       "\"cost: 5$\"</Arguments>"))
      << xml;
  EXPECT_TRUE(contains(xml, "<WorkingDirectory>C:\\Program Files\\My App</WorkingDirectory>"));
}

TEST(WindowsTaskRender, NativeModeRejectsInterpolationAndPercentVariables) {
  auto service = minimal_service();
  service.supervisor = SupervisorMode::native;
  service.args = {"--port", "${PORT}", "%TEMP%\\x"};
  const auto result = render_windows_task(service, {});
  EXPECT_NE(find_diagnostic(result, "service.args[1]", Severity::error), nullptr);
  EXPECT_NE(find_diagnostic(result, "service.args[2]", Severity::error), nullptr);
  EXPECT_TRUE(result.artifacts.empty());
  service.args = {};
  service.env = {{"A", "b"}};
  EXPECT_NE(find_diagnostic(render_windows_task(service, {}), "env", Severity::error), nullptr);
}

TEST(WindowsTaskRender, DaemonizeModeKeepsInterpolationForTheWatchdog) {
  auto service = minimal_service();
  service.args = {"${PORT:-8080}", "%TEMP%"};
  const auto result = render_windows_task(service, {});
  EXPECT_FALSE(has_errors(result.diagnostics));
  EXPECT_FALSE(contains(task_xml(result), "PORT"));
}

TEST(WindowsTaskRender, Principals) {
  auto service = load(
      "[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n[windows]\naccount = \"LocalService\"\n");
  EXPECT_TRUE(contains(task_xml(render_windows_task(service, {})),
                       "<UserId>S-1-5-19</UserId>\r\n      <LogonType>ServiceAccount</LogonType>"));
  service = load(
      "[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n[windows]\naccount = "
      "'NT SERVICE\\p'\n");
  EXPECT_NE(find_diagnostic(render_windows_task(service, {}), "windows.account", Severity::error),
            nullptr);
  service = load(
      "[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n[windows]\naccount = "
      "'CORP\\svc'\n");
  const auto result = render_windows_task(service, {});
  EXPECT_TRUE(contains(task_xml(result), "<UserId>CORP\\svc</UserId>"));
  EXPECT_TRUE(contains(result.artifacts.back().content, " /RU \"CORP\\svc\" /RP *\r\n"));
}

TEST(WindowsTaskRender, LeastPrivilegeByDefaultAndForLocalSystem) {
  auto service = load("[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\nuser = \"app\"\n");
  auto result = render_windows_task(service, {});
  auto xml = task_xml(result);
  EXPECT_TRUE(contains(xml, "<UserId>S-1-5-19</UserId>")) << xml;
  EXPECT_TRUE(contains(xml, "<RunLevel>LeastPrivilege</RunLevel>")) << xml;
  EXPECT_FALSE(contains(xml, "S-1-5-18")) << xml;
  EXPECT_FALSE(contains(xml, "HighestAvailable")) << xml;
  // The warnings name the account the task really runs as, never a virtual account.
  const auto* user = find_diagnostic(result, "service.user", Severity::warning);
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(contains(user->message, "NT AUTHORITY\\LocalService")) << user->message;
  EXPECT_FALSE(contains(user->message, "NT SERVICE")) << user->message;

  for (const auto* account : {"LocalSystem", "SYSTEM"}) {
    service = load(std::string("[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n"
                               "user = \"app\"\n[windows]\naccount = \"") +
                   account + "\"\n");
    result = render_windows_task(service, {});
    xml = task_xml(result);
    EXPECT_TRUE(contains(xml, "<UserId>S-1-5-18</UserId>")) << xml;
    EXPECT_TRUE(contains(xml, "<RunLevel>LeastPrivilege</RunLevel>")) << xml;
    user = find_diagnostic(result, "service.user", Severity::warning);
    ASSERT_NE(user, nullptr);
    EXPECT_TRUE(contains(user->message, "LocalSystem")) << user->message;
  }
}

TEST(WindowsTaskRender, LogonTriggerWarningNamesThePrincipal) {
  const auto service =
      load("[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n[windows]\ntask_trigger = \"logon\"\n");
  const auto result = render_windows_task(service, {});
  const auto* trigger = find_diagnostic(result, "windows.task_trigger", Severity::warning);
  ASSERT_NE(trigger, nullptr);
  EXPECT_TRUE(contains(trigger->message, "LocalService")) << trigger->message;
  EXPECT_FALSE(contains(trigger->message, "SYSTEM")) << trigger->message;
}

TEST(WindowsTaskRender, TaskAccountIsWhatDeployGrants) {
  auto service = load("[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n");
  EXPECT_EQ(task_account(service), "NT AUTHORITY\\LocalService");
  service =
      load("[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n[windows]\naccount = \"system\"\n");
  EXPECT_EQ(task_account(service), "LocalSystem");
  service =
      load("[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n[windows]\naccount = 'CORP\\svc'\n");
  EXPECT_EQ(task_account(service), "CORP\\svc");
  service = load("[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\nscope = \"user\"\n");
  EXPECT_EQ(task_account(service), "") << "the user who registers the task";
}

TEST(WindowsTaskRender, CommandLongerThanMaxPathIsAnError) {
  auto service = minimal_service();
  service.supervisor = SupervisorMode::native;
  service.command = "C:\\" + std::string(255, 'a') + ".exe";  // 262 characters with quotes
  EXPECT_NE(find_diagnostic(render_windows_task(service, {}), "service.command", Severity::error),
            nullptr);
  service.command = "C:\\" + std::string(250, 'a') + ".exe";
  EXPECT_FALSE(has_errors(render_windows_task(service, {}).diagnostics));
}

TEST(WindowsTaskRender, XmlDurations) {
  EXPECT_EQ(xml_duration(std::chrono::seconds(0)), "PT0S");
  EXPECT_EQ(xml_duration(std::chrono::milliseconds(1)), "PT1S");
  EXPECT_EQ(xml_duration(std::chrono::seconds(90)), "PT1M30S");
  EXPECT_EQ(xml_duration(std::chrono::hours(26)), "P1DT2H");
  EXPECT_EQ(xml_duration(std::chrono::hours(48)), "P2D");
}

TEST(WindowsBackends, Names) {
  EXPECT_EQ(make_windows_service_backend()->name(), "windows-service");
  EXPECT_EQ(make_windows_task_backend()->name(), "windows-task");
  EXPECT_EQ(make_windows_task_backend()->os(), TargetOs::windows);
}

TEST(WindowsBackends, AnExplicitTargetRendersUnlessTheOtherBackendWasChosen) {
  const auto service_backend = make_windows_service_backend();
  const auto task_backend = make_windows_task_backend();
  const std::string base = "[service]\nname = \"p\"\ncommand = 'C:\\p.exe'\n";

  // backend left at its default: both render on request, `all` picks windows-service.
  auto service = load(base);
  EXPECT_FALSE(service_backend->unsupported_reason(service).has_value());
  EXPECT_FALSE(service_backend->not_selected_reason(service).has_value());
  EXPECT_FALSE(task_backend->unsupported_reason(service).has_value());
  EXPECT_TRUE(task_backend->not_selected_reason(service).has_value());

  // backend = "service" written: windows-task refuses.
  service = load(base + "[windows]\nbackend = \"service\"\n");
  EXPECT_FALSE(service_backend->unsupported_reason(service).has_value());
  EXPECT_TRUE(task_backend->unsupported_reason(service).has_value());

  // backend = "task" (in [os.windows] too): windows-service refuses, `all` picks windows-task.
  for (const auto* table : {"[windows]", "[os.windows.windows]"}) {
    service = load(base + table + "\nbackend = \"task\"\n");
    EXPECT_TRUE(service_backend->unsupported_reason(service).has_value()) << table;
    EXPECT_FALSE(task_backend->unsupported_reason(service).has_value()) << table;
    EXPECT_FALSE(task_backend->not_selected_reason(service).has_value()) << table;
  }

  // scope = "user" is a task whatever the backend.
  service = load(base + "scope = \"user\"\n");
  EXPECT_FALSE(task_backend->unsupported_reason(service).has_value());
  EXPECT_FALSE(task_backend->not_selected_reason(service).has_value());
}

}  // namespace
}  // namespace daemonize::windows
