// Unit tests of the systemd renderer: escaping, mapping decisions and lossiness diagnostics.
// Byte-exact whole units are covered by the golden tests; these pin single decisions.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "daemonize/core/loader.hpp"
#include "daemonize/systemd/backend.hpp"
#include "daemonize/systemd/escaping.hpp"
#include "daemonize/systemd/logrotate.hpp"
#include "daemonize/systemd/unit_file.hpp"

namespace daemonize {
namespace {

using systemd::environment_assignment;
using systemd::exec_word;

// ---- a reader of unit files as systemd splits them (lines, continuations, sections) ---------

struct UnitLine {
  std::string section;
  std::string key;
  std::string value;
};

// systemd's line splitting: LF and CR end lines, a trailing odd backslash continues the line,
// `#`/`;` lines are comments. Values are returned raw (before unquoting).
std::vector<UnitLine> read_unit(const std::string& text) {
  std::vector<std::string> physical;
  std::string current;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\0') {
      physical.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) physical.push_back(current);

  std::vector<UnitLine> lines;
  std::string section;
  std::string logical;
  for (const auto& line : physical) {
    logical += line;
    std::size_t backslashes = 0;
    for (auto it = logical.rbegin(); it != logical.rend() && *it == '\\'; ++it) ++backslashes;
    if (backslashes % 2 == 1) {
      logical.back() = ' ';
      continue;
    }
    std::string complete = logical;
    logical.clear();
    if (complete.empty() || complete[0] == '#' || complete[0] == ';') continue;
    if (complete[0] == '[') {
      section = complete.substr(1, complete.find(']') - 1);
      continue;
    }
    const auto equals = complete.find('=');
    lines.push_back({section, complete.substr(0, equals),
                     equals == std::string::npos ? "" : complete.substr(equals + 1)});
  }
  return lines;
}

std::vector<std::string> keys_of(const std::vector<UnitLine>& lines) {
  std::vector<std::string> keys;
  keys.reserve(lines.size());
  for (const auto& line : lines) keys.push_back(line.section + "." + line.key);
  return keys;
}

std::vector<std::string> values_of(const std::vector<UnitLine>& lines, const std::string& key) {
  std::vector<std::string> values;
  for (const auto& line : lines) {
    if (line.section + "." + line.key == key) values.push_back(line.value);
  }
  return values;
}

Service base_service(SupervisorMode mode = SupervisorMode::daemonize) {
  Service service;
  service.name = "demo";
  service.display_name = "demo";
  service.command = "/usr/bin/demo";
  service.supervisor = mode;
  service.logs.directory = "/var/log/demo";
  return service;
}

RenderResult render(const Service& service, const std::string& daemonize_path = "/bin/true") {
  RenderOptions options;
  options.daemonize_path = daemonize_path;
  return render_systemd(service, options);
}

const Artifact& unit_of(const RenderResult& result) {
  for (const auto& artifact : result.artifacts) {
    if (artifact.file_name.ends_with(".service")) return artifact;
  }
  throw std::runtime_error("no unit rendered");
}

const Artifact* artifact_named(const RenderResult& result, const std::string& file_name) {
  for (const auto& artifact : result.artifacts) {
    if (artifact.file_name == file_name) return &artifact;
  }
  return nullptr;
}

const Diagnostic* find_diagnostic(const RenderResult& result, const std::string& key,
                                  Severity severity) {
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key == key && diagnostic.severity == severity) return &diagnostic;
  }
  return nullptr;
}

// ---- escaping ---------------------------------------------------------------------------------

TEST(SystemdEscaping, PlainWordsStayBare) {
  EXPECT_EQ(exec_word("/usr/bin/demo"), "/usr/bin/demo");
  EXPECT_EQ(exec_word("--port=8080"), "--port=8080");
  EXPECT_EQ(exec_word("grüße"), "grüße");
}

TEST(SystemdEscaping, ExecWordsAreQuotedAndEscapedAsTheIssueSays) {
  EXPECT_EQ(exec_word("a b"), "\"a b\"");
  EXPECT_EQ(exec_word(""), "\"\"");
  EXPECT_EQ(exec_word("50%"), "50%%");
  EXPECT_EQ(exec_word("$HOME"), "$$HOME");
  EXPECT_EQ(exec_word("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(exec_word("q\"uote"), "\"q\\\"uote\"");
  EXPECT_EQ(exec_word("it's"), "\"it's\"");
  // A lone ";" would separate commands; quoted it is an argument.
  EXPECT_EQ(exec_word(";"), "\";\"");
}

TEST(SystemdEscaping, ControlCharactersBecomeCEscapes) {
  EXPECT_EQ(exec_word("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(exec_word("a\tb\rc"), "\"a\\tb\\rc\"");
  EXPECT_EQ(exec_word(std::string("\x1b[0m\x7f", 5)), "\"\\x1b[0m\\x7f\"");
}

TEST(SystemdEscaping, ExecWordRawPiecesAreNotEscaped) {
  EXPECT_EQ(systemd::ExecWord().literal("--port=").raw("${PORT}").str(), "--port=${PORT}");
  EXPECT_EQ(systemd::ExecWord().raw("%h").literal("/my dir/x").str(), "\"%h/my dir/x\"");
}

TEST(SystemdEscaping, EnvironmentAssignmentsKeepDollarAndDoublePercent) {
  EXPECT_EQ(environment_assignment("A", "50% $HOME"), "\"A=50%% $HOME\"");
  EXPECT_EQ(environment_assignment("A", "say \"hi\" \\o/"), "\"A=say \\\"hi\\\" \\\\o/\"");
  EXPECT_EQ(environment_assignment("A", ""), "\"A=\"");
  EXPECT_EQ(environment_assignment("A", "x\n[Service]\nExecStartPre=/bin/false"),
            "\"A=x\\n[Service]\\nExecStartPre=/bin/false\"");
}

TEST(SystemdEscaping, RawValueProblems) {
  EXPECT_FALSE(systemd::raw_value_problem("Payments API").has_value());
  EXPECT_FALSE(systemd::raw_value_problem("ends with two \\\\").has_value());
  EXPECT_TRUE(systemd::raw_value_problem("line\nbreak").has_value());
  EXPECT_TRUE(systemd::raw_value_problem("tab\there").has_value());
  EXPECT_TRUE(systemd::raw_value_problem("continues\\").has_value());
  EXPECT_TRUE(systemd::raw_value_problem(" padded").has_value());
  EXPECT_TRUE(systemd::quoted_value_problem(std::string("nul\0x", 5)).has_value());
  EXPECT_FALSE(systemd::quoted_value_problem("anything\n\"else\"").has_value());
}

TEST(SystemdUnitFile, RefusesValuesThatSpanLines) {
  systemd::UnitFile unit;
  EXPECT_THROW(unit.add("Service", "Description", "a\nb"), std::logic_error);
  EXPECT_THROW(unit.add("Service", "Description", "a\rb"), std::logic_error);
  EXPECT_THROW(unit.add("Service", "Description", "continued\\"), std::logic_error);
  EXPECT_NO_THROW(unit.add("Service", "Description", "fine \\\\"));
}

// ---- daemonize mode ---------------------------------------------------------------------------

// `~/` is the home of the program's account. In a system unit %h is root's home even with User=,
// so a `~/` working directory of another account is never rendered as %h there.
TEST(SystemdWorkingDirectory, HomeOfTheServiceAccountIsNotPercentH) {
  auto service = base_service();
  service.working_directory = "~/app";
  service.user = "reporter";
  // d mode: the watchdog changes into it, from the account's HOME.
  auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  EXPECT_TRUE(values_of(read_unit(unit_of(result).content), "Service.WorkingDirectory").empty());
  // native: only `~` itself is expressible.
  service.supervisor = SupervisorMode::native;
  result = render(service);
  const auto* refused = find_diagnostic(result, "service.working_directory", Severity::error);
  ASSERT_NE(refused, nullptr);
  EXPECT_NE(refused->message.find("%h is root's home"), std::string::npos) << refused->message;
  service.working_directory = "~";
  result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  EXPECT_EQ(values_of(read_unit(unit_of(result).content), "Service.WorkingDirectory"),
            std::vector<std::string>{"~"});
  // root, or a user unit: %h is the right home.
  service.working_directory = "~/app";
  service.user.clear();
  EXPECT_EQ(values_of(read_unit(unit_of(render(service)).content), "Service.WorkingDirectory"),
            std::vector<std::string>{"%h/app"});
  service.user = "reporter";
  service.scope = Scope::user;
  EXPECT_EQ(values_of(read_unit(unit_of(render(service)).content), "Service.WorkingDirectory"),
            std::vector<std::string>{"%h/app"});
}

TEST(SystemdDaemonizeMode, RunsTheWatchdogOnTheInstalledManifest) {
  const auto result = render(base_service(), "");
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Service.ExecStart"),
            std::vector<std::string>{"/usr/local/bin/daemonize run /etc/daemonize/demo.toml"});
  EXPECT_EQ(values_of(lines, "Service.Type"), std::vector<std::string>{"notify"});
  EXPECT_EQ(values_of(lines, "Service.NotifyAccess"), std::vector<std::string>{"main"});
  EXPECT_EQ(values_of(lines, "Service.KillMode"), std::vector<std::string>{"mixed"});
  EXPECT_EQ(values_of(lines, "Service.TimeoutStopSec"), std::vector<std::string>{"40s"});
  EXPECT_EQ(values_of(lines, "Service.RuntimeDirectory"),
            std::vector<std::string>{"daemonize/demo"});
  EXPECT_EQ(values_of(lines, "Install.WantedBy"), std::vector<std::string>{"multi-user.target"});
  EXPECT_EQ(unit_of(result).install_path, "/etc/systemd/system/demo.service");
}

// The watchdog applies restart.policy and exits with the program's status when it stops
// restarting: systemd restarts only a crashed or hung watchdog, whatever the policy, so a
// `never` program (or a give-up, exit 75) is never started again by systemd.
TEST(SystemdDaemonizeMode, RestartsOnlyACrashedWatchdogForEveryPolicy) {
  for (const auto policy :
       {RestartPolicy::always, RestartPolicy::on_failure, RestartPolicy::never}) {
    auto service = base_service();
    service.restart.policy = policy;
    service.restart.delay = std::chrono::milliseconds(250);
    const auto lines = read_unit(unit_of(render(service)).content);
    EXPECT_EQ(values_of(lines, "Service.Restart"), std::vector<std::string>{"on-abnormal"});
    EXPECT_EQ(values_of(lines, "Service.RestartSec"), std::vector<std::string>{"250ms"});
    // No exit code restarts the unit, so there is nothing left to prevent.
    EXPECT_TRUE(values_of(lines, "Service.RestartPreventExitStatus").empty());
    EXPECT_EQ(values_of(lines, "Service.WatchdogSec"), std::vector<std::string>{"30s"});
  }
}

TEST(SystemdDaemonizeMode, ZeroStopTimeoutKeepsTheWatchdogsMargin) {
  auto service = base_service();
  service.stop.timeout = Duration{0};
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.TimeoutStopSec"), std::vector<std::string>{"10s"});
}

TEST(SystemdDaemonizeMode, HoldsNoEnvironmentAndNoArguments) {
  auto service = base_service();
  service.args = {"--secret", "${TOKEN}"};
  service.env = {{"TOKEN", "hunter2"}, {"LEVEL", "${LEVEL:-info}"}};
  service.env_files = {"/etc/demo/env"};
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto& text = unit_of(result).content;
  EXPECT_EQ(text.find("Environment"), std::string::npos);
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("TOKEN"), std::string::npos);
}

// With User= the watchdog runs unprivileged: systemd reads each env file as root and hands it
// over as credential daemonize-env-N; an optional file gets a fallback so that its absence
// does not fail the start.
TEST(SystemdDaemonizeMode, EnvFilesOfAServiceAccountAreLoadedAsCredentials) {
  auto service = base_service();
  service.user = "svc";
  service.env_files = {"/etc/demo/env", "-/etc/demo/100% local.env"};
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Service.LoadCredential"),
            (std::vector<std::string>{"daemonize-env-0:/etc/demo/env",
                                      "daemonize-env-1:/etc/demo/100%% local.env"}));
  EXPECT_EQ(values_of(lines, "Service.SetCredential"),
            std::vector<std::string>{"daemonize-env-1:# optional env file not found"});
  EXPECT_EQ(values_of(lines, "Service.User"), std::vector<std::string>{"svc"});

  // As root (no User=) the watchdog reads the files itself; user units have no other user;
  // native units use EnvironmentFile=.
  for (auto variant : {0, 1, 2}) {
    auto other = service;
    if (variant == 0) other.user.clear();
    if (variant == 1) other.scope = Scope::user;
    if (variant == 2) other.supervisor = SupervisorMode::native;
    const auto text = unit_of(render(other)).content;
    EXPECT_EQ(text.find("Credential"), std::string::npos) << variant << "\n" << text;
  }
}

TEST(SystemdDaemonizeMode, EnvFileCredentialPathMustBeReadableBySystemd) {
  auto service = base_service();
  service.user = "svc";
  service.env_files = {"/etc/demo/../env"};
  const auto result = render(service);
  EXPECT_NE(find_diagnostic(result, "service.env_files[0]", Severity::error), nullptr);
}

TEST(SystemdDaemonizeMode, UserScopeUsesHomeAndDefaultTarget) {
  auto service = base_service();
  service.scope = Scope::user;
  service.user = "someone";
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Service.ExecStart"),
            std::vector<std::string>{"/bin/true run %h/.config/daemonize/demo.toml"});
  EXPECT_TRUE(values_of(lines, "Service.User").empty());
  EXPECT_EQ(values_of(lines, "Install.WantedBy"), std::vector<std::string>{"default.target"});
  EXPECT_EQ(unit_of(result).install_path, "~/.config/systemd/user/demo.service");
  EXPECT_NE(find_diagnostic(result, "service.user", Severity::warning), nullptr);
}

TEST(SystemdDaemonizeMode, DaemonizePathWithSpacesIsQuoted) {
  const auto result = render(base_service(), "/opt/my tools/daemonize");
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Service.ExecStart"),
            std::vector<std::string>{"\"/opt/my tools/daemonize\" run /etc/daemonize/demo.toml"});
}

TEST(SystemdDaemonizeMode, HealthExtendsTheStartTimeout) {
  auto service = base_service();
  service.health = HealthConfig{};
  service.health->start_period = std::chrono::minutes(5);
  const auto lines = read_unit(unit_of(render(service)).content);
  // 5min + (10s + 2s) * 4 + 30s = 378s
  EXPECT_EQ(values_of(lines, "Service.TimeoutStartSec"), std::vector<std::string>{"378s"});
}

// ---- native mode ------------------------------------------------------------------------------

TEST(SystemdNativeMode, ExactArgvFromTheIssue) {
  auto service = base_service(SupervisorMode::native);
  service.args = {"a b", "", "50%", "$$HOME", "back\\slash", "q\"uote"};
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(
      values_of(lines, "Service.ExecStart"),
      std::vector<std::string>{R"(/usr/bin/demo "a b" "" 50%% $$HOME "back\\slash" "q\"uote")"});
}

TEST(SystemdNativeMode, PlainReferencesAreLeftToSystemd) {
  auto service = base_service(SupervisorMode::native);
  service.args = {"--port=${PORT}"};
  service.env = {{"PORT", "8080"}};
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  EXPECT_EQ(values_of(read_unit(unit_of(result).content), "Service.ExecStart"),
            std::vector<std::string>{"/usr/bin/demo --port=${PORT}"});
}

TEST(SystemdNativeMode, DefaultsAndRequiredReferencesAreRejected) {
  for (const std::string arg : {"${PORT:-8080}", "${PORT:8080}", "${PORT:?set PORT}"}) {
    auto service = base_service(SupervisorMode::native);
    service.args = {"x", arg};
    const auto result = render(service);
    EXPECT_NE(find_diagnostic(result, "service.args[1]", Severity::error), nullptr) << arg;
  }
}

TEST(SystemdNativeMode, UnsetReferenceWarns) {
  auto service = base_service(SupervisorMode::native);
  service.args = {"${NOWHERE}"};
  const auto result = render(service);
  EXPECT_FALSE(has_errors(result.diagnostics));
  EXPECT_NE(find_diagnostic(result, "service.args[0]", Severity::warning), nullptr);
}

TEST(SystemdNativeMode, CommandWithVariablesIsRejected) {
  auto service = base_service(SupervisorMode::native);
  service.command = "${APP_HOME}/bin/app";
  EXPECT_NE(find_diagnostic(render(service), "service.command", Severity::error), nullptr);
  service.command = "/opt/a$$b/app";
  EXPECT_NE(find_diagnostic(render(service), "service.command", Severity::error), nullptr);
}

TEST(SystemdNativeMode, NulInAnArgumentIsRejected) {
  auto service = base_service(SupervisorMode::native);
  service.args = {std::string("a\0b", 3)};
  EXPECT_NE(find_diagnostic(render(service), "service.args[0]", Severity::error), nullptr);
}

TEST(SystemdNativeMode, EnvironmentPassThroughFromEnvFilesIsDropped) {
  auto service = base_service(SupervisorMode::native);
  service.env = {{"DATABASE_URL", "${DATABASE_URL}"}, {"LEVEL", "info"}};
  service.env_files = {"/etc/demo/env", "-/etc/demo/optional env"};
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_TRUE(values_of(lines, "Service.Environment").empty());  // LEVEL is in demo.env
  // The optional-file dash stays outside any quoting (mise#12683).
  EXPECT_EQ(values_of(lines, "Service.EnvironmentFile"),
            (std::vector<std::string>{"/etc/demo/env", "-/etc/demo/optional env",
                                      "/etc/daemonize/demo.env"}));
  ASSERT_NE(artifact_named(result, "demo.env"), nullptr);
  EXPECT_EQ(artifact_named(result, "demo.env")->content.find("DATABASE_URL"), std::string::npos);
}

// systemd lets EnvironmentFile= override Environment=; the manifest lets [env] override
// env_files. With both, [env] is a file of its own, named last.
TEST(SystemdNativeMode, EnvWinsOverEnvFilesThroughAnEnvFileReadLast) {
  auto service = base_service(SupervisorMode::native);
  service.env = {{"A", "env"}, {"ODD", "a \"q\" \\ `x` $$HOME %h 'y'\nsecond line"}};
  service.env_files = {"/etc/demo/env", "-/etc/demo/optional"};
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_TRUE(values_of(lines, "Service.Environment").empty());
  EXPECT_EQ(values_of(lines, "Service.EnvironmentFile"),
            (std::vector<std::string>{"/etc/demo/env", "-/etc/demo/optional",
                                      "/etc/daemonize/demo.env"}));
  const auto* env_file = artifact_named(result, "demo.env");
  ASSERT_NE(env_file, nullptr);
  EXPECT_EQ(env_file->install_path, "/etc/daemonize/demo.env");
  EXPECT_EQ(env_file->mode, 0600U);
  EXPECT_EQ(env_file->content,
            "# Generated by daemonize for service demo: its [env], read after env_files.\n"
            "A=\"env\"\n"
            "ODD=\"a \\\"q\\\" \\\\ \\`x\\` \\$HOME %h 'y'\nsecond line\"\n");

  // A user service: next to its manifest, under the user's home.
  service.scope = Scope::user;
  const auto user = render(service);
  EXPECT_EQ(values_of(read_unit(unit_of(user).content), "Service.EnvironmentFile").back(),
            "%h/.config/daemonize/demo.env");
  ASSERT_NE(artifact_named(user, "demo.env"), nullptr);
  EXPECT_EQ(artifact_named(user, "demo.env")->install_path, "~/.config/daemonize/demo.env");
}

TEST(SystemdNativeMode, EnvAloneStaysInTheUnit) {
  auto service = base_service(SupervisorMode::native);
  service.env = {{"A", "env"}};
  auto result = render(service);
  EXPECT_EQ(values_of(read_unit(unit_of(result).content), "Service.Environment"),
            std::vector<std::string>{"\"A=env\""});
  EXPECT_EQ(artifact_named(result, "demo.env"), nullptr);
  // Only pass-throughs with env files: nothing for a file of its own either.
  service.env = {{"A", "${A}"}};
  service.env_files = {"/etc/demo/env"};
  result = render(service);
  EXPECT_EQ(artifact_named(result, "demo.env"), nullptr);
  EXPECT_EQ(values_of(read_unit(unit_of(result).content), "Service.EnvironmentFile"),
            std::vector<std::string>{"/etc/demo/env"});
}

TEST(SystemdNativeMode, EnvironmentPassThroughWithoutEnvFilesIsRejected) {
  auto service = base_service(SupervisorMode::native);
  service.env = {{"DATABASE_URL", "${DATABASE_URL}"}};
  EXPECT_NE(find_diagnostic(render(service), "env.DATABASE_URL", Severity::error), nullptr);
}

TEST(SystemdNativeMode, OtherEnvironmentReferencesAreRejected) {
  auto service = base_service(SupervisorMode::native);
  service.env_files = {"/etc/demo/env"};
  service.env = {{"URL", "postgres://${HOST}/db"}, {"OTHER", "${HOST}"}};
  const auto result = render(service);
  EXPECT_NE(find_diagnostic(result, "env.URL", Severity::error), nullptr);
  EXPECT_NE(find_diagnostic(result, "env.OTHER", Severity::error), nullptr);
}

TEST(SystemdNativeMode, RestartMapping) {
  auto service = base_service(SupervisorMode::native);
  service.restart.policy = RestartPolicy::always;
  service.restart.delay = std::chrono::milliseconds(1500);
  service.restart.max_restarts = 4;
  service.restart.window = std::chrono::minutes(2);
  service.restart.success_exit_codes = {0, 3};
  service.stop.signal = Signal::interrupt;
  service.reload.signal = Signal::usr1;
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.Restart"), std::vector<std::string>{"always"});
  EXPECT_EQ(values_of(lines, "Service.RestartSec"), std::vector<std::string>{"1500ms"});
  // StartLimit* belong in [Unit]; 4 restarts = 5 starts.
  EXPECT_EQ(values_of(lines, "Unit.StartLimitIntervalSec"), std::vector<std::string>{"2min"});
  EXPECT_EQ(values_of(lines, "Unit.StartLimitBurst"), std::vector<std::string>{"5"});
  EXPECT_TRUE(values_of(lines, "Service.StartLimitBurst").empty());
  EXPECT_EQ(values_of(lines, "Service.SuccessExitStatus"), std::vector<std::string>{"3"});
  EXPECT_EQ(values_of(lines, "Service.KillSignal"), std::vector<std::string>{"SIGINT"});
  EXPECT_EQ(values_of(lines, "Service.ExecReload"),
            std::vector<std::string>{"/bin/kill -USR1 $MAINPID"});
}

// stop.timeout = 0 means stop.signal, then SIGKILL at once; TimeoutStopSec=0 would mean
// "wait forever" to systemd.
TEST(SystemdNativeMode, ZeroStopTimeoutIsTheShortestTimeoutNotNone) {
  auto service = base_service(SupervisorMode::native);
  service.stop.timeout = Duration{0};
  auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.TimeoutStopSec"), std::vector<std::string>{"1ms"});
  service.stop.timeout = std::chrono::milliseconds(2500);
  lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.TimeoutStopSec"), std::vector<std::string>{"2500ms"});
}

TEST(SystemdNativeMode, NeverAndUnlimited) {
  auto service = base_service(SupervisorMode::native);
  service.restart.policy = RestartPolicy::never;
  auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.Restart"), std::vector<std::string>{"no"});
  EXPECT_TRUE(values_of(lines, "Unit.StartLimitBurst").empty());
  service.restart.policy = RestartPolicy::on_failure;
  service.restart.max_restarts = 0;
  lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Unit.StartLimitIntervalSec"), std::vector<std::string>{"0"});
}

TEST(SystemdNativeMode, LossinessWarnings) {
  auto service = base_service(SupervisorMode::native);
  service.health = HealthConfig{};
  service.required_env = {"TOKEN"};
  service.positions["restart.max_delay"] = {3, 1};
  const auto result = render(service);
  EXPECT_FALSE(has_errors(result.diagnostics));
  for (const char* key :
       {"restart.multiplier", "restart.max_delay", "health", "service.required_env"}) {
    EXPECT_NE(find_diagnostic(result, key, Severity::warning), nullptr) << key;
  }
  service.restart.multiplier = 1.0;
  EXPECT_EQ(find_diagnostic(render(service), "restart.multiplier", Severity::warning), nullptr);
}

TEST(SystemdNativeMode, LogFilesAppendAndGetALogrotateFile) {
  auto service = base_service(SupervisorMode::native);
  service.logs.stdout_stream = {LogStream::Kind::file, "out.log"};
  service.logs.stderr_stream = {LogStream::Kind::file, "out.log"};
  service.logs.compress = true;
  const auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Service.StandardOutput"),
            std::vector<std::string>{"append:/var/log/demo/out.log"});
  EXPECT_EQ(values_of(lines, "Service.StandardError"),
            std::vector<std::string>{"append:/var/log/demo/out.log"});
  // systemd opens append: files before it creates LogsDirectory=: tmpfiles.d creates it.
  EXPECT_TRUE(values_of(lines, "Service.LogsDirectory").empty());
  ASSERT_EQ(result.artifacts.size(), 3U);
  const auto& tmpfiles = result.artifacts[1];
  EXPECT_EQ(tmpfiles.install_path, "/etc/tmpfiles.d/daemonize-demo.conf");
  EXPECT_NE(tmpfiles.content.find("\nd /var/log/demo 0750 - - -\n"), std::string::npos)
      << tmpfiles.content;
  const auto& logrotate = result.artifacts[2];
  EXPECT_EQ(logrotate.install_path, "/etc/logrotate.d/demo");
  EXPECT_NE(logrotate.content.find("\"/var/log/demo/out.log\" {"), std::string::npos);
  for (const char* directive : {"size 10M", "rotate 5", "missingok", "notifempty", "copytruncate",
                                "compress", "delaycompress"}) {
    EXPECT_NE(logrotate.content.find(std::string("    ") + directive + "\n"), std::string::npos)
        << directive;
  }
}

TEST(SystemdNativeMode, NoLogrotateWithoutFilesOrRotation) {
  auto service = base_service(SupervisorMode::native);
  service.logs.stdout_stream = {LogStream::Kind::inherit, ""};
  service.logs.stderr_stream = {LogStream::Kind::null, ""};
  EXPECT_EQ(render(service).artifacts.size(), 1U);
  service.logs.stdout_stream = {LogStream::Kind::file, "out.log"};
  service.logs.max_size = 0;
  const auto result = render(service);
  ASSERT_EQ(result.artifacts.size(), 2U);  // the unit and the log directory's tmpfiles.d entry
  EXPECT_EQ(result.artifacts[1].file_name, "demo.tmpfiles.conf");
}

TEST(SystemdNativeMode, UserScopeLogDirectoryUsesHomeSpecifier) {
  auto service = base_service(SupervisorMode::native);
  service.scope = Scope::user;
  service.logs.directory = "~/.local/state/demo/log";
  const auto result = render(service);
  ASSERT_EQ(result.artifacts.size(), 2U);
  EXPECT_EQ(result.artifacts[1].install_path, "~/.config/user-tmpfiles.d/daemonize-demo.conf");
  EXPECT_NE(result.artifacts[1].content.find("\nd %h/.local/state/demo/log 0750 - - -\n"),
            std::string::npos);
  EXPECT_EQ(values_of(read_unit(unit_of(result).content), "Service.StandardOutput"),
            std::vector<std::string>{"append:%h/.local/state/demo/log/stdout.log"});
}

TEST(SystemdDaemonizeMode, LogsDirectoryForVarLogOtherwiseTmpfiles) {
  auto service = base_service();
  service.user = "demo";
  auto result = render(service);
  EXPECT_EQ(values_of(read_unit(unit_of(result).content), "Service.LogsDirectory"),
            std::vector<std::string>{"demo"});
  EXPECT_EQ(result.artifacts.size(), 1U);
  service.logs.directory = "/srv/demo/logs";
  result = render(service);
  EXPECT_TRUE(values_of(read_unit(unit_of(result).content), "Service.LogsDirectory").empty());
  ASSERT_EQ(result.artifacts.size(), 2U);
  EXPECT_NE(result.artifacts[1].content.find("\nd /srv/demo/logs 0750 demo - -\n"),
            std::string::npos);
}

TEST(SystemdNativeMode, LogrotateRefusesGlobCharacters) {
  auto service = base_service(SupervisorMode::native);
  service.logs.directory = "/var/log/demo[1]";
  const auto result = render(service);
  EXPECT_NE(find_diagnostic(result, "logs.directory", Severity::error), nullptr);
}

// ---- both modes -------------------------------------------------------------------------------

TEST(SystemdBothModes, DescriptionEscapesPercentAndFallsBackToDisplayName) {
  auto service = base_service();
  service.description = "100% %n";
  EXPECT_EQ(values_of(read_unit(unit_of(render(service)).content), "Unit.Description"),
            std::vector<std::string>{"100%% %%n"});
  service.description.clear();
  service.display_name = "Demo Service";
  EXPECT_EQ(values_of(read_unit(unit_of(render(service)).content), "Unit.Description"),
            std::vector<std::string>{"Demo Service"});
}

TEST(SystemdBothModes, DescriptionThatCannotBeReadBackIsAnError) {
  for (const std::string description :
       {"x\n[Service]\nExecStartPre=/bin/false", "ends in \\", "a\rb"}) {
    auto service = base_service();
    service.description = description;
    EXPECT_NE(find_diagnostic(render(service), "service.description", Severity::error), nullptr);
  }
}

TEST(SystemdBothModes, DependenciesGetServiceSuffix) {
  auto service = base_service();
  service.dependencies.after = {"postgresql", "network-online.target"};
  service.dependencies.requires_units = {"redis"};
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Unit.After"),
            std::vector<std::string>{"postgresql.service network-online.target redis.service"});
  EXPECT_TRUE(values_of(lines, "Unit.Wants").empty());  // `after` only orders
  EXPECT_EQ(values_of(lines, "Unit.Requires"), std::vector<std::string>{"redis.service"});
}

TEST(SystemdBothModes, WantsPullsInAndOrders) {
  for (const auto mode : {SupervisorMode::daemonize, SupervisorMode::native}) {
    auto service = base_service();
    service.supervisor = mode;
    service.dependencies.after = {"network-online.target"};
    service.dependencies.wants = {"redis", "network-online.target"};
    const auto lines = read_unit(unit_of(render(service)).content);
    EXPECT_EQ(values_of(lines, "Unit.After"),
              std::vector<std::string>{"network-online.target redis.service"});
    EXPECT_EQ(values_of(lines, "Unit.Wants"),
              std::vector<std::string>{"redis.service network-online.target"});
    EXPECT_TRUE(values_of(lines, "Unit.Requires").empty());
  }
}

TEST(SystemdBothModes, RequiresMountsFor) {
  auto service = base_service();
  service.dependencies.requires_mounts_for = {"/srv/data", "/var/lib/my data", "C:\\data"};
  const auto result = render(service);
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Unit.RequiresMountsFor"),
            std::vector<std::string>{"/srv/data \"/var/lib/my data\""});
  const auto* dropped =
      find_diagnostic(result, "dependencies.requires_mounts_for[2]", Severity::warning);
  ASSERT_NE(dropped, nullptr);
  EXPECT_EQ(dropped->message,
            "systemd: 'C:\\data' is not a POSIX path; dropped (set it in [os.linux])");
}

TEST(SystemdBothModes, WantsWithASpaceCannotAddAUnit) {
  auto service = base_service();
  service.dependencies.wants = {"a b"};
  EXPECT_NE(find_diagnostic(render(service), "dependencies.wants[0]", Severity::error), nullptr);
}

TEST(SystemdBothModes, DependencyWithASpaceCannotAddAUnit) {
  auto service = base_service();
  service.dependencies.after = {"postgresql evil"};
  EXPECT_NE(find_diagnostic(render(service), "dependencies.after[0]", Severity::error), nullptr);
}

TEST(SystemdBothModes, Limits) {
  auto service = base_service();
  service.limits.memory = 512ULL << 20;
  service.limits.cpu = 1.5;
  service.limits.nofile = 65536;
  service.limits.nproc = 100;
  auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.MemoryMax"), std::vector<std::string>{"512M"});
  EXPECT_EQ(values_of(lines, "Service.CPUQuota"), std::vector<std::string>{"150%"});
  EXPECT_EQ(values_of(lines, "Service.LimitNOFILE"), std::vector<std::string>{"65536"});
  EXPECT_EQ(values_of(lines, "Service.LimitNPROC"), std::vector<std::string>{"100"});
  service.limits.memory = 500'000'000;
  service.limits.cpu = 0.255;
  lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.MemoryMax"), std::vector<std::string>{"500000000"});
  EXPECT_EQ(values_of(lines, "Service.CPUQuota"), std::vector<std::string>{"25.5%"});
}

TEST(SystemdBothModes, HardeningAddsSandboxAndWritablePaths) {
  auto service = base_service();
  service.systemd.hardening = true;
  service.working_directory = "/srv/demo";
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.NoNewPrivileges"), std::vector<std::string>{"yes"});
  EXPECT_EQ(values_of(lines, "Service.ProtectSystem"), std::vector<std::string>{"strict"});
  EXPECT_EQ(values_of(lines, "Service.ProtectHome"), std::vector<std::string>{"yes"});
  EXPECT_EQ(values_of(lines, "Service.PrivateTmp"), std::vector<std::string>{"yes"});
  EXPECT_EQ(values_of(lines, "Service.ReadWritePaths"),
            std::vector<std::string>{"-/var/log/demo -/srv/demo -%t/daemonize/demo"});
}

TEST(SystemdBothModes, NoHardeningByDefault) {
  const auto text = unit_of(render(base_service())).content;
  EXPECT_EQ(text.find("ProtectSystem"), std::string::npos);
  EXPECT_EQ(text.find("NoNewPrivileges"), std::string::npos);
}

TEST(SystemdBothModes, ExtraAllowListed) {
  auto service = base_service();
  service.systemd.extra = {{"Service.Nice", "5"}, {"Install.Alias", "demo2.service"}};
  auto result = render(service);
  ASSERT_FALSE(has_errors(result.diagnostics));
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Service.Nice"), std::vector<std::string>{"5"});
  EXPECT_EQ(values_of(lines, "Install.Alias"), std::vector<std::string>{"demo2.service"});

  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"Service.ExecStartPre", "/bin/false"},
                                                        {"Service.User", "root"},
                                                        {"Unit.Nice", "5"},
                                                        {"Bogus.Nice", "5"}}) {
    service.systemd.extra = {{key, value}};
    EXPECT_NE(find_diagnostic(render(service), "systemd.extra." + key, Severity::error), nullptr)
        << key;
  }
  service.systemd.extra = {{"Service.Nice", "5\nExecStartPre=/bin/false"}};
  EXPECT_NE(find_diagnostic(render(service), "systemd.extra.Service.Nice", Severity::error),
            nullptr);
}

// ---- the acceptance case: hostile values through the loader ---------------------------------

constexpr const char* kInjection = R"("x\n[Service]\nExecStartPre=/bin/false")";

TEST(SystemdInjection, DescriptionFailsValidationAtItsPosition) {
  const std::string text = std::string("[service]\nname = \"demo\"\ncommand = \"/bin/true\"\n") +
                           "description = " + kInjection + "\n";
  const auto loaded = load_manifest_text(text, "demo.toml", TargetOs::linux);
  EXPECT_FALSE(loaded.service.has_value());
  ASSERT_FALSE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.diagnostics[0].severity, Severity::error);
  EXPECT_EQ(loaded.diagnostics[0].line, 4);
  EXPECT_EQ(loaded.diagnostics[0].column, 15);
}

TEST(SystemdInjection, EnvValueRendersOnlyTheIntendedKeys) {
  for (const auto mode : {SupervisorMode::native, SupervisorMode::daemonize}) {
    const std::string text =
        std::string("[service]\nname = \"demo\"\ncommand = \"/bin/true\"\nsupervisor = \"") +
        to_string(mode) + "\"\nargs = [" + kInjection + "]\n[logs]\nstdout = \"inherit\"\n" +
        "stderr = \"inherit\"\n[env]\nINJECTED = " + kInjection + "\n";
    const auto loaded = load_manifest_text(text, "demo.toml", TargetOs::linux);
    ASSERT_TRUE(loaded.service.has_value());
    const auto result = render(*loaded.service);
    ASSERT_FALSE(has_errors(result.diagnostics));
    const auto lines = read_unit(unit_of(result).content);
    const auto keys = keys_of(lines);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "Service.ExecStartPre"), 0);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "Service.ExecStart"), 1);
    std::set<std::string> sections;
    for (const auto& line : lines) sections.insert(line.section);
    EXPECT_EQ(sections, (std::set<std::string>{"Unit", "Service", "Install"}));
    if (mode == SupervisorMode::native) {
      EXPECT_EQ(values_of(lines, "Service.Environment"),
                std::vector<std::string>{R"("INJECTED=x\n[Service]\nExecStartPre=/bin/false")"});
      EXPECT_EQ(values_of(lines, "Service.ExecStart"),
                std::vector<std::string>{R"(/bin/true "x\n[Service]\nExecStartPre=/bin/false")"});
    }
  }
}

TEST(SystemdBothModes, HugeDurationsSaturateInsteadOfOverflowing) {
  auto service = base_service();
  service.stop.timeout = Duration::max() / 4;  // the largest a manifest can write
  service.health = HealthConfig{};
  service.health->interval = Duration::max() / 2;
  service.health->retries = 1000;
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.TimeoutStopSec"), std::vector<std::string>{"36500d"});
  EXPECT_EQ(values_of(lines, "Service.TimeoutStartSec"), std::vector<std::string>{"36500d"});
}

TEST(SystemdBothModes, InvalidNameRendersNothing) {
  auto service = base_service();
  service.name = "bad\nname";
  const auto result = render(service);
  EXPECT_NE(find_diagnostic(result, "service.name", Severity::error), nullptr);
  EXPECT_TRUE(result.artifacts.empty());
}

TEST(SystemdBackend, RegistersAsSystemd) {
  const auto backend = make_systemd_backend();
  EXPECT_EQ(backend->name(), "systemd");
  EXPECT_EQ(backend->os(), TargetOs::linux);
  EXPECT_FALSE(backend->unsupported_reason(base_service()).has_value());
  auto windows_only = base_service();
  windows_only.command = "C:\\Program Files\\app.exe";
  EXPECT_TRUE(backend->unsupported_reason(windows_only).has_value());
}

// ---- [sandbox] ----------------------------------------------------------------------------

using Strings = std::vector<std::string>;

TEST(SystemdSandbox, EveryKeyBecomesItsDirective) {
  for (const auto mode : {SupervisorMode::daemonize, SupervisorMode::native}) {
    auto service = base_service(mode);
    auto& box = service.sandbox;
    box.no_new_privileges = true;
    box.private_tmp = true;
    box.protect_system = "full";
    box.protect_home = "tmpfs";
    box.read_write_paths = {"/srv/demo", "-/srv/maybe"};
    box.read_only_paths = {"/srv/static"};
    box.private_devices = true;
    box.private_users = false;
    box.capabilities = Strings{"CAP_NET_BIND_SERVICE", "CAP_CHOWN"};
    box.system_call_filter = {"@system-service", "~@mount", "~reboot"};
    const auto result = render(service);
    const auto lines = read_unit(unit_of(result).content);
    EXPECT_EQ(values_of(lines, "Service.NoNewPrivileges"), Strings{"yes"});
    EXPECT_EQ(values_of(lines, "Service.PrivateTmp"), Strings{"yes"});
    EXPECT_EQ(values_of(lines, "Service.ProtectSystem"), Strings{"full"});
    EXPECT_EQ(values_of(lines, "Service.ProtectHome"), Strings{"tmpfs"});
    const std::string watchdog_paths =
        mode == SupervisorMode::daemonize ? "-/var/log/demo -%t/daemonize/demo" : "-/var/log/demo";
    EXPECT_EQ(values_of(lines, "Service.ReadWritePaths"),
              Strings{watchdog_paths + " /srv/demo -/srv/maybe"});
    EXPECT_EQ(values_of(lines, "Service.ReadOnlyPaths"), Strings{"/srv/static"});
    EXPECT_EQ(values_of(lines, "Service.PrivateDevices"), Strings{"yes"});
    EXPECT_EQ(values_of(lines, "Service.PrivateUsers"), Strings{"no"});
    EXPECT_EQ(values_of(lines, "Service.CapabilityBoundingSet"),
              Strings{"CAP_NET_BIND_SERVICE CAP_CHOWN"});
    EXPECT_EQ(values_of(lines, "Service.AmbientCapabilities"),
              Strings{"CAP_NET_BIND_SERVICE CAP_CHOWN"});
    EXPECT_EQ(values_of(lines, "Service.SystemCallFilter"),
              (Strings{"@system-service", "~@mount reboot"}));
  }
}

TEST(SystemdSandbox, KernelSwitchesInBothModes) {
  for (const auto mode : {SupervisorMode::daemonize, SupervisorMode::native}) {
    auto service = base_service(mode);
    auto& box = service.sandbox;
    box.protect_kernel_tunables = true;
    box.protect_kernel_modules = true;
    box.protect_kernel_logs = true;
    box.protect_control_groups = true;
    box.protect_clock = false;
    box.protect_hostname = true;
    box.restrict_namespaces = true;
    box.restrict_realtime = true;
    box.restrict_suid_sgid = true;
    box.lock_personality = true;
    box.memory_deny_write_execute = true;
    box.private_network = false;
    box.remove_ipc = true;
    box.system_call_architectures = {"native", "x86"};
    box.device_policy = "closed";
    box.device_allow = {"/dev/null rw", "char-pts rw"};
    box.protect_proc = "invisible";
    box.proc_subset = "pid";
    const auto result = render(service);
    const auto lines = read_unit(unit_of(result).content);
    for (const auto* setting :
         {"ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
          "ProtectControlGroups", "ProtectHostname", "RestrictNamespaces", "RestrictRealtime",
          "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute", "RemoveIPC"}) {
      EXPECT_EQ(values_of(lines, std::string("Service.") + setting), Strings{"yes"}) << setting;
    }
    EXPECT_EQ(values_of(lines, "Service.ProtectClock"), Strings{"no"});
    EXPECT_EQ(values_of(lines, "Service.PrivateNetwork"), Strings{"no"});
    EXPECT_EQ(values_of(lines, "Service.SystemCallArchitectures"), Strings{"native x86"});
    EXPECT_EQ(values_of(lines, "Service.DevicePolicy"), Strings{"closed"});
    EXPECT_EQ(values_of(lines, "Service.DeviceAllow"), (Strings{"/dev/null rw", "char-pts rw"}));
    EXPECT_EQ(values_of(lines, "Service.ProtectProc"), Strings{"invisible"});
    EXPECT_EQ(values_of(lines, "Service.ProcSubset"), Strings{"pid"});
    for (const auto& diagnostic : result.diagnostics)
      EXPECT_FALSE(diagnostic.key.starts_with("sandbox")) << diagnostic.message;
  }
}

TEST(SystemdSandbox, StrictDevicesWithoutDevNullWarnsInDaemonizeMode) {
  auto service = base_service();
  service.sandbox.device_policy = "strict";
  const auto result = render(service);
  const auto* warned = find_diagnostic(result, "sandbox.device_policy", Severity::warning);
  ASSERT_NE(warned, nullptr);
  EXPECT_EQ(warned->message,
            "systemd: device_policy = \"strict\" without \"/dev/null rw\" in device_allow: the "
            "watchdog opens /dev/null for output that goes nowhere and for exec health checks");
  service.sandbox.device_allow = {"/dev/null rw"};
  EXPECT_EQ(find_diagnostic(render(service), "sandbox.device_policy", Severity::warning), nullptr);
  service = base_service(SupervisorMode::native);
  service.sandbox.device_policy = "strict";
  EXPECT_EQ(find_diagnostic(render(service), "sandbox.device_policy", Severity::warning), nullptr);
}

TEST(SystemdUnit, DocumentationRelationsAndAliases) {
  auto service = base_service();
  service.documentation = {"man:demo(8)", "https://example.com/demo%20guide"};
  service.dependencies.before = {"nginx", "web.target"};
  service.dependencies.part_of = {"demo.target"};
  service.dependencies.conflicts = {"old-demo"};
  service.dependencies.also_enable = {"demo.socket"};
  service.aliases = {"demod", "demo-legacy.service"};
  const auto result = render(service);
  const auto lines = read_unit(unit_of(result).content);
  EXPECT_EQ(values_of(lines, "Unit.Documentation"),
            Strings{"man:demo(8) https://example.com/demo%%20guide"});
  EXPECT_EQ(values_of(lines, "Unit.Before"), Strings{"nginx.service web.target"});
  EXPECT_EQ(values_of(lines, "Unit.PartOf"), Strings{"demo.target"});
  EXPECT_EQ(values_of(lines, "Unit.Conflicts"), Strings{"old-demo.service"});
  EXPECT_EQ(values_of(lines, "Install.Alias"), Strings{"demod.service demo-legacy.service"});
  EXPECT_EQ(values_of(lines, "Install.Also"), Strings{"demo.socket"});
  // Relations order nothing and pull nothing in.
  EXPECT_TRUE(values_of(lines, "Unit.After").empty());
  EXPECT_TRUE(values_of(lines, "Unit.Wants").empty());
}

TEST(SystemdSandbox, NoCapabilitiesAtAll) {
  auto service = base_service();
  service.sandbox.capabilities = Strings{};
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.CapabilityBoundingSet"), Strings{""});
  EXPECT_TRUE(values_of(lines, "Service.AmbientCapabilities").empty());
}

TEST(SystemdSandbox, SetKeysWinOverHardening) {
  auto service = base_service();
  service.systemd.hardening = true;
  service.sandbox.private_tmp = false;
  service.sandbox.protect_system = "full";
  service.sandbox.protect_home = "read-only";
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.NoNewPrivileges"), Strings{"yes"});  // hardening's
  EXPECT_EQ(values_of(lines, "Service.PrivateTmp"), Strings{"no"});
  EXPECT_EQ(values_of(lines, "Service.ProtectSystem"), Strings{"full"});
  EXPECT_EQ(values_of(lines, "Service.ProtectHome"), Strings{"read-only"});
}

TEST(SystemdSandbox, WatchdogKeepsUnixSocketsAndProbeFamilies) {
  auto service = base_service();
  service.sandbox.restrict_address_families = {"AF_INET"};
  service.health.emplace();
  service.health->check = HealthCheckKind::tcp;
  service.health->address = "127.0.0.1:80";
  EXPECT_EQ(
      values_of(read_unit(unit_of(render(service)).content), "Service.RestrictAddressFamilies"),
      Strings{"AF_INET AF_UNIX AF_INET6"});
  service.supervisor = SupervisorMode::native;
  EXPECT_EQ(
      values_of(read_unit(unit_of(render(service)).content), "Service.RestrictAddressFamilies"),
      Strings{"AF_INET"});
}

TEST(SystemdSandbox, NoneBecomesUnixOnlyForTheWatchdog) {
  auto service = base_service();
  service.sandbox.restrict_address_families = {"none"};
  const auto result = render(service);
  EXPECT_EQ(values_of(read_unit(unit_of(result).content), "Service.RestrictAddressFamilies"),
            Strings{"AF_UNIX"});
  const auto* warned =
      find_diagnostic(result, "sandbox.restrict_address_families", Severity::warning);
  ASSERT_NE(warned, nullptr);
  EXPECT_EQ(
      warned->message,
      "systemd: the watchdog needs AF_UNIX to talk to systemd: \"none\" becomes AF_UNIX only");
}

TEST(SystemdSandbox, AllowListWithoutSystemServiceWarnsInDaemonizeMode) {
  auto service = base_service();
  service.sandbox.system_call_filter = {"@basic-io"};
  const auto result = render(service);
  const auto* warned = find_diagnostic(result, "sandbox.system_call_filter", Severity::warning);
  ASSERT_NE(warned, nullptr);
  EXPECT_EQ(warned->message,
            "systemd: the filter applies to the watchdog too, which needs the calls of "
            "\"@system-service\"; add it, or the watchdog may be killed (SIGSYS)");
  service.supervisor = SupervisorMode::native;
  EXPECT_EQ(find_diagnostic(render(service), "sandbox.system_call_filter", Severity::warning),
            nullptr);
}

TEST(SystemdSandbox, ProtectHomeHidingTheServicesPathWarns) {
  auto service = base_service();
  service.working_directory = "/home/demo/app";
  service.sandbox.protect_home = "yes";
  const auto result = render(service);
  const auto* warned = find_diagnostic(result, "sandbox.protect_home", Severity::warning);
  ASSERT_NE(warned, nullptr);
  EXPECT_EQ(warned->message,
            "systemd: protect_home = \"yes\" hides '/home/demo/app', which the service uses; use "
            "\"read-only\"");
}

// ---- [directories] ------------------------------------------------------------------------

TEST(SystemdDirectories, EachKindAndItsModeWhenNotTheDefault) {
  for (const auto mode : {SupervisorMode::daemonize, SupervisorMode::native}) {
    auto service = base_service(mode);
    service.directories.runtime = {"demo", "demo/sockets"};
    service.directories.state = {"demo"};
    service.directories.cache = {"demo"};
    service.directories.logs = {"demo-audit"};
    service.directories.configuration = {"demo"};
    auto lines = read_unit(unit_of(render(service)).content);
    const Strings runtime = mode == SupervisorMode::daemonize
                                ? Strings{"daemonize/demo", "demo demo/sockets"}
                                : Strings{"demo demo/sockets"};
    EXPECT_EQ(values_of(lines, "Service.RuntimeDirectory"), runtime);
    EXPECT_EQ(values_of(lines, "Service.StateDirectory"), Strings{"demo"});
    EXPECT_EQ(values_of(lines, "Service.CacheDirectory"), Strings{"demo"});
    EXPECT_EQ(values_of(lines, "Service.ConfigurationDirectory"), Strings{"demo"});
    EXPECT_TRUE(values_of(lines, "Service.RuntimeDirectoryMode").empty());  // 0755: systemd's
    EXPECT_TRUE(values_of(lines, "Service.StateDirectoryMode").empty());

    service.directories.mode = 0750;
    lines = read_unit(unit_of(render(service)).content);
    for (const char* key : {"Service.RuntimeDirectoryMode", "Service.StateDirectoryMode",
                            "Service.CacheDirectoryMode", "Service.LogsDirectoryMode",
                            "Service.ConfigurationDirectoryMode"}) {
      EXPECT_EQ(values_of(lines, key), Strings{"0750"}) << key;
    }
  }
}

TEST(SystemdDirectories, TheModeReplacesTheWatchdogsLogDirectoryMode) {
  auto service = base_service();
  service.directories.logs = {"demo-audit"};
  service.directories.mode = 0700;
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.LogsDirectory"), (Strings{"demo", "demo-audit"}));
  EXPECT_EQ(values_of(lines, "Service.LogsDirectoryMode"), Strings{"0700"});
}

TEST(SystemdDirectories, SpecifiersAreEscaped) {
  auto service = base_service();
  service.directories.state = {"demo%i"};
  EXPECT_EQ(values_of(read_unit(unit_of(render(service)).content), "Service.StateDirectory"),
            Strings{"demo%%i"});
}

// ---- $@{VAR} ------------------------------------------------------------------------------

TEST(SystemdNative, SplitReferenceIsAnUnquotedDollarWord) {
  auto service = base_service(SupervisorMode::native);
  service.args = {"-D", "$@{SSHD_OPTS}", "${ONE}"};
  service.env = {{"ONE", "x"}};
  const auto lines = read_unit(unit_of(render(service)).content);
  EXPECT_EQ(values_of(lines, "Service.ExecStart"), Strings{"/usr/bin/demo -D $SSHD_OPTS ${ONE}"});
}

}  // namespace
}  // namespace daemonize
