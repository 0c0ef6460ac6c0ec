// NSSM and plain Windows services from registry exports: the .reg syntax (UTF-16LE as regedit
// writes it, UTF-8, REGEDIT4), CommandLineToArgvW splitting, and the mapping with exact report
// lines. Manifests are loaded for Windows, where their paths apply.
#include <gtest/gtest.h>

#include "reg_file.hpp"
#include "test_support.hpp"
#include "windows_syntax.hpp"

namespace daemonize::import {
namespace {

using test::example;
using test::read_text;
using test::report_lines;

// Loads every imported manifest for Windows; fails the test when one does not load.
std::vector<Service> load_windows(const ImportResult& result) {
  std::vector<Service> services;
  for (const auto& imported : result.services) {
    auto loaded = load_manifest_text(imported.manifest, imported.name + ".toml", TargetOs::windows);
    std::string diagnostics;
    for (const auto& d : loaded.diagnostics) diagnostics += format_diagnostic(d) + "\n";
    EXPECT_TRUE(loaded.service.has_value()) << imported.manifest << diagnostics;
    if (loaded.service) services.push_back(*loaded.service);
  }
  return services;
}

ImportResult import_example(const std::string& name) {
  return import_nssm({name, read_text(example("nssm/" + name))});
}

TEST(ImportNssm, GrafanaExportedByRegeditInUtf16) {
  const std::string raw = read_text(example("nssm/grafana.reg"));
  ASSERT_TRUE(raw.starts_with("\xFF\xFE"));  // as regedit writes it
  auto result = import_example("grafana.reg");
  ASSERT_TRUE(result.errors.empty()) << result.errors.front().message;
  const std::string f = "grafana.reg:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "4: carried: Type — a service in a process of its own",
          f + "5: carried: Start — windows.start = \"auto\"",
          f + "6: carried: ErrorControl — normal, as deploy registers it",
          f + "7: carried: ImagePath — nssm.exe runs Parameters\\Application; the watchdog takes "
              "its place",
          f + "10: carried: DisplayName — service.display_name",
          f + "11: carried: ObjectName — windows.account (the password is not in the registry: "
              "give it at deploy)",
          f + "12: carried: Description — service.description",
          f + "13: carried: DependOnService — [os.windows.dependencies] requires",
          f + "17: carried: Application — service.command",
          f + "23: carried: AppParameters — service.args (split as CommandLineToArgvW does)",
          f + "30: carried: AppDirectory — service.working_directory",
          f + "34: carried: AppEnvironmentExtra — env.GF_PATHS_DATA, env.GF_SERVER_HTTP_PORT",
          f + "39: carried: AppStdout — logs.directory + logs.stdout",
          f + "42: carried: AppStderr — logs.directory + logs.stderr",
          f + "45: approximated: AppRotateFiles — rotation by logs.max_size and logs.rotate_every; "
              "NSSM keeps every rotated file, logs.max_files = 10000 (the most a manifest keeps)",
          f + "46: carried: AppRotateOnline — the watchdog rotates while the program runs",
          f + "47: carried: AppRotateBytes — logs.max_size = 10485760",
          f + "48: carried: AppRestartDelay — restart.delay",
          f + "49: carried: AppStopMethodSkip — every stop step",
          f + "52: carried: AppExit\\(default) — restart.policy = \"always\"",
      }));
  auto services = load_windows(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.name, "grafana");
  EXPECT_EQ(s.display_name, "Grafana");
  EXPECT_EQ(s.command, R"(C:\Program Files\GrafanaLabs\grafana\bin\grafana-server.exe)");
  EXPECT_EQ(s.args,
            (std::vector<std::string>{"--homepath", R"(C:\Program Files\GrafanaLabs\grafana)",
                                      "--config", R"(conf\custom.ini)"}));
  EXPECT_EQ(s.working_directory, R"(C:\Program Files\GrafanaLabs\grafana)");
  EXPECT_EQ(s.env, (std::map<std::string, std::string>{{"GF_PATHS_DATA", R"(D:\grafana\data)"},
                                                       {"GF_SERVER_HTTP_PORT", "3000"}}));
  EXPECT_EQ(s.logs.directory, R"(D:\grafana\log)");
  EXPECT_EQ(s.logs.stdout_stream.file_name, "service.log");
  EXPECT_EQ(s.logs.stderr_stream.file_name, "service.log");
  EXPECT_EQ(s.logs.max_size, 10U * 1024U * 1024U);
  EXPECT_EQ(s.logs.max_files, 10000U);
  EXPECT_EQ(s.restart.policy, RestartPolicy::always);
  EXPECT_EQ(s.restart.delay, std::chrono::seconds(5));
  EXPECT_EQ(s.restart.max_restarts, 0U);
  EXPECT_EQ(s.restart.reset_after, std::chrono::milliseconds(1500));
  EXPECT_EQ(s.stop.timeout, std::chrono::milliseconds(4500));
  EXPECT_EQ(s.windows.start, WindowsStart::automatic);
  EXPECT_EQ(s.windows.account, "LocalSystem");
  EXPECT_EQ(s.dependencies.requires_units, (std::vector<std::string>{"Tcpip", "Dnscache"}));
}

TEST(ImportNssm, CaddyWithExpandedPathsAndExitCodes) {
  auto result = import_example("caddy.reg");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "caddy.reg:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "4: carried: Type — a service in a process of its own",
          f + "5: carried: Start — windows.start = \"delayed-auto\"",
          f + "6: carried: ErrorControl — normal, as deploy registers it",
          f + "7: carried: ImagePath — nssm.exe runs Parameters\\Application; the watchdog takes "
              "its place",
          f + "12: carried: DisplayName — service.display_name",
          f + "13: carried: ObjectName — windows.account (the password is not in the registry: "
              "give it at deploy)",
          f + "14: carried: DelayedAutostart — windows.start = \"delayed-auto\"",
          f + "15: dropped: FailureActionsOnNonCrashFailures — no equivalent in the manifest",
          f + "18: approximated: Application — service.command; %ProgramFiles% as ${ProgramFiles}: "
              "read from the watchdog's environment when the program starts",
          f + "21: approximated: AppParameters — service.args (split as CommandLineToArgvW does); "
              "%ProgramData% as ${ProgramData}: read from the watchdog's environment when the "
              "program starts",
          f + "27: approximated: AppDirectory — service.working_directory; %ProgramData% as "
              "${ProgramData}: read from the watchdog's environment when the program starts",
          f + "29: approximated: AppEnvironmentExtra — env.XDG_DATA_HOME, env.CADDY_ADMIN; "
              "%ProgramData% as ${ProgramData}: read from the watchdog's environment when the "
              "program starts",
          f + "35: approximated: AppStopMethodSkip — the watchdog tries every step that reaches "
              "the program",
          f + "36: approximated: AppStopMethodConsole — part of stop.timeout = \"10s\" (the sum of "
              "the steps' waits), which the watchdog shares among its steps (Ctrl+C until ½, "
              "WM_CLOSE until ¾, then WM_QUIT)",
          f + "37: carried: AppKillProcessTree — the whole process tree is stopped",
          f + "38: approximated: AppThrottle — restart.reset_after: a run shorter than this makes "
              "the next restart wait longer (the watchdog's backoff instead of NSSM's throttle)",
          f + "39: carried: AppNoConsole — the program has a console (the watchdog's Ctrl+C "
              "reaches it)",
          f + "42: carried: AppExit\\(default) — restart.policy = \"always\"",
          f + "43: carried: AppExit\\0 — restart.policy = \"on-failure\", "
              "restart.success_exit_codes",
      }));
  auto services = load_windows(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.command, R"(${ProgramFiles}\Caddy\caddy.exe)");
  EXPECT_EQ(s.args,
            (std::vector<std::string>{"run", "--config", R"(${ProgramData}\Caddy\Caddyfile)",
                                      "--adapter", "caddyfile"}));
  EXPECT_EQ(s.env.at("XDG_DATA_HOME"), R"(${ProgramData}\Caddy\data)");
  EXPECT_EQ(s.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(s.restart.success_exit_codes, (std::vector<int>{0}));
  EXPECT_EQ(s.restart.reset_after, std::chrono::seconds(10));
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(10));  // only the console step is not skipped
  EXPECT_EQ(s.windows.start, WindowsStart::delayed_automatic);
  EXPECT_EQ(s.windows.account, R"(NT AUTHORITY\LocalService)");
}

TEST(ImportNssm, OrdersApiHooksRotationAndExitDefault) {
  auto result = import_example("orders-api.reg");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "orders-api.reg:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "5: carried: Type — a service in a process of its own",
          f + "6: carried: Start — windows.start = \"demand\"",
          f + "7: carried: ImagePath — nssm.exe runs Parameters\\Application; the watchdog takes "
              "its place",
          f + "9: carried: DisplayName — service.display_name",
          f + "10: carried: Description — service.description",
          f + "11: carried: ObjectName — windows.account (the password is not in the registry: "
              "give it at deploy)",
          f + "14: carried: Application — service.command",
          f + "15: carried: AppParameters — service.args (split as CommandLineToArgvW does)",
          f + "16: carried: AppDirectory — service.working_directory",
          f + "17: approximated: AppEnvironment — env.NODE_ENV, env.PATH, env.PRICE; NSSM gave the "
              "program only these variables; the manifest adds them to the environment the program "
              "inherits",
          f + "23: carried: AppStdout — logs.directory + logs.stdout",
          f + "24: carried: AppStderr — logs.directory + logs.stderr",
          f + "25: approximated: AppStdoutCreationDisposition — the watchdog appends to the file "
              "instead of replacing it",
          f + "26: carried: AppTimestampLog — logs.timestamps = true",
          f + "27: approximated: AppRotateFiles — rotation by logs.max_size and logs.rotate_every; "
              "NSSM keeps every rotated file, logs.max_files = 10000 (the most a manifest keeps)",
          f + "28: approximated: AppRotateSeconds — logs.rotate_every = \"daily\": at fixed "
              "boundaries, not 86400s after the file was started",
          f + "29: carried: AppRotateBytes — logs.max_size = 1048576",
          f + "30: carried: AppRestartDelay — restart.delay",
          f + "31: dropped: AppPriority — no process priority in the manifest",
          f + "32: dropped: AppAffinity — no processor affinity in the manifest",
          f + "35: approximated: AppExit\\(default) — the service stops only for 0 and the "
              "restart.success_exit_codes; 2 restarts, and so do other codes",
          f + "36: approximated: AppExit\\2 — restart.policy = \"on-failure\": every code but the "
              "restart.success_exit_codes restarts, not only 2",
          f + "39: carried: AppEvents\\Start\\Pre — hooks.pre_start",
          f + "42: carried: AppEvents\\Exit\\Post — hooks.post_stop",
          f + "45: dropped: AppEvents\\Rotate\\Pre — only Start/Pre, Start/Post and Exit/Post have "
              "hooks",
      }));
  auto services = load_windows(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.args, (std::vector<std::string>{R"(dist\server.js)", "--port", "8080", "--name",
                                              "orders api"}));
  EXPECT_EQ(s.env.at("PRICE"), "$$5");  // a literal $ in the manifest's syntax
  EXPECT_EQ(s.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(s.restart.delay, std::chrono::seconds(100));
  EXPECT_EQ(s.logs.rotate_every, RotateEvery::daily);
  EXPECT_TRUE(s.logs.timestamps);
  ASSERT_EQ(s.hooks.pre_start.size(), 1U);
  EXPECT_EQ(s.hooks.pre_start[0].argv,
            (std::vector<std::string>{R"(C:\Program Files\nodejs\node.exe)",
                                      R"(D:\apps\orders-api\migrate.js)"}));
  ASSERT_EQ(s.hooks.post_stop.size(), 1U);
  EXPECT_EQ(s.hooks.post_stop[0].argv.front(), R"(C:\Windows\System32\cmd.exe)");
  EXPECT_EQ(s.windows.start, WindowsStart::demand);
  EXPECT_EQ(s.windows.account, R"(.\svc-orders)");
}

TEST(ImportNssm, Regedit4Export) {
  auto result = import_example("syncthing-regedit4.reg");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "syncthing-regedit4.reg:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "4: carried: Type — a service in a process of its own",
                f + "5: carried: Start — windows.start = \"disabled\"",
                f + "6: carried: ImagePath — nssm.exe runs Parameters\\Application; the watchdog "
                    "takes its place",
                f + "7: carried: DisplayName — service.display_name",
                f + "10: carried: Application — service.command",
                f + "11: carried: AppParameters — service.args (split as CommandLineToArgvW does)",
                f + "12: carried: AppDirectory — service.working_directory",
                f + "13: carried: AppEnvironmentExtra — env.STNORESTART",
                f + "14: approximated: AppStopMethodSkip — the watchdog tries every step that "
                    "reaches the program, and always ends with terminating it",
                f + "15: dropped: AppStdin — file sharing and standard input have no equivalent",
            }));
  auto services = load_windows(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].windows.start, WindowsStart::disabled);
  EXPECT_EQ(services[0].stop.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(services[0].args.back(), R"(--home=C:\syncthing\home)");
}

TEST(ImportNssm, PlainServiceRunsItsImagePath) {
  auto result = import_example("plain-service.reg");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "plain-service.reg:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "4: carried: Type — a service in a process of its own",
                f + "5: carried: Start — windows.start = \"auto\"",
                f + "6: carried: ErrorControl — normal, as deploy registers it",
                f + "7: approximated: ImagePath — service.command, service.args; %ProgramFiles% as "
                    "${ProgramFiles}: read from the watchdog's environment when the program "
                    "starts; a service program expects the SCM to start it; under the watchdog it "
                    "runs as a console program",
                f + "16: carried: DisplayName — service.display_name",
                f + "17: dropped: Description — a resource string, not text",
                f + "18: carried: ObjectName — windows.account (the password is not in the "
                    "registry: give it at deploy)",
                f + "19: approximated: FailureActions — restart.policy = \"on-failure\", "
                    "restart.delay, restart.window; the watchdog backs off from the first delay "
                    "instead of the SCM's list of actions",
                f + "22: dropped: ServiceSidType — no equivalent in the manifest",
                f + "23: carried: DependOnService — [os.windows.dependencies] requires",
                f + "26: dropped: Security\\Security — the subkey Security has no equivalent in "
                    "the manifest",
            }));
  auto services = load_windows(result);
  ASSERT_EQ(services.size(), 1U);
  const auto& s = services.front();
  EXPECT_EQ(s.name, "TelemetryAgent");
  EXPECT_EQ(s.command, R"(${ProgramFiles}\Contoso\Telemetry\agent.exe)");
  EXPECT_EQ(s.args, (std::vector<std::string>{"--service", "--config",
                                              R"(C:\ProgramData\Contoso\agent.yaml)"}));
  EXPECT_EQ(s.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(s.restart.delay, std::chrono::seconds(30));
  EXPECT_EQ(s.restart.window, std::chrono::hours(24));
  EXPECT_EQ(s.windows.account, R"(NT AUTHORITY\NetworkService)");
}

TEST(ImportNssm, PerCodeExitActions) {
  auto result = import_example("windows-exporter.reg");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "windows-exporter.reg:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "4: carried: Type — a service in a process of its own",
          f + "5: carried: Start — windows.start = \"auto\"",
          f + "6: carried: ImagePath — nssm.exe runs Parameters\\Application; the watchdog takes "
              "its place",
          f + "9: carried: DisplayName — service.display_name",
          f + "10: carried: ObjectName — windows.account (the password is not in the registry: "
              "give it at deploy)",
          f + "13: carried: Application — service.command",
          f + "16: carried: AppParameters — service.args (split as CommandLineToArgvW does)",
          f + "24: carried: AppStdout — logs.directory + logs.stdout",
          f + "27: approximated: AppStderr — logs.directory + logs.stderr; written into "
              "C:\\exporters\\logs (both streams share logs.directory)",
          f + "30: approximated: AppThrottle — restart.reset_after: a run shorter than this makes "
              "the next restart wait longer (the watchdog's backoff instead of NSSM's throttle)",
          f + "31: carried: AppRestartDelay — restart.delay",
          f + "34: carried: AppExit\\(default) — restart.policy = \"always\"",
          f + "35: carried: AppExit\\0 — restart.policy = \"on-failure\", "
              "restart.success_exit_codes",
          f + "36: approximated: AppExit\\3 — restart.policy = \"on-failure\", "
              "restart.success_exit_codes: the service stops",
      }));
  auto services = load_windows(result);
  ASSERT_EQ(services.size(), 1U);
  EXPECT_EQ(services[0].restart.success_exit_codes, (std::vector<int>{0, 3}));
  EXPECT_EQ(services[0].logs.directory, R"(C:\exporters\logs)");
}

TEST(ImportNssm, EveryExampleValidatesForLinuxToo) {
  for (const auto* name : {"grafana.reg", "caddy.reg", "orders-api.reg", "syncthing-regedit4.reg",
                           "plain-service.reg", "windows-exporter.reg"}) {
    auto result = import_example(name);
    EXPECT_EQ(test::load_all(result).size(), 1U) << name;
  }
}

std::string error_of(const std::string& text) {
  auto result = import_nssm({"x.reg", text});
  if (result.errors.empty()) return "";
  return "x.reg:" + std::to_string(result.errors[0].line) + ": " + result.errors[0].message;
}

constexpr const char* kKey = "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\web]\n";

TEST(ImportNssm, MalformedExportsNameTheirLine) {
  const std::string v5 = "Windows Registry Editor Version 5.00\n\n";
  EXPECT_EQ(error_of("[Unit]\nExecStart=/bin/true\n"),
            "x.reg:1: not a registry export: the first line is neither \"Windows Registry Editor "
            "Version 5.00\" nor \"REGEDIT4\"");
  EXPECT_EQ(error_of(v5 + kKey + "\"Start\"=dword:2x\n"),
            "x.reg:4: dword: must be followed by 1 to 8 hex digits");
  EXPECT_EQ(error_of(v5 + kKey + "\"A\"=hex(7):41,00,\\\n  4\n"),
            "x.reg:4: the bytes of a hex value must be pairs of hex digits");
  EXPECT_EQ(error_of(v5 + kKey + "\"A\"=\"unclosed\n"),
            "x.reg:4: a string value must be one \"quoted\" string");
  EXPECT_EQ(error_of(v5 + "\"A\"=\"x\"\n"), "x.reg:3: a value before the first [key]");
  EXPECT_EQ(error_of(v5 + "[HKEY_CURRENT_USER\\Software\\x]\n\"A\"=\"x\"\n"),
            "x.reg:3: not a service registration: no key under "
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services");
  EXPECT_EQ(error_of(v5 + kKey + "\"Start\"=dword:00000002\n"),
            "x.reg:3: service web has no ImagePath: not a service registration");
  EXPECT_EQ(error_of(v5 + kKey + "\"ImagePath\"=\"C:\\\\nssm\\\\nssm.exe\"\n"),
            "x.reg:4: service web runs nssm.exe but has no Parameters\\Application: nothing to "
            "run (export Services\\web with its subkeys)");
  // Found by fuzzing: a display name or description that is not one line is left out.
  {
    const auto result = daemonize::import::import_nssm(
        {"x.reg",
         v5 + kKey + "\"ImagePath\"=\"C:\\\\app\\\\app.exe\"\n\"DisplayName\"=\"A\tB\"\n"});
    ASSERT_TRUE(result.errors.empty());
    ASSERT_EQ(result.services.size(), 1U);
    EXPECT_EQ(result.services.front().manifest.find("display_name"), std::string::npos);
    EXPECT_TRUE(std::any_of(result.report.begin(), result.report.end(), [](const auto& line) {
      return line.outcome == daemonize::import::Outcome::dropped &&
             line.note == "not one line of text";
    }));
  }
  // Found by fuzzing: an Application of another type, or an empty one, runs nothing.
  for (const char* application : {"dword:00000001", "\"  \""}) {
    EXPECT_EQ(
        error_of(v5 + kKey + "\"ImagePath\"=\"C:\\\\nssm\\\\nssm.exe\"\n" +
                 "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\web\\Parameters]\n" +
                 "\"Application\"=" + application + "\n"),
        "x.reg:6: service web: Parameters\\Application is not a program path (NSSM reads it "
        "as a REG_SZ or REG_EXPAND_SZ string): nothing to run")
        << application;
  }
  EXPECT_EQ(error_of(v5 + kKey + "\"Type\"=dword:00000001\n\"ImagePath\"=\"C:\\\\d.sys\"\n"),
            "x.reg:4: Type 1 is a driver, not a service program");
  EXPECT_EQ(error_of(v5 + kKey +
                     "\"ImagePath\"=\"\\\"C:\\\\daemonize\\\\daemonize.exe\\\" run --service "
                     "C:\\\\ProgramData\\\\daemonize\\\\web.toml\"\n"),
            "x.reg:4: service web was deployed by daemonize: its manifest is "
            "C:\\ProgramData\\daemonize\\web.toml; use that file as it is");
  // UTF-16LE with a lone surrogate on the second line.
  std::string utf16 = "\xFF\xFE";
  for (const char c : std::string("REGEDIT4\n")) utf16 += std::string{c, '\0'};
  utf16 += std::string("\x00\xD8", 2);
  EXPECT_EQ(error_of(utf16),
            "x.reg:2: not UTF-16LE text (a lone surrogate or an odd number of bytes)");
}

TEST(RegFile, ValueKindsAndContinuations) {
  const auto file = parse_reg_file(
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\X]\r\n"
      "@=\"default \\\"quoted\\\" \\\\ back\"\r\n"
      "\"D\"=dword:0000ffff\r\n"
      "\"Q\"=hex(b):01,00,00,00,00,00,00,01\r\n"
      "\"E\"=hex(2):25,00,41,00,25,00,\\\r\n  00,00\r\n"
      "\"M\"=hex(7):61,00,3d,00,31,00,00,00,62,00,00,00,00,00\r\n"
      "\"B\"=hex:de,ad\r\n"
      "\"Gone\"=-\r\n");
  ASSERT_FALSE(file.error) << file.error->message;
  ASSERT_EQ(file.keys.size(), 1U);
  const auto& v = file.keys[0].values;
  ASSERT_EQ(v.size(), 7U);
  EXPECT_EQ(v[0].name, "");
  EXPECT_EQ(v[0].text, R"(default "quoted" \ back)");
  EXPECT_EQ(v[1].number, 0xffffU);
  EXPECT_EQ(v[2].kind, RegValue::Kind::qword);
  EXPECT_EQ(v[2].number, 0x0100000000000001ULL);
  EXPECT_EQ(v[3].kind, RegValue::Kind::expand_string);
  EXPECT_EQ(v[3].text, "%A%");
  EXPECT_EQ(v[3].line, 7);
  EXPECT_EQ(v[4].strings, (std::vector<std::string>{"a=1", "b"}));
  EXPECT_EQ(v[4].line, 9);
  EXPECT_EQ(v[5].bytes, (std::vector<std::uint8_t>{0xde, 0xad}));
  EXPECT_EQ(v[6].kind, RegValue::Kind::deletion);
}

TEST(WindowsCommandLine, SplitsAsCommandLineToArgvW) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split_windows_command_line(R"("C:\Program Files\a.exe" x "y z")", true),
            (V{R"(C:\Program Files\a.exe)", "x", "y z"}));
  EXPECT_EQ(split_windows_command_line(R"(C:\a\b.exe -p C:\dir\)", true),
            (V{R"(C:\a\b.exe)", "-p", R"(C:\dir\)"}));
  EXPECT_EQ(split_windows_command_line(R"(a\\\"b "c\\" d\\\\"e f" "g""h")", false),
            (V{R"(a\"b)", R"(c\)", R"(d\\e f)", R"(g"h)"}));
  EXPECT_EQ(split_windows_command_line("  ", false), V{});
  // An unquoted ImagePath with spaces: the program ends at ".exe ", as CreateProcess finds it.
  EXPECT_EQ(split_image_path(R"(C:\Program Files\nssm\nssm.exe)"),
            (V{R"(C:\Program Files\nssm\nssm.exe)"}));
  EXPECT_EQ(split_image_path(R"(C:\Program Files\App\app.exe -k "a b")"),
            (V{R"(C:\Program Files\App\app.exe)", "-k", "a b"}));
  EXPECT_EQ(split_image_path(R"("C:\Program Files\App\app.exe" -k)"),
            (V{R"(C:\Program Files\App\app.exe)", "-k"}));
  EXPECT_EQ(split_image_path(R"(C:\svc\app.exe -k x.exe y)"),
            (V{R"(C:\svc\app.exe)", "-k", "x.exe", "y"}));
  std::vector<std::string> references;
  EXPECT_EQ(windows_to_manifest_text("%SystemRoot%\\x $5 %not a var% 100%", references),
            "${SystemRoot}\\x $$5 %not a var% 100%");
  EXPECT_EQ(references, V{"%SystemRoot%"});
}

}  // namespace
}  // namespace daemonize::import
