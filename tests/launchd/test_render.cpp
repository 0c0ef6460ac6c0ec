// render_launchd_plist on Services built directly: the mapping, the diagnostics and their keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "daemonize/launchd/backend.hpp"
#include "daemonize/launchd/plist.hpp"

namespace daemonize::launchd {
namespace {

using namespace std::chrono_literals;

Service make_service(SupervisorMode mode = SupervisorMode::daemonize) {
  Service service;
  service.name = "demo";
  service.display_name = "demo";
  service.command = "/usr/local/bin/demo";
  service.supervisor = mode;
  service.launchd.label = "org.daemonize.demo";
  service.logs.directory = "/Library/Logs/demo";
  service.os = TargetOs::macos;
  service.manifest_path = "demo.toml";
  return service;
}

RenderResult render(const Service& service, const RenderOptions& options = {}) {
  return render_launchd_plist(service, options);
}

const std::string& content(const RenderResult& result) {
  static const std::string none;
  if (result.artifacts.size() != 1) {
    ADD_FAILURE() << "expected one artifact, got " << result.artifacts.size();
    return none;
  }
  return result.artifacts.front().content;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const Diagnostic* diagnostic_for(const RenderResult& result, const std::string& key) {
  const auto found = std::find_if(result.diagnostics.begin(), result.diagnostics.end(),
                                  [&](const Diagnostic& d) { return d.key == key; });
  return found == result.diagnostics.end() ? nullptr : &*found;
}

std::string key_block(const std::string& key, const std::string& value_xml) {
  return "\t<key>" + key + "</key>\n" + value_xml;
}

TEST(LaunchdRender, SystemScopeIsALaunchDaemon) {
  const auto result = render(make_service());
  ASSERT_EQ(result.artifacts.size(), 1U);
  const auto& artifact = result.artifacts.front();
  EXPECT_EQ(artifact.file_name, "org.daemonize.demo.plist");
  EXPECT_EQ(artifact.install_path, "/Library/LaunchDaemons/org.daemonize.demo.plist");
  EXPECT_EQ(artifact.mode, 0644U);
  EXPECT_TRUE(
      contains(artifact.content, key_block("Label", "\t<string>org.daemonize.demo</string>\n")));
  EXPECT_TRUE(contains(artifact.content, key_block("RunAtLoad", "\t<true/>\n")));
}

TEST(LaunchdRender, UserScopeIsALaunchAgentWithoutUserName) {
  auto service = make_service();
  service.scope = Scope::user;
  service.user = "someone";
  service.group = "staff";
  const auto result =
      render(service, {"/Users/me/.local/bin/daemonize",
                       "/Users/me/Library/Application Support/daemonize/demo.toml", ""});
  EXPECT_EQ(result.artifacts.at(0).install_path, "~/Library/LaunchAgents/org.daemonize.demo.plist");
  EXPECT_FALSE(contains(content(result), "UserName"));
  EXPECT_FALSE(contains(content(result), "GroupName"));
  ASSERT_NE(diagnostic_for(result, "service.user"), nullptr);
  EXPECT_EQ(diagnostic_for(result, "service.user")->severity, Severity::warning);
  ASSERT_NE(diagnostic_for(result, "service.group"), nullptr);
  EXPECT_EQ(diagnostic_for(result, "service.scope"), nullptr)
      << "an absolute manifest path needs no warning";
}

TEST(LaunchdRender, UserScopeDefaultManifestPathWarnsAboutTilde) {
  auto service = make_service();
  service.scope = Scope::user;
  const auto result = render(service);
  EXPECT_TRUE(contains(content(result),
                       "<string>~/Library/Application Support/daemonize/demo.toml</string>"));
  ASSERT_NE(diagnostic_for(result, "service.scope"), nullptr);
  EXPECT_TRUE(
      contains(diagnostic_for(result, "service.scope")->message, "which launchd does not expand"));
}

TEST(LaunchdRender, DefaultLabelComesFromTheName) {
  auto service = make_service();
  service.launchd.label.clear();
  EXPECT_EQ(job_label(service), "org.daemonize.demo");
  service.launchd.label = "com.example.payments";
  EXPECT_EQ(job_label(service), "com.example.payments");
  EXPECT_EQ(render(service).artifacts.at(0).file_name, "com.example.payments.plist");
}

TEST(LaunchdRender, InvalidLabelIsAnErrorAtTheKey) {
  auto service = make_service();
  service.launchd.label = "../evil";
  const auto result = render(service);
  EXPECT_TRUE(result.artifacts.empty());
  ASSERT_NE(diagnostic_for(result, "launchd.label"), nullptr);
  EXPECT_EQ(diagnostic_for(result, "launchd.label")->severity, Severity::error);
}

TEST(LaunchdRender, DaemonizeModeRunsTheWatchdogOnTheInstalledManifest) {
  const auto text = content(render(make_service()));
  EXPECT_TRUE(contains(text, key_block("ProgramArguments",
                                       "\t<array>\n"
                                       "\t\t<string>/usr/local/bin/daemonize</string>\n"
                                       "\t\t<string>run</string>\n"
                                       "\t\t<string>/usr/local/etc/daemonize/demo.toml</string>\n"
                                       "\t</array>\n")));
  const auto custom =
      content(render(make_service(), {"/opt/d&d/daemonize", "/etc/x <y>.toml", ""}));
  EXPECT_TRUE(contains(custom, "<string>/opt/d&amp;d/daemonize</string>"));
  EXPECT_TRUE(contains(custom, "<string>/etc/x &lt;y&gt;.toml</string>"));
}

TEST(LaunchdRender, DaemonizeModeRejectsARelativeDaemonizePath) {
  const auto result = render(make_service(), {"bin/daemonize", "", ""});
  EXPECT_TRUE(result.artifacts.empty());
  EXPECT_TRUE(has_errors(result.diagnostics));
}

TEST(LaunchdRender, DaemonizeModeRejectsOptionPathsXmlCannotHold) {
  const auto result = render(make_service(), {"/usr/local/bin/daemonize", "/etc/\x01.toml", ""});
  EXPECT_TRUE(result.artifacts.empty());
  ASSERT_EQ(result.diagnostics.size(), 1U);
  EXPECT_EQ(result.diagnostics[0].message.rfind("launchd: the installed manifest path cannot", 0),
            0U)
      << result.diagnostics[0].message;
}

TEST(LaunchdRender, DaemonizeModeRestartsOnlyACrashedWatchdog) {
  for (const auto policy :
       {RestartPolicy::always, RestartPolicy::on_failure, RestartPolicy::never}) {
    auto service = make_service();
    service.restart.policy = policy;
    EXPECT_TRUE(contains(
        content(render(service)),
        key_block("KeepAlive", "\t<dict>\n\t\t<key>Crashed</key>\n\t\t<true/>\n\t</dict>\n")))
        << to_string(policy);
  }
}

TEST(LaunchdRender, DaemonizeModeHoldsNoEnvironmentAndNoArguments) {
  auto service = make_service();
  service.env["SECRET_TOKEN"] = "hunter2";
  service.env["DATABASE_URL"] = "${DATABASE_URL}";
  service.args = {"--port", "${PORT:-8080}", "\x01"};  // not in the plist, so no XML problem
  service.working_directory = "${HOME}/work";
  const auto result = render(service);
  EXPECT_FALSE(has_errors(result.diagnostics));
  const auto& text = content(result);
  EXPECT_FALSE(contains(text, "EnvironmentVariables"));
  EXPECT_FALSE(contains(text, "hunter2"));
  EXPECT_FALSE(contains(text, "--port"));
  EXPECT_FALSE(contains(text, "WorkingDirectory"));
}

TEST(LaunchdRender, DaemonizeModeCapturesTheWatchdogOutput) {
  const auto text = content(render(make_service()));
  EXPECT_TRUE(contains(text, key_block("StandardErrorPath",
                                       "\t<string>/Library/Logs/demo/watchdog.log</string>\n")));
  EXPECT_TRUE(contains(
      text, key_block("StandardOutPath", "\t<string>/Library/Logs/demo/watchdog.log</string>\n")));
}

TEST(LaunchdRender, NativeKeepAliveFollowsThePolicy) {
  auto service = make_service(SupervisorMode::native);
  service.restart.policy = RestartPolicy::always;
  EXPECT_TRUE(contains(content(render(service)), key_block("KeepAlive", "\t<true/>\n")));
  service.restart.policy = RestartPolicy::on_failure;
  EXPECT_TRUE(
      contains(content(render(service)),
               key_block("KeepAlive",
                         "\t<dict>\n\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>\n")));
  service.restart.policy = RestartPolicy::never;
  EXPECT_TRUE(contains(content(render(service)), key_block("KeepAlive", "\t<false/>\n")));
}

TEST(LaunchdRender, NativeModeWritesTheExactArgvEscaped) {
  auto service = make_service(SupervisorMode::native);
  service.args = {"<a&b>", "]]>", "x y", "-leading", "\"quoted\"", "caf\xC3\xA9", "cost $$5", ""};
  const auto text = content(render(service));
  EXPECT_TRUE(contains(text,
                       "\t\t<string>/usr/local/bin/demo</string>\n"
                       "\t\t<string>&lt;a&amp;b&gt;</string>\n"
                       "\t\t<string>]]&gt;</string>\n"
                       "\t\t<string>x y</string>\n"
                       "\t\t<string>-leading</string>\n"
                       "\t\t<string>\"quoted\"</string>\n"
                       "\t\t<string>caf\xC3\xA9</string>\n"
                       "\t\t<string>cost $5</string>\n"
                       "\t\t<string></string>\n"
                       "\t</array>\n"));
}

TEST(LaunchdRender, NativeModeRejectsVariableReferences) {
  auto service = make_service(SupervisorMode::native);
  service.args = {"--port", "${PORT:-8080}"};
  service.env["URL"] = "${DATABASE_URL}";
  service.working_directory = "/srv/${SITE:?site}";
  const auto result = render(service);
  EXPECT_TRUE(result.artifacts.empty());
  for (const char* key : {"service.args[1]", "env.URL", "service.working_directory"}) {
    const auto* diagnostic = diagnostic_for(result, key);
    ASSERT_NE(diagnostic, nullptr) << key;
    EXPECT_EQ(diagnostic->severity, Severity::error) << key;
    EXPECT_TRUE(contains(diagnostic->message, "neither expands")) << diagnostic->message;
  }
  EXPECT_EQ(diagnostic_for(result, "service.args[0]"), nullptr);
}

TEST(LaunchdRender, NativeModeRejectsEnvFiles) {
  auto service = make_service(SupervisorMode::native);
  service.env_files = {"-/etc/demo/env"};
  const auto result = render(service);
  EXPECT_TRUE(result.artifacts.empty());
  ASSERT_NE(diagnostic_for(result, "service.env_files"), nullptr);
  EXPECT_EQ(diagnostic_for(result, "service.env_files")->severity, Severity::error);
}

TEST(LaunchdRender, CharactersXmlCannotHoldAreErrorsAtTheirKey) {
  auto service = make_service(SupervisorMode::native);
  service.args = {"ok", "bell\x07"};
  service.env["GOOD"] = "fine";
  service.env["BAD"] = "esc\x1B";
  const auto result = render(service);
  EXPECT_TRUE(result.artifacts.empty());
  const auto* argument = diagnostic_for(result, "service.args[1]");
  ASSERT_NE(argument, nullptr);
  EXPECT_EQ(argument->severity, Severity::error);
  EXPECT_TRUE(contains(argument->message, "U+0007")) << argument->message;
  EXPECT_TRUE(contains(argument->message, "at byte 4")) << argument->message;
  ASSERT_NE(diagnostic_for(result, "env.BAD"), nullptr);
  EXPECT_EQ(diagnostic_for(result, "env.GOOD"), nullptr);
}

TEST(LaunchdRender, NativeEnvironmentAndWorkingDirectory) {
  auto service = make_service(SupervisorMode::native);
  service.env["Z_LAST"] = "1";
  service.env["A_FIRST"] = "a <b> & 'c' $$";
  service.working_directory = "/srv/my app";
  const auto text = content(render(service));
  EXPECT_TRUE(contains(text, key_block("EnvironmentVariables",
                                       "\t<dict>\n"
                                       "\t\t<key>A_FIRST</key>\n"
                                       "\t\t<string>a &lt;b&gt; &amp; 'c' $</string>\n"
                                       "\t\t<key>Z_LAST</key>\n"
                                       "\t\t<string>1</string>\n"
                                       "\t</dict>\n")));
  EXPECT_TRUE(contains(text, key_block("WorkingDirectory", "\t<string>/srv/my app</string>\n")));
}

TEST(LaunchdRender, NativeLogStreams) {
  auto service = make_service(SupervisorMode::native);
  EXPECT_TRUE(
      contains(content(render(service)),
               key_block("StandardOutPath", "\t<string>/Library/Logs/demo/stdout.log</string>\n")));
  service.logs.stdout_stream = {LogStream::Kind::null, ""};
  service.logs.stderr_stream = {LogStream::Kind::inherit, ""};
  const auto result = render(service);
  EXPECT_TRUE(
      contains(content(result), key_block("StandardOutPath", "\t<string>/dev/null</string>\n")));
  EXPECT_FALSE(contains(content(result), "StandardErrorPath"));
  ASSERT_NE(diagnostic_for(result, "logs.stderr"), nullptr);
  EXPECT_EQ(diagnostic_for(result, "logs.max_size"), nullptr) << "no file, nothing to rotate";
}

TEST(LaunchdRender, ThrottleIntervalCountsWholeSeconds) {
  auto service = make_service(SupervisorMode::native);
  service.restart.delay = 2500ms;
  auto result = render(service);
  EXPECT_TRUE(contains(content(result), key_block("ThrottleInterval", "\t<integer>3</integer>\n")));
  ASSERT_NE(diagnostic_for(result, "restart.delay"), nullptr);
  service.restart.delay = 0ms;
  result = render(service);
  EXPECT_TRUE(contains(content(result), key_block("ThrottleInterval", "\t<integer>1</integer>\n")));
  service.restart.delay = 7s;
  result = render(service);
  EXPECT_TRUE(contains(content(result), key_block("ThrottleInterval", "\t<integer>7</integer>\n")));
  EXPECT_EQ(diagnostic_for(result, "restart.delay"), nullptr);
}

TEST(LaunchdRender, ExitTimeOutNeverBecomesZero) {
  auto service = make_service(SupervisorMode::native);
  service.stop.timeout = 0ms;
  auto result = render(service);
  EXPECT_TRUE(contains(content(result), key_block("ExitTimeOut", "\t<integer>1</integer>\n")));
  ASSERT_NE(diagnostic_for(result, "stop.timeout"), nullptr);
  service.stop.timeout = 45s;
  EXPECT_TRUE(
      contains(content(render(service)), key_block("ExitTimeOut", "\t<integer>45</integer>\n")));
}

// stop.timeout = "infinity": ExitTimeOut 0 is launchd's own "never SIGKILL", in both modes.
TEST(LaunchdRender, InfiniteStopTimeoutIsExitTimeOutZero) {
  for (const auto mode : {SupervisorMode::native, SupervisorMode::daemonize}) {
    auto service = make_service(mode);
    service.stop.timeout = kInfiniteDuration;
    const auto result = render(service);
    EXPECT_TRUE(contains(content(result), key_block("ExitTimeOut", "\t<integer>0</integer>\n")));
    EXPECT_EQ(diagnostic_for(result, "stop.timeout"), nullptr);
  }
}

TEST(LaunchdRender, DaemonizeModeExitTimeOutLeavesTheWatchdogTimeToStop) {
  auto service = make_service();
  service.stop.timeout = 30s;
  EXPECT_TRUE(
      contains(content(render(service)), key_block("ExitTimeOut", "\t<integer>35</integer>\n")));
}

TEST(LaunchdRender, AccountUmaskLimitsAndProcessType) {
  auto service = make_service();
  service.user = "payments";
  service.group = "staff";
  service.umask = 027;
  service.limits.nofile = 65536;
  service.limits.nproc = 512;
  service.launchd.process_type = "Background";
  // d mode: the watchdog starts as root (it reads root-only env files) and switches the program
  // to user/group itself; native: launchd starts the program as that account.
  EXPECT_FALSE(contains(content(render(service)), "UserName"));
  EXPECT_FALSE(contains(content(render(service)), "GroupName"));
  service.supervisor = SupervisorMode::native;
  const auto text = content(render(service));
  EXPECT_TRUE(contains(text, key_block("UserName", "\t<string>payments</string>\n")));
  EXPECT_TRUE(contains(text, key_block("GroupName", "\t<string>staff</string>\n")));
  EXPECT_TRUE(contains(text, key_block("Umask", "\t<integer>23</integer>\n")));
  EXPECT_TRUE(contains(text, key_block("ProcessType", "\t<string>Background</string>\n")));
  const std::string limits =
      "\t<dict>\n\t\t<key>NumberOfFiles</key>\n\t\t<integer>65536</integer>\n"
      "\t\t<key>NumberOfProcesses</key>\n\t\t<integer>512</integer>\n\t</dict>\n";
  EXPECT_TRUE(contains(text, key_block("SoftResourceLimits", limits)));
  EXPECT_TRUE(contains(text, key_block("HardResourceLimits", limits)));
}

TEST(LaunchdRender, UnknownProcessTypeIsAnError) {
  auto service = make_service();
  service.launchd.process_type = "Realtime";
  EXPECT_NE(diagnostic_for(render(service), "launchd.process_type"), nullptr);
}

TEST(LaunchdRender, UnexpressibleKeysWarnInBothModes) {
  for (const auto mode : {SupervisorMode::daemonize, SupervisorMode::native}) {
    auto service = make_service(mode);
    service.limits.memory = 512ULL << 20;
    service.limits.cpu = 1.5;
    service.dependencies.after = {"postgresql"};
    service.dependencies.requires_units = {"redis"};
    const auto result = render(service);
    EXPECT_FALSE(has_errors(result.diagnostics));
    for (const char* key :
         {"limits.memory", "limits.cpu", "dependencies.after", "dependencies.requires"}) {
      const auto* diagnostic = diagnostic_for(result, key);
      ASSERT_NE(diagnostic, nullptr) << key << " in " << to_string(mode);
      EXPECT_EQ(diagnostic->severity, Severity::warning);
      EXPECT_EQ(diagnostic->message.rfind("launchd: ", 0), 0U) << diagnostic->message;
    }
  }
}

TEST(LaunchdRender, WatchdogFeaturesWarnOnlyInNativeMode) {
  for (const auto mode : {SupervisorMode::daemonize, SupervisorMode::native}) {
    auto service = make_service(mode);
    service.health = HealthConfig{};
    service.restart.success_exit_codes = {0, 3};
    service.stop.signal = Signal::interrupt;
    service.required_env = {"TOKEN"};
    service.logs.timestamps = true;
    service.logs.rotate_every = RotateEvery::daily;
    const auto result = render(service);
    for (const char* key : {"health", "restart.multiplier", "restart.max_restarts",
                            "restart.success_exit_codes", "stop.signal", "service.required_env",
                            "logs.max_size", "logs.rotate_every", "logs.timestamps"}) {
      EXPECT_EQ(diagnostic_for(result, key) != nullptr, mode == SupervisorMode::native)
          << key << " in " << to_string(mode);
    }
  }
}

TEST(LaunchdRender, NativeFixedDelayUnlimitedRestartsNeedNoRestartWarning) {
  auto service = make_service(SupervisorMode::native);
  service.restart.multiplier = 1.0;
  service.restart.max_restarts = 0;
  const auto result = render(service);
  EXPECT_EQ(diagnostic_for(result, "restart.multiplier"), nullptr);
  EXPECT_EQ(diagnostic_for(result, "restart.max_restarts"), nullptr);
}

TEST(LaunchdRender, RenderingTwiceIsByteIdentical) {
  auto service = make_service(SupervisorMode::native);
  service.args = {"<a&b>", "]]>", "x y"};
  service.env = {{"B", "2"}, {"A", "1"}};
  service.limits.nofile = 1024;
  const auto first = render(service);
  const auto second = render(service);
  EXPECT_EQ(content(first), content(second));
}

// Inverse of the writer's escaping, for the property test below.
std::string unescape_xml_text(const std::string& text) {
  std::string result;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [entity, character] : {std::pair<std::string, char>{"&amp;", '&'},
                                            {"&lt;", '<'},
                                            {"&gt;", '>'},
                                            {"&#13;", '\r'}}) {
      if (text.compare(i, entity.size(), entity) == 0) {
        result += character;
        i += entity.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) result += text[i++];
  }
  return result;
}

TEST(LaunchdRender, RandomArgumentsRoundTripOrFailAtTheirKey) {
  const std::vector<std::string> pieces = {
      "&",  "<",    ">", "]]>", "\r", "\n", "\t",           "\x01",  "\xFF", "\xC3\xA9",
      "$$", "${X}", " ", "a",   "\"", "'",  "\xEF\xBF\xBE", "&amp;", "-",    "\xF0\x9F\x98\x80"};
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1664525U + 1013904223U;  // deterministic LCG: reproducible failures
    return state >> 8;
  };
  int rejected = 0;
  int round_tripped = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string raw;
    const auto length = next() % 6;
    for (std::uint32_t i = 0; i < length; ++i) raw += pieces[next() % pieces.size()];
    auto service = make_service(SupervisorMode::native);
    service.args = {raw};
    const auto result = render(service);

    const bool has_reference = raw.find("${X}") != std::string::npos;
    std::string literal = raw;
    for (std::size_t at = literal.find("$$"); at != std::string::npos;
         at = literal.find("$$", at + 1)) {
      literal.replace(at, 2, "$");
    }
    if (has_reference || find_xml_text_problem(literal)) {
      ASSERT_TRUE(result.artifacts.empty()) << "round " << round;
      const auto* diagnostic = diagnostic_for(result, "service.args[0]");
      ASSERT_NE(diagnostic, nullptr) << "round " << round;
      EXPECT_EQ(diagnostic->severity, Severity::error);
      ++rejected;
      continue;
    }
    ASSERT_FALSE(has_errors(result.diagnostics)) << "round " << round;
    const auto& text = content(result);
    const std::string before = "\t\t<string>/usr/local/bin/demo</string>\n\t\t<string>";
    const auto start = text.find(before);
    ASSERT_NE(start, std::string::npos);
    const auto end = text.find("</string>\n\t</array>", start + before.size());
    ASSERT_NE(end, std::string::npos);
    const auto element = text.substr(start + before.size(), end - start - before.size());
    EXPECT_EQ(element.find_first_of("<>\r"), std::string::npos) << "round " << round;
    EXPECT_EQ(unescape_xml_text(element), literal) << "round " << round;
    ++round_tripped;
  }
  // Both outcomes must actually be exercised.
  EXPECT_GT(rejected, 300);
  EXPECT_GT(round_tripped, 300);
}

TEST(LaunchdBackendInterface, RegistersAsLaunchdForMacos) {
  const auto backend = make_launchd_backend();
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->name(), "launchd");
  EXPECT_EQ(backend->os(), TargetOs::macos);
  EXPECT_FALSE(backend->unsupported_reason(make_service()).has_value());
  EXPECT_EQ(backend->render(make_service(), {}).artifacts.at(0).content,
            content(render(make_service())));
}

TEST(LaunchdRender, DocumentationIsACommentAndUnitRelationsWarn) {
  auto service = make_service();
  service.documentation = {"man:worker(8)", "https://example.com/a--b"};
  service.aliases = {"worker-legacy"};
  service.dependencies.before = {"nginx"};
  service.sandbox.protect_clock = true;
  const auto result = render(service);
  ASSERT_EQ(result.artifacts.size(), 1U);
  // "--" cannot stand in an XML comment; "-%2D" is the same URL.
  EXPECT_NE(result.artifacts[0].content.find(
                "<!-- Documentation: man:worker(8) https://example.com/a-%2Db -->\n<plist "),
            std::string::npos)
      << result.artifacts[0].content;
  std::vector<std::string> warned;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.key == "service.aliases" || diagnostic.key == "dependencies.before" ||
        diagnostic.key == "sandbox.protect_clock") {
      warned.push_back(diagnostic.message);
    }
  }
  EXPECT_EQ(warned,
            (std::vector<std::string>{
                "launchd: 'sandbox.protect_clock' is not enforced (launchd has no such sandbox "
                "setting)",
                "launchd: 'dependencies.before' is ignored (jobs have no such relations or names)",
                "launchd: 'service.aliases' is ignored (jobs have no such relations or names)"}));
}

}  // namespace
}  // namespace daemonize::launchd
