#include <gtest/gtest.h>

#include <filesystem>

#include "daemonize/core/loader.hpp"

using namespace daemonize;
using namespace std::chrono_literals;

namespace {

Service load_ok(std::string_view text, TargetOs os = TargetOs::linux) {
  auto result = load_manifest_text(text, "service.toml", os);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  EXPECT_TRUE(result.service.has_value());
  return result.service.value_or(Service{});
}

std::vector<std::string> messages(std::string_view text, TargetOs os = TargetOs::linux) {
  std::vector<std::string> lines;
  for (const auto& d : load_manifest_text(text, "service.toml", os).diagnostics)
    lines.push_back(format_diagnostic(d));
  return lines;
}

constexpr std::string_view minimal = R"([service]
name = "payments"
command = "/opt/payments/bin/server"
)";

}  // namespace

TEST(Loader, DefaultsAreFilledInOnePlace) {
  const auto s = load_ok(minimal);
  EXPECT_EQ(s.name, "payments");
  EXPECT_EQ(s.display_name, "payments");
  EXPECT_EQ(s.scope, Scope::system);
  EXPECT_EQ(s.supervisor, SupervisorMode::daemonize);
  EXPECT_EQ(s.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(s.restart.delay, 1s);
  EXPECT_EQ(s.restart.max_delay, 1min);
  EXPECT_EQ(s.restart.multiplier, 2.0);
  EXPECT_EQ(s.restart.reset_after, 30s);
  EXPECT_EQ(s.restart.max_restarts, 10U);
  EXPECT_EQ(s.restart.window, 5min);
  EXPECT_EQ(s.restart.success_exit_codes, std::vector<int>{0});
  EXPECT_EQ(s.stop.signal, Signal::term);
  EXPECT_EQ(s.stop.timeout, 30s);
  EXPECT_EQ(s.reload.signal, Signal::hangup);
  EXPECT_EQ(s.logs.directory, "/var/log/payments");
  EXPECT_EQ(s.logs.stdout_stream.file_name, "stdout.log");
  EXPECT_EQ(s.logs.stderr_stream.file_name, "stderr.log");
  EXPECT_EQ(s.logs.max_size, 10ULL << 20);
  EXPECT_EQ(s.logs.max_files, 5U);
  EXPECT_FALSE(s.health.has_value());
  EXPECT_EQ(s.launchd.label, "org.daemonize.payments");
  EXPECT_EQ(s.windows.account, "NT SERVICE\\payments");
  EXPECT_EQ(s.windows.task_trigger, TaskTrigger::boot);
  EXPECT_EQ(s.kubernetes.replicas, 1U);
  EXPECT_EQ(s.kubernetes.namespace_name, "default");
  EXPECT_EQ(s.kubernetes.service_account, "payments");
}

TEST(Loader, DefaultsDependOnScopeAndOs) {
  const std::string user = std::string(minimal) + "scope = \"user\"\n";
  EXPECT_EQ(load_ok(user).logs.directory, "~/.local/state/payments/log");
  EXPECT_EQ(load_ok(user).windows.task_trigger, TaskTrigger::logon);
  EXPECT_EQ(load_ok(minimal, TargetOs::macos).logs.directory, "/Library/Logs/payments");
  const std::string windows = std::string(minimal) + "[os.windows]\ncommand = 'C:\\srv\\x.exe'\n";
  EXPECT_EQ(load_ok(windows, TargetOs::windows).logs.directory, "%ProgramData%\\payments\\logs");
}

TEST(Loader, KubernetesServiceAccountDefaultIsDnsNormalized) {
  const auto s = load_ok("[service]\nname = \"My_App.v2\"\ncommand = \"/bin/true\"\n");
  EXPECT_EQ(s.kubernetes.service_account, "my-app-v2");
}

TEST(Loader, KubernetesRbacAndAllowPrincipalsLandInTheModel) {
  const auto s = load_ok(std::string(minimal) + R"([kubernetes]
image = "registry.example.com/payments:1.4.2"
rbac = [
  { api_groups = [""], resources = ["configmaps"], resource_names = ["payments"], verbs = ["get"] },
  { api_groups = ["*"], resources = ["nodes", "pods/log"], verbs = ["list", "*"], cluster = true },
]
allow_principals = ["cluster.local/ns/shop/sa/frontend"]
)");
  ASSERT_EQ(s.kubernetes.rbac.size(), 2U);
  const auto& first = s.kubernetes.rbac[0];
  EXPECT_EQ(first.api_groups, std::vector<std::string>{""});
  EXPECT_EQ(first.resources, std::vector<std::string>{"configmaps"});
  EXPECT_EQ(first.resource_names, std::vector<std::string>{"payments"});
  EXPECT_EQ(first.verbs, std::vector<std::string>{"get"});
  EXPECT_FALSE(first.cluster);
  const auto& second = s.kubernetes.rbac[1];
  EXPECT_EQ(second.resources, (std::vector<std::string>{"nodes", "pods/log"}));
  EXPECT_EQ(second.verbs, (std::vector<std::string>{"list", "*"}));
  EXPECT_TRUE(second.resource_names.empty());
  EXPECT_TRUE(second.cluster);
  EXPECT_EQ(s.kubernetes.allow_principals,
            std::vector<std::string>{"cluster.local/ns/shop/sa/frontend"});
  // Positions of the elements, for the renderer's warnings.
  EXPECT_EQ(s.position_of("kubernetes.rbac[1].resources[0]").line, 8);
  EXPECT_EQ(s.position_of("kubernetes.rbac[1].resources[0]").column, 38);
}

TEST(Loader, KubernetesRbacIsAnArrayOfTables) {
  EXPECT_EQ(messages(std::string(minimal) + "[kubernetes]\nrbac = \"get\"\n"),
            std::vector<std::string>{
                "service.toml:5:8: error: 'kubernetes.rbac' must be an array of tables, got a "
                "string"});
  EXPECT_EQ(
      messages(std::string(minimal) +
               "[kubernetes]\nrbac = [{ api_groups = [\"\"], resources = [\"pods\"], verbs = "
               "\"get\" }]\n"),
      std::vector<std::string>{"service.toml:5:60: error: 'kubernetes.rbac[0].verbs' must be an "
                               "array of strings, got a string"});
}

TEST(Loader, OsOverridesDeepMergeForThatOsOnly) {
  constexpr std::string_view text = R"([service]
name = "payments"
command = "/opt/payments/bin/server"
args = ["--port", "8080"]

[env]
LOG_LEVEL = "info"
DATA_DIR = "/var/lib/payments"

[restart]
policy = "always"
delay = "2s"

[os.windows]
command = 'C:\Program Files\Payments\server.exe'
[os.windows.env]
DATA_DIR = 'C:\ProgramData\Payments'
[os.windows.restart]
delay = "5s"
)";
  const auto linux_model = load_ok(text, TargetOs::linux);
  EXPECT_EQ(linux_model.command, "/opt/payments/bin/server");
  EXPECT_EQ(linux_model.env.at("DATA_DIR"), "/var/lib/payments");
  EXPECT_EQ(linux_model.restart.delay, 2s);

  const auto windows_model = load_ok(text, TargetOs::windows);
  EXPECT_EQ(windows_model.command, "C:\\Program Files\\Payments\\server.exe");
  EXPECT_EQ(windows_model.args, (std::vector<std::string>{"--port", "8080"}));
  EXPECT_EQ(windows_model.env.at("DATA_DIR"), "C:\\ProgramData\\Payments");
  EXPECT_EQ(windows_model.env.at("LOG_LEVEL"), "info");  // merged, not replaced
  EXPECT_EQ(windows_model.restart.delay, 5s);
  EXPECT_EQ(windows_model.restart.policy, RestartPolicy::always);
  // Positions point at the override that won.
  EXPECT_EQ(windows_model.position_of("service.command").line, 15);
  EXPECT_EQ(linux_model.position_of("service.command").line, 3);
}

TEST(Loader, OverrideErrorsAreReportedForTheirOsAtTheirLine) {
  constexpr std::string_view text = R"([service]
name = "payments"
command = "/bin/true"
[os.macos]
args = "not-an-array"
)";
  EXPECT_TRUE(messages(text, TargetOs::linux).empty());
  EXPECT_EQ(
      messages(text, TargetOs::macos),
      std::vector<std::string>{
          "service.toml:5:8: error: 'service.args' must be an array of strings, got a string"});
}

TEST(Loader, UnknownKeysInOtherOsOverridesAreStillErrors) {
  const std::string text = std::string(minimal) + "[os.macos]\nlabel = \"x\"\n";
  EXPECT_EQ(messages(text),
            std::vector<std::string>{"service.toml:5:1: error: unknown key 'label' in [os.macos]; "
                                     "'label' belongs in [os.macos.launchd]"});
}

TEST(Loader, AcceptanceUnknownKeyWithSuggestion) {
  constexpr std::string_view text = R"([service]
name = "payments"
command = "/opt/payments/bin/server"
args = ["--port", "8080"]

[restart]
polcy = "always"
)";
  EXPECT_EQ(
      messages(text),
      std::vector<std::string>{
          "service.toml:7:1: error: unknown key 'polcy' in [restart]; did you mean 'policy'?"});
}

TEST(Loader, ThreeIndependentErrorsEachWithItsPosition) {
  constexpr std::string_view text = R"([service]
name = "bad name"
command = "/bin/true"
[stop]
timeout = "forever"
[limits]
memory = "lots"
)";
  const auto lines = messages(text);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0].substr(0, 17), "service.toml:2:8:");
  EXPECT_EQ(lines[1].substr(0, 18), "service.toml:5:11:");
  EXPECT_EQ(lines[2].substr(0, 17), "service.toml:7:10");
}

TEST(Loader, InterpolationErrorColumnPointsInsideTheString) {
  // `args = ["ok", "a${B"]`: the `$` of the bad reference is at column 17.
  const std::string text = std::string(minimal) + "args = [\"ok\", \"a${B\"]\n";
  const auto lines = messages(text);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0],
            "service.toml:4:17: error: 'service.args[1]': unterminated '${' (missing '}')");
}

TEST(Loader, ValuesKeepInterpolationTextForLaterStages) {
  const std::string text = std::string(minimal) + "args = [\"${PORT:-8080}\", \"$$HOME\"]\n";
  const auto s = load_ok(text);
  EXPECT_EQ(s.args, (std::vector<std::string>{"${PORT:-8080}", "$$HOME"}));
}

TEST(Loader, PositionsOfArrayElementsAndEnvValues) {
  const std::string text = std::string(minimal) + "args = [\"a\", \"b\"]\n[env]\nX = \"1\"\n";
  const auto s = load_ok(text);
  EXPECT_EQ(s.position_of("service.args[1]").line, 4);
  EXPECT_EQ(s.position_of("service.args[1]").column, 14);
  EXPECT_EQ(s.position_of("env.X").line, 6);
  // Unknown sub-keys fall back to the closest enclosing key.
  EXPECT_EQ(s.position_of("env.X.deeper").line, 6);
}

TEST(Loader, SchemaOneIsAccepted) {
  const auto s = load_ok("schema = 1\n" + std::string(minimal));
  EXPECT_EQ(s.schema, 1);
}

TEST(Loader, EmptyArgvEntriesAreAllowedInArgs) {
  const std::string text = std::string(minimal) + "args = [\"\", \"x\"]\n";
  EXPECT_EQ(load_ok(text).args.size(), 2U);
}

TEST(Loader, WindowsCommandWithPosixPathOnlyWarns) {
  const auto result = load_manifest_text(minimal, "service.toml", TargetOs::windows);
  ASSERT_TRUE(result.service.has_value());
  ASSERT_EQ(result.diagnostics.size(), 1U);
  EXPECT_EQ(result.diagnostics[0].severity, Severity::warning);
  EXPECT_EQ(result.diagnostics[0].key, "service.command");
}

TEST(Loader, LiteralSecretInRequiredEnvWarns) {
  const std::string text =
      std::string(minimal) + "required_env = [\"TOKEN\"]\n[env]\nTOKEN = \"hunter2\"\n";
  const auto result = load_manifest_text(text, "service.toml", TargetOs::linux);
  ASSERT_EQ(result.diagnostics.size(), 1U);
  EXPECT_EQ(format_diagnostic(result.diagnostics[0]),
            "service.toml:6:9: warning: 'TOKEN' is listed in required_env but [env] sets it to a "
            "literal value; "
            "keep secrets in env_files");
}

TEST(Loader, UnreadableFileIsReportedAsSuch) {
  const auto result = load_manifest_file("/nonexistent/service.toml", TargetOs::linux);
  EXPECT_TRUE(result.file_unreadable);
  ASSERT_EQ(result.diagnostics.size(), 1U);
  EXPECT_EQ(
      format_diagnostic(result.diagnostics[0]),
      "/nonexistent/service.toml: error: cannot read the manifest: No such file or directory");
}

TEST(Loader, EveryExampleLoadsForEveryOs) {
  for (const auto& entry : std::filesystem::directory_iterator(DAEMONIZE_EXAMPLES)) {
    if (entry.path().extension() != ".toml") continue;
    for (auto os : {TargetOs::linux, TargetOs::macos, TargetOs::windows}) {
      const auto result = load_manifest_file(entry.path().string(), os);
      EXPECT_TRUE(result.service.has_value()) << entry.path() << " for " << to_string(os);
      for (const auto& d : result.diagnostics) {
        EXPECT_EQ(d.severity, Severity::warning) << format_diagnostic(d);
      }
    }
  }
}
