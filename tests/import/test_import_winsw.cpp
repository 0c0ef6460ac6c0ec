// WinSW configurations (v2 and v3 XML): the XML reader, the mapping with exact report lines, and
// malformed input refused at its line. Manifests are loaded for Windows, where their paths apply.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "xml_document.hpp"

namespace daemonize::import {
namespace {

using test::example;
using test::read_text;
using test::report_lines;

Service load_one(const ImportResult& result) {
  EXPECT_EQ(result.services.size(), 1U);
  if (result.services.empty()) return {};
  auto loaded = load_manifest_text(result.services[0].manifest, "x.toml", TargetOs::windows);
  std::string diagnostics;
  for (const auto& d : loaded.diagnostics) diagnostics += format_diagnostic(d) + "\n";
  EXPECT_TRUE(loaded.service.has_value()) << result.services[0].manifest << diagnostics;
  return loaded.service.value_or(Service{});
}

ImportResult import_example(const std::string& name) {
  return import_winsw({name, read_text(example("winsw/" + name))});
}

TEST(ImportWinsw, JenkinsV2WithAccountAndFailureActions) {
  auto result = import_example("jenkins.xml");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "jenkins.xml:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "6: carried: id — service.name",
          f + "7: carried: name — service.display_name",
          f + "8: carried: description — service.description",
          f + "9: approximated: env — env.JENKINS_HOME; %ProgramData% as ${ProgramData}: read from "
              "the watchdog's environment when the program starts",
          f + "10: carried: executable — service.command",
          f + "11: approximated: arguments — service.args (split as CommandLineToArgvW does); "
              "%ProgramData% as ${ProgramData}: read from the watchdog's environment when the "
              "program starts",
          f + "12: carried: logmode — logs.max_size, logs.max_files",
          f + "13: carried: onfailure — restart.policy = \"on-failure\", restart.delay",
          f + "14: carried: onfailure — restart.multiplier = 2.0, restart.max_delay: later "
              "restarts wait as long",
          f + "15: carried: resetfailure — restart.window: failures older than it are forgotten",
          f + "16: carried: stoptimeout — stop.timeout",
          f + "18: carried: serviceaccount/domain — windows.account = \"CORP\\svc-jenkins\"",
          f + "19: carried: serviceaccount/user — windows.account = \"CORP\\svc-jenkins\"",
          f + "20: dropped: serviceaccount/password — a password is never copied: give it when "
              "deploying (DAEMONIZE_SERVICE_PASSWORD)",
          f + "21: dropped: serviceaccount/allowservicelogon — deploy does not grant the logon "
              "right: grant it to the account",
          f + "23: dropped: priority — no process priority in the manifest",
          f + "24: dropped: beeponshutdown — no equivalent in the manifest",
      }));
  const auto s = load_one(result);
  EXPECT_EQ(s.command, R"(C:\Program Files\Eclipse Adoptium\jdk-17.0.9.9-hotspot\bin\java.exe)");
  EXPECT_EQ(s.args.size(), 7U);
  EXPECT_EQ(s.args[4], R"(C:\Program Files\Jenkins\jenkins.war)");
  EXPECT_EQ(s.args[6], R"(--webroot=${ProgramData}\Jenkins\war)");
  EXPECT_EQ(s.env.at("JENKINS_HOME"), R"(${ProgramData}\Jenkins\.jenkins)");
  EXPECT_EQ(s.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(s.restart.delay, std::chrono::seconds(10));
  EXPECT_EQ(s.restart.max_delay, std::chrono::seconds(20));
  EXPECT_EQ(s.restart.multiplier, 2.0);
  EXPECT_EQ(s.restart.max_restarts, 0U);
  EXPECT_EQ(s.restart.window, std::chrono::hours(1));
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(30));
  EXPECT_EQ(s.logs.stdout_stream.file_name, "jenkins.out.log");
  EXPECT_EQ(s.logs.max_size, 10240U * 1024U);
  EXPECT_EQ(s.logs.max_files, 8U);
  EXPECT_EQ(s.windows.account, R"(CORP\svc-jenkins)");
  // The password is reported, never written.
  EXPECT_EQ(result.services[0].manifest.find("Winter2024"), std::string::npos);
}

TEST(ImportWinsw, KeycloakV3ArgumentListHooksAndRolling) {
  auto result = import_example("keycloak-v3.xml");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "keycloak-v3.xml:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "4: carried: id — service.name",
          f + "5: carried: name — service.display_name",
          f + "6: carried: description — service.description",
          f + "7: carried: executable — service.command",
          f + "8: carried: argument — service.args",
          f + "9: carried: argument — service.args",
          f + "10: carried: argument — service.args",
          f + "11: carried: argument — service.args",
          f + "12: carried: env — env.KC_DB_URL",
          f + "13: carried: env — env.JAVA_OPTS_APPEND",
          f + "14: carried: workingdirectory — service.working_directory",
          f + "15: approximated: prestart — hooks.pre_start; its output goes to the program's "
              "stderr log, not <stdoutPath>",
          f + "20: carried: poststop — hooks.post_stop",
          f + "25: carried: serviceaccount/username — windows.account = \".\\keycloak\"",
          f + "26: dropped: serviceaccount/password — a password is never copied: give it when "
              "deploying (DAEMONIZE_SERVICE_PASSWORD)",
          f + "28: carried: onfailure — restart.policy = \"on-failure\", restart.delay",
          f + "29: carried: onfailure — restart.multiplier = 4.0, restart.max_delay: later "
              "restarts wait as long",
          f + "30: approximated: onfailure — restart.max_restarts = 2 within restart.window, then "
              "the watchdog gives up",
          f + "31: carried: resetfailure — restart.window: failures older than it are forgotten",
          f + "32: carried: stoptimeout — stop.timeout",
          f + "33: approximated: stopparentprocessfirst — the watchdog asks the program to stop "
              "first (Ctrl+C, WM_CLOSE), then ends what is left of its process tree",
          f + "34: approximated: log mode=roll-by-size-time — logs.max_size, logs.max_files, "
              "logs.rotate_every = \"daily\" from the pattern yyyyMMdd",
          f + "35: carried: log/sizeThreshold — logs.max_size",
          f + "36: approximated: log/pattern — logs.rotate_every: at fixed boundaries",
          f + "37: approximated: log/autoRollAtTime — logs.rotate_every: at fixed boundaries",
          f + "38: approximated: log/zipOlderThanNumDays — logs.compress = true: every rotated "
              "file is compressed",
      }));
  const auto s = load_one(result);
  EXPECT_EQ(s.args, (std::vector<std::string>{"start", "--optimized", "--http-port=8081",
                                              "--hostname=sso.example.com"}));
  ASSERT_EQ(s.hooks.pre_start.size(), 1U);
  EXPECT_EQ(s.hooks.pre_start[0].argv,
            (std::vector<std::string>{R"(C:\keycloak\bin\kc.bat)", "build", "--db=postgres"}));
  ASSERT_EQ(s.hooks.post_stop.size(), 1U);
  EXPECT_EQ(s.hooks.post_stop[0].argv.back(), R"(C:\keycloak\data\tmp\*)");
  EXPECT_EQ(s.restart.max_restarts, 2U);
  EXPECT_EQ(s.restart.multiplier, 4.0);
  EXPECT_EQ(s.restart.window, std::chrono::hours(2));
  EXPECT_EQ(s.stop.timeout, std::chrono::minutes(1));
  EXPECT_EQ(s.logs.rotate_every, RotateEvery::daily);
  EXPECT_TRUE(s.logs.compress);
  EXPECT_EQ(s.windows.account, R"(.\keycloak)");
  EXPECT_EQ(result.services[0].manifest.find("s3cr3t"), std::string::npos);
}

TEST(ImportWinsw, MinioBaseDependenciesAndDelayedStart) {
  auto result = import_example("minio.xml");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "minio.xml:";
  EXPECT_EQ(report_lines(result),
            (std::vector<std::string>{
                f + "2: carried: id — service.name",
                f + "3: carried: name — service.display_name",
                f + "4: carried: description — service.description",
                f + "5: approximated: executable — service.command; %BASE% as ${BASE}: the "
                    "directory of the WinSW XML, to be set in the environment",
                f + "6: carried: arguments — service.args (split as CommandLineToArgvW does)",
                f + "7: carried: env — env.MINIO_ROOT_USER",
                f + "8: carried: env — env.MINIO_ROOT_PASSWORD_FILE",
                f + "9: approximated: workingdirectory — service.working_directory; %BASE% as "
                    "${BASE}: the directory of the WinSW XML, to be set in the environment",
                f + "10: carried: logpath — logs.directory",
                f + "11: carried: log mode=roll-by-size — logs.max_size, logs.max_files",
                f + "12: carried: log/sizeThreshold — logs.max_size",
                f + "13: carried: log/keepFiles — logs.max_files",
                f + "15: carried: onfailure — restart.policy = \"on-failure\", restart.delay",
                f + "16: carried: startmode — windows.start = \"delayed-auto\"",
                f + "17: carried: delayedAutoStart — windows.start = \"delayed-auto\"",
                f + "18: carried: depend — [os.windows.dependencies] requires",
                f + "19: carried: depend — [os.windows.dependencies] requires",
                f + "20: dropped: download — nothing is downloaded at start: put the file in place "
                    "before deploying",
            }));
  const auto s = load_one(result);
  EXPECT_EQ(s.command, R"(${BASE}\minio.exe)");
  EXPECT_EQ(s.logs.directory, R"(D:\logs\minio)");
  EXPECT_EQ(s.logs.max_size, 20480U * 1024U);
  EXPECT_EQ(s.logs.max_files, 5U);
  EXPECT_EQ(s.windows.start, WindowsStart::delayed_automatic);
  EXPECT_EQ(s.dependencies.requires_units,
            (std::vector<std::string>{"Tcpip", "LanmanWorkstation"}));
}

TEST(ImportWinsw, BaseIsTheDirectoryOfAnInstalledXml) {
  auto result = import_winsw({R"(C:\minio\minio.xml)", read_text(example("winsw/minio.xml"))});
  const auto s = load_one(result);
  EXPECT_EQ(s.command, R"(C:\minio\minio.exe)");
  EXPECT_EQ(s.working_directory, R"(C:\minio)");
}

TEST(ImportWinsw, NginxStopExecutableAndTimeRolling) {
  auto result = import_example("nginx.xml");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "nginx.xml:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "2: carried: id — service.name",
          f + "3: carried: name — service.display_name",
          f + "4: carried: description — service.description",
          f + "5: carried: executable — service.command",
          f + "6: carried: arguments — service.args (split as CommandLineToArgvW does)",
          f + "7: carried: stopexecutable — hooks.stop, with <stoparguments>",
          f + "8: approximated: stoparguments — hooks.stop; the stop sequence follows for what is "
              "left when it has finished",
          f + "9: carried: workingdirectory — service.working_directory",
          f + "10: carried: logpath — logs.directory",
          f + "11: approximated: log mode=roll-by-time — logs.max_files, logs.rotate_every = "
              "\"hourly\" from the pattern yyyyMMddHH",
          f + "12: approximated: log/pattern — logs.rotate_every: at fixed boundaries",
          f + "14: carried: onfailure — restart.policy = \"on-failure\", restart.delay",
          f + "15: dropped: onfailure — rebooting the machine is not a restart of the service",
          f + "16: carried: startmode — windows.start = \"demand\"",
          f + "17: dropped: waithint — the watchdog reports its own progress to the SCM",
          f + "18: dropped: sleeptime — the watchdog reports its own progress to the SCM",
      }));
  const auto s = load_one(result);
  ASSERT_EQ(s.hooks.stop.size(), 1U);
  EXPECT_EQ(s.hooks.stop[0].argv,
            (std::vector<std::string>{R"(C:\nginx\nginx.exe)", "-p", R"(C:\nginx)", "-s", "quit"}));
  EXPECT_EQ(s.logs.rotate_every, RotateEvery::hourly);
  EXPECT_EQ(s.windows.start, WindowsStart::demand);
}

TEST(ImportWinsw, PythonWorkerFromPathWithStartArguments) {
  auto result = import_example("python-worker.xml");
  ASSERT_TRUE(result.errors.empty());
  const std::string f = "python-worker.xml:";
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          f + "2: approximated: id — service.name = \"report-worker\" (a manifest name)",
          f + "3: carried: name — service.display_name",
          f + "4: approximated: executable — service.command; \"python\" was looked up in PATH; "
              "the manifest needs a full path: ${PYTHON_EXE} (set it in the environment, or write "
              "the path)",
          f + "5: carried: startarguments — service.args (split as CommandLineToArgvW does)",
          f + "6: dropped: arguments — WinSW starts the program with <startarguments> instead",
          f + "7: carried: workingdirectory — service.working_directory",
          f + "8: carried: env — env.PYTHONUNBUFFERED",
          f + "9: carried: env — env.CELERY_BROKER_URL",
          f + "10: approximated: env — env.PATH; %PATH% as ${PATH}: read from the watchdog's "
              "environment when the program starts",
          f + "11: carried: log mode=none — logs.stdout, logs.stderr = \"null\"",
          f + "12: carried: poststart — hooks.post_start",
          f + "16: carried: prestop — hooks.stop (run before the stop sequence, which follows for "
              "what is left)",
          f + "20: dropped: hidewindow — no equivalent in the manifest",
          f + "21: dropped: sharedDirectoryMapping — not a WinSW setting daemonize knows",
      }));
  const auto s = load_one(result);
  EXPECT_EQ(s.name, "report-worker");
  EXPECT_EQ(s.command, "${PYTHON_EXE}");
  EXPECT_EQ(s.args.back(), "--pool=solo");
  EXPECT_EQ(s.env.at("PATH"), R"(D:\apps\reports\venv\Scripts;${PATH})");
  EXPECT_EQ(s.logs.stdout_stream.kind, LogStream::Kind::null);
  EXPECT_EQ(s.restart.policy, RestartPolicy::never);
  EXPECT_EQ(s.stop.timeout, std::chrono::seconds(15));
}

TEST(ImportWinsw, EveryExampleValidatesForLinuxToo) {
  for (const auto* name :
       {"jenkins.xml", "keycloak-v3.xml", "minio.xml", "nginx.xml", "python-worker.xml"}) {
    auto result = import_example(name);
    EXPECT_EQ(test::load_all(result).size(), 1U) << name;
  }
}

TEST(ImportWinsw, DefaultsOfTheWrapperAndLoneStopExecutable) {
  auto result = import_winsw({R"(C:\svc\app.xml)",
                              "<service>\n<id>app</id>\n<executable>C:\\app\\app.exe</executable>\n"
                              "<stopexecutable>C:\\app\\stop.exe</stopexecutable>\n"
                              "<priority>Normal</priority>\n<logpath>%BASE%\\logs</logpath>\n"
                              "</service>\n"});
  ASSERT_TRUE(result.errors.empty());
  EXPECT_EQ(
      report_lines(result),
      (std::vector<std::string>{
          R"(C:\svc\app.xml:2: carried: id — service.name)",
          R"(C:\svc\app.xml:3: carried: executable — service.command)",
          R"(C:\svc\app.xml:4: dropped: stopexecutable — WinSW runs it only with <stoparguments>)",
          R"(C:\svc\app.xml:5: carried: priority — normal priority)",
          R"(C:\svc\app.xml:6: carried: logpath — logs.directory)",
      }));
  const auto s = load_one(result);
  EXPECT_EQ(s.working_directory, R"(C:\svc)");  // WinSW's default: the wrapper's directory
  EXPECT_EQ(s.logs.directory, R"(C:\svc\logs)");
  EXPECT_TRUE(s.hooks.stop.empty());
  EXPECT_EQ(s.logs.stdout_stream.file_name, "app.out.log");
}

std::string error_of(const std::string& text) {
  auto result = import_winsw({"w.xml", text});
  if (result.errors.empty()) return "";
  return "w.xml:" + std::to_string(result.errors[0].line) + ": " + result.errors[0].message;
}

TEST(ImportWinsw, MalformedInputNamesItsLine) {
  EXPECT_EQ(error_of("<service>\n  <id>x</id>\n  <executable>C:\\x.exe</exec>\n</service>\n"),
            "w.xml:3: </exec> does not close <executable> of line 3");
  EXPECT_EQ(error_of("<service>\n<id>x</id>\n"), "w.xml:1: <service> is not closed (</service>)");
  EXPECT_EQ(error_of("<service>\n<id>a &nbsp; b</id>\n</service>"),
            "w.xml:2: &nbsp; is not an XML entity");
  EXPECT_EQ(
      error_of("<?xml version=\"1.0\"?>\n<configuration/>\n"),
      "w.xml:2: not a WinSW configuration: the root element is <configuration>, not <service>");
  EXPECT_EQ(error_of("\n<service>\n<executable>C:\\x.exe</executable>\n</service>"),
            "w.xml:2: <service> has no <id>: not a WinSW configuration");
  EXPECT_EQ(error_of("<service><id>x</id></service>"),
            "w.xml:1: <service> has no <executable>: nothing to run");
  EXPECT_EQ(error_of("<service>\n<env name=x/>\n</service>"),
            "w.xml:2: the value of attribute name must be quoted");
  EXPECT_EQ(error_of("<service></service>\n<more/>"),
            "w.xml:2: content after the root element </service>");
  EXPECT_EQ(error_of(""), "w.xml:1: not XML: expected an element");
  EXPECT_EQ(error_of("<a>\n<!-- never closed"), "w.xml:2: an unclosed comment");
}

TEST(XmlDocument, EntitiesCdataAndLines) {
  const auto document = parse_xml(
      "\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c -->\n<a x='1 &amp; 2'>\n"
      "  <b>&lt;&#65;&#x42;&gt;</b>\n  <c><![CDATA[<raw> & ]]></c>\n</a>\n");
  ASSERT_FALSE(document.error) << document.error->message;
  const auto& a = *document.root;
  EXPECT_EQ(a.line, 3);
  EXPECT_EQ(*a.attribute("x"), "1 & 2");
  ASSERT_EQ(a.children.size(), 2U);
  EXPECT_EQ(a.children[0].text, "<AB>");
  EXPECT_EQ(a.children[0].line, 4);
  EXPECT_EQ(a.children[1].text, "<raw> & ");
  EXPECT_EQ(a.children[1].line, 5);
}

}  // namespace
}  // namespace daemonize::import

// Found by fuzzing: a description on several lines is written on one (the manifest's texts are
// one line), and the report says so.
TEST(ImportWinsw, ADescriptionOnSeveralLinesBecomesOneLine) {
  const auto result = daemonize::import::import_winsw(
      {"w.xml",
       "<service>\n  <id>w</id>\n  <executable>C:\\w\\w.exe</executable>\n"
       "  <description>First line\n  second\tline</description>\n</service>\n"});
  ASSERT_TRUE(result.errors.empty());
  ASSERT_EQ(result.services.size(), 1U);
  EXPECT_NE(result.services.front().manifest.find("description = \"First line   second line\""),
            std::string::npos)
      << result.services.front().manifest;
  const auto line = std::find_if(result.report.begin(), result.report.end(),
                                 [](const auto& entry) { return entry.key == "description"; });
  ASSERT_NE(line, result.report.end());
  EXPECT_EQ(line->line, 4);
  EXPECT_EQ(line->outcome, daemonize::import::Outcome::approximated);
  EXPECT_EQ(line->note, "service.description, on one line");
}
